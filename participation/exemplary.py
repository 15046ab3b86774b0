"""Exemplary work: posts and comments an instructor marks as examples to follow.

A mark shows as a badge wherever the work shows, and the work is listed on the
course's Exemplary work page, unless its author chose not to be listed (their
preferences): then nobody but the instructors sees the mark. Pages are cached on
versions (see README.md), so marking raises the post's discussion version and a
change of preference raises the site's.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.fields import BooleanField

from comments.models import Comment
from participation.models import ExemplaryComment, ExemplaryPost, Preferences
from posts.models import Post


def _author_opted_out(user_field: str) -> Exists:
    return Exists(Preferences.objects.filter(user=OuterRef(user_field), list_exemplary=False))


def shown_badge() -> ExpressionWrapper:
    """For a Post queryset: is the post marked exemplary, for everyone to see?"""
    marked = Exists(ExemplaryPost.objects.filter(post=OuterRef("pk")))
    return ExpressionWrapper(
        Q(marked) & ~Q(_author_opted_out("author")), output_field=BooleanField()
    )


def with_badges(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Annotate ``is_exemplary`` (the badge templates/participation/_exemplary_badge.html
    shows), in the same query."""
    return posts.annotate(is_exemplary=shown_badge())


def exemplary_comment_ids(post) -> frozenset[int]:
    """The ids of ``post``'s comments that show the exemplary badge (one query).

    For the discussion's renderer: approved comments only, and none whose writer
    chose not to be listed. Guests' comments have no preferences and show it.
    """
    marked = (
        ExemplaryComment.objects.filter(comment__post=post, comment__status=Comment.Status.APPROVED)
        .exclude(
            Exists(Preferences.objects.filter(user=OuterRef("comment__user"), list_exemplary=False))
        )
        .values_list("comment_id", flat=True)
    )
    return frozenset(marked)


def listed_posts(user) -> QuerySet[Post]:
    """Exemplary posts ``user`` may read (Post.objects.visible_to), newest mark first."""
    return (
        Post.objects.visible_to(user)
        .published()
        .filter(exemplary_mark__isnull=False)
        .exclude(_author_opted_out("author"))
        .select_related("author", "exemplary_mark")
        .order_by("-exemplary_mark__marked_at")
    )


def listed_comments(user) -> QuerySet[Comment]:
    """Exemplary approved comments on posts ``user`` may read, newest mark first."""
    return (
        Comment.objects.filter(
            exemplary_mark__isnull=False,
            status=Comment.Status.APPROVED,
            post__in=Post.objects.visible_to(user).published(),
        )
        .exclude(_author_opted_out("user"))
        .select_related("post", "exemplary_mark")
        .order_by("-exemplary_mark__marked_at")
    )


def mark_post(post: Post, *, by, exemplary: bool = True) -> None:
    _mark(ExemplaryPost, {"post": post}, post.pk, by=by, exemplary=exemplary)


def mark_comment(comment: Comment, *, by, exemplary: bool = True) -> None:
    _mark(ExemplaryComment, {"comment": comment}, comment.post_id, by=by, exemplary=exemplary)


def _mark(model, work: dict, post_id: int, *, by, exemplary: bool) -> None:
    """Mark (or unmark) the work; its post's pages change with it, in the same transaction."""
    with transaction.atomic():
        if exemplary:
            model.objects.get_or_create(**work, defaults={"marked_by": by})
        else:
            model.objects.filter(**work).delete()
        Post.objects.filter(pk=post_id).discussion_changed()
