"""Views for writing: the editor page, autosave, preview, your posts, the review queue.

Editor URLs use the post's id, not its slug: a draft's slug follows its title
until the post is first published, and autosave must keep one address meanwhile.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import instructor_required, writer_required
from accounts.roles import can_write_posts
from course import term
from posts import publishing
from posts.forms import (
    PostForm,
    SourceFormSet,
    initial_sources,
    save_sources,
    source_kind_guide,
)
from posts.models import Post
from posts.views import render_post_page


@writer_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    return _editor(request, Post(author=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.editable_by(request.user), pk=pk)
    return _editor(request, post)


def _editor(request: HttpRequest, post: Post) -> HttpResponse:
    locked = term.locked_reason(request.user)
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, instance=post, user=request.user)
        sources = SourceFormSet(request.POST, prefix="sources")
        if locked:  # refused, but the page keeps what was typed
            messages.error(request, f"Your post was not saved. {locked}")
            status = 403
        elif form.is_valid() and sources.is_valid():
            return _save(request, form, sources)
        else:
            messages.error(request, "Your post was not saved yet: see the notes below.")
            status = 400
    else:
        initial = {}
        if request.GET.get("restore") == "autosave" and post.autosave:
            initial = {key: post.autosave[key] for key in ("title", "body", "excerpt")}
        form = PostForm(instance=post, user=request.user, initial=initial)
        sources = SourceFormSet(
            initial=initial_sources(post) if post.pk else None, prefix="sources"
        )
        status = 200
    listed_sources, offered_source = sources.listed_and_offered()
    context = {
        "post": post,
        "form": form,
        "sources": sources,
        "listed_sources": listed_sources,
        "offered_source": offered_source,
        "source_kinds": source_kind_guide(),
        "needs_review": publishing.needs_review(request.user),
        "has_newer_autosave": bool(post.autosave) and request.GET.get("restore") != "autosave",
        "locked": locked,
    }
    return render(request, "posts/editor.html", context, status=status)


def _save(request: HttpRequest, form: PostForm, sources) -> HttpResponse:
    action = request.POST.get("action", "save")
    post = form.instance
    if action == "preview" and post.pk and post.status == Post.Status.PUBLISHED:
        # Previewing a live post must not change it: the edits wait in its autosave.
        data = form.cleaned_data
        publishing.autosave(post, title=data["title"], body=data["body"], excerpt=data["excerpt"])
        return redirect("posts:preview", pk=post.pk)
    with transaction.atomic():
        post = form.save()
        notes = save_sources(post, sources.entries())
        if action == "publish":
            status = publishing.publish(post, by=request.user)
        elif action == "unpublish":
            publishing.unpublish(post)
    for note in notes:
        messages.info(request, note)
    if action == "preview":
        return redirect("posts:preview", pk=post.pk)
    if action == "publish" and status == Post.Status.PUBLISHED:
        messages.success(request, "Your post is published.")
        return redirect(post)
    if action == "publish":
        messages.success(request, "Your post is submitted for review. The instructor will read it.")
    elif action == "unpublish":
        messages.success(request, "Your post is unpublished: it is a draft again.")
    elif post.status == Post.Status.PUBLISHED:
        post.autosave = None
        post.save(update_fields=["autosave"])
        messages.success(request, "Your post is updated.")
    else:
        messages.success(request, "Draft saved.")
    return redirect("posts:edit", pk=post.pk)


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int | None = None) -> JsonResponse:
    """Save a few seconds of typing; the first autosave of a new post creates its draft."""
    if locked := term.locked_reason(request.user):
        return JsonResponse({"error": locked}, status=403)
    title = request.POST.get("title", "").strip()[:200]
    body = request.POST.get("body", "")
    excerpt = request.POST.get("excerpt", "")
    if pk is None:
        if not can_write_posts(request.user):
            return JsonResponse({"error": "You cannot write posts."}, status=403)
        if not (title or body.strip()):
            return JsonResponse({"saved": False})
        post = Post.objects.create(
            author=request.user, title=title or "Untitled draft", body=body, excerpt=excerpt
        )
    else:
        post = get_object_or_404(Post.objects.editable_by(request.user), pk=pk)
        publishing.autosave(post, title=title, body=body, excerpt=excerpt)
    return JsonResponse(
        {
            "saved": True,
            "editUrl": reverse("posts:edit", kwargs={"pk": post.pk}),
            "autosaveUrl": reverse("posts:autosave", kwargs={"pk": post.pk}),
            "previewUrl": reverse("posts:preview", kwargs={"pk": post.pk}),
        }
    )


@login_required
@require_safe
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The post exactly as it will look, to its author and the instructors only."""
    post = get_object_or_404(
        Post.objects.editable_by(request.user).select_related("author", "featured_image"), pk=pk
    )
    if post.status == Post.Status.PUBLISHED and post.autosave:
        post.title = post.autosave["title"] or post.title
        post.body = post.autosave["body"]
        post.excerpt = post.autosave["excerpt"]
    return render_post_page(request, post, preview=True)


@login_required
@require_safe
def my_posts(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.filter(author=request.user).order_by("-updated_at")
    return render(request, "posts/my_posts.html", {"posts": posts})


@instructor_required
@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Posts submitted for review: approve, or send back with a note."""
    if request.method == "POST":
        post = get_object_or_404(Post.objects.awaiting_review(), pk=request.POST.get("post"))
        if request.POST.get("decision") == "approve":
            publishing.approve(post)
            messages.success(request, f"“{post.title}” is published.")
        else:
            publishing.send_back(post, request.POST.get("note", ""))
            messages.success(request, f"“{post.title}” went back to {post.author.display_name}.")
        return redirect("posts:review")
    posts = Post.objects.awaiting_review().select_related("author")
    return render(request, "posts/review_queue.html", {"posts": posts})
