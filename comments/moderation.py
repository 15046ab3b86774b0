"""The course's discussion policy: who may comment, and which comments wait.

The policy lives here, in plain functions; the actions (approve, spam, trash,
restore) are methods of Comment. Views and the admin call both and decide nothing.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from comments.models import Comment

# The reader's own comments, so a held comment shows to its author (same session).
OWN_COMMENTS_SESSION_KEY = "comments:own"
OWN_COMMENTS_REMEMBERED = 50


class CommentingClosed(Exception):
    """Nobody may comment on this post now; the message says why."""


def check_can_comment(post, user) -> None:
    """Raise CommentingClosed unless ``user`` may comment on ``post`` now."""
    if not post.is_published:
        raise CommentingClosed("This post is not published, so it cannot take comments yet.")
    if not post.comments_open:
        raise CommentingClosed("Comments are closed on this post.")


def can_reply_to(parent: Comment) -> bool:
    """Replies go only under approved comments, as in WordPress."""
    return parent.status == Comment.Status.APPROVED


def initial_status(comment: Comment) -> str:
    """The status a new comment starts with.

    A logged-in course member's comment is approved. A guest's is held unless a
    guest comment with the same name and email was approved before (WordPress's
    "comment author must have a previously approved comment"). Only guest comments
    count, so typing a member's name and email earns a guest nothing, even once
    the member's account is gone.
    """
    if comment.user_id is not None:
        return Comment.Status.APPROVED
    previously_approved = Comment.objects.filter(
        by_member=False,
        author_name=comment.author_name,
        author_email__iexact=comment.author_email,
        status=Comment.Status.APPROVED,
    ).exists()
    return Comment.Status.APPROVED if previously_approved else Comment.Status.PENDING


def remember_own_comment(session: SessionBase, comment: Comment) -> None:
    own = [pk for pk in session.get(OWN_COMMENTS_SESSION_KEY, []) if pk != comment.pk]
    session[OWN_COMMENTS_SESSION_KEY] = [*own, comment.pk][-OWN_COMMENTS_REMEMBERED:]


def own_comment_pks(session: SessionBase) -> frozenset[int]:
    return frozenset(session.get(OWN_COMMENTS_SESSION_KEY, ()))


def held_comment_count() -> int:
    return Comment.objects.held().count()
