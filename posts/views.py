from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from comments import moderation
from comments.forms import CommentForm, find_reply_target
from comments.thread import Thread
from coursblog.http import client_ip
from posts.models import Post

POSTS_PER_PAGE = 10


@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    posts = (
        Post.objects.published()
        .select_related("author")
        .with_comment_counts()
        .order_by("-published_at", "-pk")  # Meta.ordering does not apply to GROUP BY queries
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "posts/post_list.html", {"page": page, "posts": page.object_list})


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), slug=slug
    )
    if request.method != "POST":
        return render_post_page(request, post, CommentForm(post=post, user=request.user))

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
    form: CommentForm,
    *,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    """The post with its discussion and the reply form (fresh, or sent back with errors)."""
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
