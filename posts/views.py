from __future__ import annotations

import itertools
from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from comments import discussion, moderation
from comments.forms import CommentForm
from comments.models import DiscussionSettings
from coursblog.html import plain_text
from course import visibility
from course.privacy import mark_private, mark_private_unless_public
from participation.exemplary import with_badges
from posts import page_cache
from posts.forms import SOURCE_FIELDS
from posts.models import Post, PostQuerySet, Source

POSTS_PER_PAGE = 10
THREAD_MARK = "\x00thread\x00"


@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated and not visibility.course_is_public():
        return redirect_to_login(request.get_full_path())  # a class blog: log in first
    posts = with_badges(  # participation: the exemplary badge, in the same query
        Post.objects.listed_for(request.user)
        .select_related("author", "featured_image")
        .with_comment_counts()
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    mark_private_unless_public(request)
    return render(request, "posts/post_list.html", {"page": page, "posts": page.object_list})


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if (response := page_cache.cached(request, slug)) is not None:
        return response
    posts = with_badges(  # participation: the exemplary badge, in the same query
        Post.objects.visible_to(request.user)
        .select_related("author", "featured_image")
        .with_page_state()
        .with_neighbours(request.user)
    )
    post = get_object_or_404(posts, slug=slug)
    rules = DiscussionSettings.load(post.site_version)
    if not visibility.is_public(post):
        mark_private(request)
    if request.method != "POST":
        return page_cache.render_and_keep(
            request,
            post,
            lambda csrf_token: render_post_page(request, post, rules=rules, csrf_token=csrf_token),
        )

    form = discussion.comment_form(request, post, rules, data=request.POST)
    comment = form.save() if form.is_valid() else None
    if comment is None:  # refused (or its parent went away while it was being checked)
        return render_post_page(request, post, form, rules=rules, status=form.refusal_status())
    moderation.remember_own_comment(request.session, comment)
    response = redirect(comment)
    discussion.remember_details(response, form)
    return response


def render_post_page(
    request: HttpRequest,
    post: Post,
    form: CommentForm | None = None,
    *,
    rules: DiscussionSettings | None = None,
    status: int = 200,
    notice: str = "",
    preview: bool = False,
    csrf_token: str | None = None,
) -> HttpResponse:
    """The post with its discussion and the reply form (fresh, or sent back with errors).

    The discussion (megabytes, for a long one) goes into the page once, after the
    template is rendered around a mark, rather than through the template's copies.
    """
    rules = rules or DiscussionSettings.load()
    form = form or discussion.comment_form(request, post, rules)
    context = {
        "post": post,
        "citations": post.works_cited(),
        "preview": preview,
        "can_edit": post.can_be_edited_by(request.user),
        **discussion.context(request, post, form, rules, notice=notice),
    }
    thread_html, stream = context["thread_html"], context.pop("thread_stream")
    if thread_html or stream is not None:
        context["thread_html"] = mark_safe(THREAD_MARK)  # noqa: S308 - a constant
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    response = render(request, "posts/post_detail.html", context, status=status)
    if stream is None:
        response.content = response.content.replace(THREAD_MARK.encode(), thread_html.encode(), 1)
        return response
    head, tail = response.content.split(THREAD_MARK.encode(), 1)
    pieces = itertools.chain([head], (piece.encode() for piece in stream), [tail])
    return StreamingHttpResponse(pieces, status=status, content_type=response["Content-Type"])


@require_safe
def archives(request: HttpRequest) -> HttpResponse:
    """The months posts were published in, with how many the reader may read in each."""
    if not request.user.is_authenticated and not visibility.course_is_public():
        return redirect_to_login(request.get_full_path())
    months = Post.objects.listed_for(request.user).months()
    mark_private_unless_public(request)
    return render(request, "posts/archives.html", {"months": months})


@require_safe
def month_posts(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The posts of one month the reader may read; a month with none does not exist."""
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise Http404("No such month.")
    page = _page_or_404(request, Post.objects.published_in(year, month), "No posts that month.")
    context = {"month": date(year, month, 1), "page": page, "posts": page.object_list}
    return render(request, "posts/month.html", context)


@require_safe
def author_posts(request: HttpRequest, pk: int) -> HttpResponse:
    """An author's posts the reader may read and see as theirs; an author with none
    does not exist for this reader (there is no public list of members)."""
    author = get_object_or_404(User, pk=pk, is_active=True)
    posts = Post.objects.signed_for(request.user).filter(author=author)
    page = _page_or_404(request, posts, "No such author.")
    context = {"author": author, "page": page, "posts": page.object_list}
    return render(request, "posts/author.html", context)


def _page_or_404(request: HttpRequest, posts: PostQuerySet, missing: str) -> Page:
    """The page asked for of ``posts`` as listings show them to the reader; a listing
    with nothing the reader may read does not exist for them."""
    posts = with_badges(  # participation: the exemplary badge, in the same query
        posts.listed_for(request.user)
        .select_related("author", "featured_image")
        .with_comment_counts()
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404(missing)
    mark_private_unless_public(request)
    return page


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A source and the posts citing it that the reader may read; a source cited by
    none of those does not exist for this reader."""
    source = get_object_or_404(Source, pk=pk)
    posts = list(
        Post.objects.listed_for(request.user)
        .filter(citations__source=source)
        .select_related("author")
    )
    if not posts:
        raise Http404("No such source.")
    mark_private_unless_public(request)
    return render(request, "posts/source_detail.html", {"source": source, "posts": posts})


@login_required
@require_safe
def source_search(request: HttpRequest) -> JsonResponse:
    """Course sources matching ``q`` (title or authors), for the editor to offer."""
    query = request.GET.get("q", "").strip()
    if len(query) < 2:
        return JsonResponse({"results": []})
    matches = Source.objects.filter(Q(title__icontains=query) | Q(authors__icontains=query))
    # the course's sources, but none known only from posts the reader may not read
    readable = Post.objects.visible_to(request.user)
    matches = matches.filter(Q(citations__isnull=True) | Q(citations__post__in=readable))
    matches = matches.distinct()
    results = [
        {
            "id": source.pk,
            "entry": plain_text(source.mla_html()),
            **{name: _json_value(getattr(source, name)) for name in SOURCE_FIELDS},
        }
        for source in matches.order_by("title")[:10]
    ]
    return JsonResponse({"results": results})


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
