"""The participation grade in the LMS gradebook (Assignment and Grade Services).

The seam: a *grade source* is a callable that returns ``{user: (score, maximum)}`` for
the course's members. ``settings.LTI_GRADE_SOURCE`` names it (a dotted path); the
participation app provides the real one, and tests pass their own to ``send_grades``.

``link_gradebook_column`` finds the course's column for it in the LMS (by its tag) or
makes it, once. ``send_grades`` sends each member's score there: a score the LMS
already has is not sent again, a changed one replaces the old (AGS keeps a member's
latest score: an update, never a second entry), and a failure is recorded for that
member alone and tried again at the next sending (the admin's button, or
``manage.py send_lti_grades`` from cron).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from lti_tool.models import LtiLineItem, LtiUser
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from accounts.models import User
from lti.models import Platform, SentScore
from lti.services import ServiceUnavailable, gradebook_service

GradeSource = Callable[[], Mapping[User, tuple[float, float]]]

COLUMN_TAG = "coursblog-participation"
COLUMN_LABEL = "Participation (Coursblog)"
COLUMN_MAXIMUM = 100.0


class GradeError(Exception):
    pass


def configured_source() -> GradeSource | None:
    """The grade source settings.LTI_GRADE_SOURCE names, if any."""
    return import_string(settings.LTI_GRADE_SOURCE) if settings.LTI_GRADE_SOURCE else None


@dataclasses.dataclass
class GradeReport:
    sent: list[User] = dataclasses.field(default_factory=list)
    unchanged: list[User] = dataclasses.field(default_factory=list)
    failed: list[tuple[User, str]] = dataclasses.field(default_factory=list)
    not_in_lms: list[User] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        text = f"{len(self.sent)} sent, {len(self.unchanged)} already in the gradebook"
        if self.not_in_lms:
            text += f", {len(self.not_in_lms)} not known to the LMS"
        if self.failed:
            failures = "; ".join(f"{user.real_name}: {error}" for user, error in self.failed)
            text += f", {len(self.failed)} failed (tried again next time): {failures}"
        return text


def link_gradebook_column(platform: Platform) -> LtiLineItem:
    """The LMS column for the participation grade: found by its tag, or made."""
    try:
        gradebook = gradebook_service(platform)
        wanted = (
            LineItem()
            .set_tag(COLUMN_TAG)
            .set_resource_id(COLUMN_TAG)
            .set_label(COLUMN_LABEL)
            .set_score_maximum(COLUMN_MAXIMUM)
        )
        column = gradebook.find_or_create_lineitem(wanted, find_by="tag")
    except ServiceUnavailable as error:
        raise GradeError(str(error)) from error
    except (LtiException, requests.RequestException, ValueError) as error:
        raise GradeError(f"The LMS did not give a gradebook column: {error}") from error
    line_item, _ = LtiLineItem.objects.update_or_create(
        url=column.get_id(),
        defaults={
            "context": platform.course_context,
            "label": column.get_label() or COLUMN_LABEL,
            "maximum_score": column.get_score_maximum() or COLUMN_MAXIMUM,
            "tag": COLUMN_TAG,
            "resource_id": COLUMN_TAG,
        },
    )
    platform.grade_line_item = line_item
    platform.save(update_fields=["grade_line_item"])
    return line_item


def send_grades(platform: Platform, source: GradeSource | None = None) -> GradeReport:
    """Send every member's grade from ``source`` (the configured one by default)."""
    source = source or configured_source()
    if source is None:
        raise GradeError("No grade source is connected (settings.LTI_GRADE_SOURCE).")
    line_item = platform.grade_line_item or link_gradebook_column(platform)
    try:
        gradebook = gradebook_service(platform)
    except ServiceUnavailable as error:
        raise GradeError(str(error)) from error
    subs = dict(
        LtiUser.objects.filter(
            registration=platform.registration, auth_user__isnull=False
        ).values_list("auth_user_id", "sub")
    )
    records = {record.user_id: record for record in SentScore.objects.filter(line_item=line_item)}
    column = LineItem({"id": line_item.url})
    report = GradeReport()
    for user, (score, maximum) in source().items():
        sub = subs.get(user.pk)
        if sub is None:
            report.not_in_lms.append(user)
            continue
        record = records.get(user.pk) or SentScore(line_item=line_item, user=user)
        if record.pk and record.is_current(score, maximum):
            report.unchanged.append(user)
            continue
        record.score, record.maximum, record.attempts = score, maximum, record.attempts + 1
        try:
            gradebook.put_grade(_grade(sub, score, maximum), column)
        except (LtiException, requests.RequestException, ValueError) as error:
            record.status, record.error = SentScore.Status.FAILED, str(error)[:1000]
            report.failed.append((user, record.error))
        else:
            record.status, record.error = SentScore.Status.SENT, ""
            report.sent.append(user)
        record.save()
    return report


def _grade(sub: str, score: float, maximum: float) -> Grade:
    return (
        Grade()
        .set_user_id(sub)
        .set_score_given(score)
        .set_score_maximum(maximum)
        # AGS keeps the score with the latest timestamp: each sending supersedes the last.
        .set_timestamp(timezone.now().isoformat(timespec="microseconds"))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
    )
