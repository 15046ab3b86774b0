"""Reporting a comment to the instructors, as Open edX and django-contrib-comments flag.

The rules, in one place (views and the admin desk call these):

- Any logged-in member (accounts/roles.py: a member, student or instructor) may
  report an approved comment on a post they may read (course/visibility.py).
  Any other comment does not exist for them (404); guests are asked to log in.
- Not their own comment: they can edit or delete it instead.
- One report per member per comment (a unique constraint): reporting again
  changes their report, and the page says so.
- The comment stays up. The instructors get one email per comment, not per
  report: the comment's first open report sends it. Once an instructor dismisses
  the reports (or trashes the comment, which closes them), a new report emails again.
- Nobody but the instructors learns who reported a comment, or how many did.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import transaction
from django.db.models import Min, Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import Role, role_of
from comments import notifications
from comments.models import Comment, Report
from posts.models import Post


class NotReportable(Exception):
    """The comment is no longer one this member may report (gone, or not approved)."""


class Filed(NamedTuple):
    report: Report
    created: bool  # False: the member had reported it already, and changed their report


def may_report(user) -> bool:
    """Logged-in members may report; guests may not."""
    return role_of(user) >= Role.MEMBER


def reportable_by(user) -> QuerySet[Comment]:
    """The comments ``user`` may report: approved, on a post they may read."""
    return Comment.objects.approved().filter(post__in=Post.objects.visible_to(user))


def is_own(comment: Comment, user) -> bool:
    return user.is_authenticated and comment.user_id == user.pk


def report_of(comment: Comment, user) -> Report | None:
    """The member's own report of ``comment``, if they made one."""
    return Report.objects.filter(comment=comment, reporter=user).first()


def file_report(comment: Comment, reporter, *, reason: str, note: str) -> Filed:
    """Record (or change) ``reporter``'s report of ``comment``; the comment's first open
    report emails the instructors once the transaction commits.

    The comment's row is locked first, so two members reporting at once cannot both
    be "the first" (and the comment cannot be moderated away meanwhile)."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if locked is None or not locked.is_approved:
            raise NotReportable(f"Comment {comment.pk} is not approved.")
        first = not Report.objects.filter(comment=locked).exists()
        now = timezone.now()
        report, created = Report.objects.update_or_create(
            comment=locked,
            reporter=reporter,
            defaults={"reason": reason, "note": note, "updated": now},
            create_defaults={"reason": reason, "note": note, "created": now, "updated": now},
        )
        if first:
            transaction.on_commit(lambda: notifications.comment_reported(report), robust=True)
    return Filed(report, created)


def reported_comments() -> QuerySet[Comment]:
    """The desk: approved comments with open reports, the longest-waiting first, each
    with its reports (and their reporters) prefetched."""
    reports = Report.objects.select_related("reporter").order_by("created", "pk")
    return (
        Comment.objects.approved()
        .reported()
        .annotate(first_reported=Min("reports__created"))
        .select_related("post", "user")
        .prefetch_related(Prefetch("reports", queryset=reports))
        .order_by("first_reported", "pk")
    )


def dismiss_reports(comment: Comment) -> int:
    """The instructor keeps the comment up: its reports are closed (deleted), so a new
    report emails again. Returns how many were closed."""
    deleted, _ = Report.objects.filter(comment=comment).delete()
    return deleted


def trash_reported(comment: Comment, *, by) -> None:
    """The instructor agrees with the reports: the comment goes to the trash (where it
    can be restored) and its reports are closed."""
    with transaction.atomic():
        comment.trash(by=by)
        Report.objects.filter(comment=comment).delete()
