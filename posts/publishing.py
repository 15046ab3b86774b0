"""The life of a post: draft, (submitted for review,) published, unpublished.

When the course asks for review, a student's "Publish" submits the post instead,
and an instructor approves it or sends it back with a note. Instructors publish
directly. Edits to a post that is already published go live when saved; the
autosave of a published post is kept aside until its author saves or discards it.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.roles import is_instructor
from coursblog.html import sanitize_html
from course.models import CourseSettings
from posts.models import Post


def needs_review(user) -> bool:
    return CourseSettings.load().review_before_publishing and not is_instructor(user)


def publish(post: Post, *, by) -> Post.Status:
    """Publish ``post`` (or submit it for review); return the status it ends in."""
    if needs_review(by):
        post.status = Post.Status.PENDING
        post.submitted_at = timezone.now()
    else:
        post.status = Post.Status.PUBLISHED
        post.published_at = post.published_at or timezone.now()
    post.review_note = ""
    post.autosave = None
    post.save()
    return post.status


def unpublish(post: Post) -> None:
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])


def approve(post: Post) -> None:
    post.status = Post.Status.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    post.review_note = ""
    post.save(update_fields=["status", "published_at", "review_note", "updated_at"])


def send_back(post: Post, note: str) -> None:
    post.status = Post.Status.DRAFT
    post.review_note = note.strip()
    post.save(update_fields=["status", "review_note", "updated_at"])


def autosave(post: Post, *, title: str, body: str, excerpt: str) -> None:
    """Keep a few seconds of typing safe: drafts take it in place, published posts aside."""
    if post.status == Post.Status.PUBLISHED:
        post.autosave = {
            "title": title,
            "body": sanitize_html(body),
            "excerpt": excerpt,
            "saved_at": timezone.now().isoformat(),
        }
        post.save(update_fields=["autosave"])
    else:
        post.title, post.body, post.excerpt = title or post.title, body, excerpt
        post.save(update_fields=["title", "body", "excerpt", "updated_at"])
