from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from comments import moderation
from comments.forms import CommentForm, find_reply_target
from comments.thread import Thread
from coursblog.html import plain_text
from coursblog.http import client_ip
from posts.forms import SOURCE_FIELDS
from posts.models import Post, Source

POSTS_PER_PAGE = 10


@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    posts = (
        Post.objects.published()
        .select_related("author", "featured_image")
        .with_comment_counts()
        .order_by("-published_at", "-pk")  # Meta.ordering does not apply to GROUP BY queries
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "posts/post_list.html", {"page": page, "posts": page.object_list})


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    posts = Post.objects.visible_to(request.user).select_related("author", "featured_image")
    post = get_object_or_404(posts, slug=slug)
    if request.method != "POST":
        return render_post_page(request, post)

    form = CommentForm(request.POST, post=post, user=request.user)
    if not form.is_valid():
        return render_post_page(request, post, form, status=form.refusal_status())
    comment = form.save(
        ip_address=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    if comment is None:  # the parent went away while the form was being checked
        return render_post_page(request, post, form, status=form.refusal_status())
    moderation.remember_own_comment(request.session, comment)
    return redirect(comment)


def render_post_page(
    request: HttpRequest,
    post: Post,
    form: CommentForm | None = None,
    *,
    status: int = 200,
    notice: str = "",
    preview: bool = False,
) -> HttpResponse:
    """The post with its discussion and the reply form (fresh, or sent back with errors)."""
    if form is None:
        form = CommentForm(post=post, user=request.user)
    reply_to, reply_notice = _reply_target(request, post, form)
    if form.is_bound and "parent" in form.errors:
        form.data = form.data.copy()
        form.data["parent"] = ""  # resending makes a new comment, not a reply to nowhere
    try:
        moderation.check_can_comment(post, request.user)
        closed_reason = ""
    except moderation.CommentingClosed as closed:
        closed_reason = str(closed)
    thread = Thread.for_post(post, moderation.own_comment_pks(request.session))
    context = {
        "post": post,
        "citations": post.citations.select_related("source"),
        "thread": thread,
        "thread_html": thread.render(
            post_url=post.get_absolute_url(), post_author_id=post.author_id
        ),
        "form": form,
        "reply_to": reply_to,
        "notice": notice or reply_notice,
        "closed_reason": closed_reason,
        "preview": preview,
        "can_edit": post.can_be_edited_by(request.user),
    }
    return render(request, "posts/post_detail.html", context, status=status)


def _reply_target(request: HttpRequest, post: Post, form: CommentForm):
    """The comment being replied to, from a sent form or from ?replytocom=<pk>."""
    if form.is_bound:
        form.is_valid()  # validated already on the normal path; cached
        return form.cleaned_data.get("parent"), ""
    raw = request.GET.get("replytocom", "")
    try:
        reply_to = find_reply_target(post, raw)
    except ValidationError as error:
        return None, f"{error.messages[0]} You can leave a new comment below."
    if reply_to is not None:
        form.initial["parent"] = reply_to.pk
    return reply_to, ""


@require_safe
def author_posts(request: HttpRequest, username: str) -> HttpResponse:
    author = get_object_or_404(User, username=username, is_active=True)
    posts = (
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
