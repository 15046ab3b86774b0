from __future__ import annotations

import itertools

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from comments import discussion, moderation
from comments.forms import CommentForm
from comments.models import DiscussionSettings
from coursblog.html import plain_text
from participation.exemplary import with_badges
from posts import page_cache
from posts.forms import SOURCE_FIELDS
from posts.models import Post, Source

POSTS_PER_PAGE = 10
THREAD_MARK = "\x00thread\x00"


@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    posts = with_badges(  # participation: the exemplary badge, in the same query
        Post.objects.published()
        .select_related("author", "featured_image")
        .with_comment_counts()
        .order_by("-published_at", "-pk")  # Meta.ordering does not apply to GROUP BY queries
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "posts/post_list.html", {"page": page, "posts": page.object_list})


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if (response := page_cache.cached(request, slug)) is not None:
        return response
    posts = with_badges(  # participation: the exemplary badge, in the same query
        Post.objects.visible_to(request.user)
        .select_related("author", "featured_image")
        .with_site_version()
    )
    post = get_object_or_404(posts, slug=slug)
    rules = DiscussionSettings.load(post.site_version)
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
        "citations": post.citations.select_related("source"),
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
def author_posts(request: HttpRequest, username: str) -> HttpResponse:
    author = get_object_or_404(User, username=username, is_active=True)
    posts = with_badges(  # participation: the exemplary badge, in the same query
        Post.objects.published()
        .filter(author=author)
        .select_related("author", "featured_image")
        .with_comment_counts()
        .order_by("-published_at", "-pk")
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"author": author, "page": page, "posts": page.object_list}
    return render(request, "posts/author.html", context)


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    posts = Post.objects.published().filter(citations__source=source).select_related("author")
    return render(request, "posts/source_detail.html", {"source": source, "posts": posts})


@login_required
@require_safe
def source_search(request: HttpRequest) -> JsonResponse:
    """Course sources matching ``q`` (title or authors), for the editor to offer."""
    query = request.GET.get("q", "").strip()
    if len(query) < 2:
        return JsonResponse({"results": []})
    matches = Source.objects.filter(Q(title__icontains=query) | Q(authors__icontains=query))
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
