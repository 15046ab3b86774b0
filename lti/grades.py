"""The participation grade in the LMS gradebook (Assignment and Grade Services).

The seam: a *grade source* is a callable that returns ``{user: (score, maximum)}`` for
the course's members. Each LMS course's ``GradebookLink`` names one by its dotted path
(chosen by the instructor in the admin among participation/grades.py's LMS_SOURCES;
``settings.LTI_GRADE_SOURCE`` is only the default for a new link), and tests pass their
own to ``send_grades``.

``link_gradebook_column`` finds the course's column for it in the LMS (by its tag) or
makes it, once, with the link's name and maximum. ``send_grades`` sends each member's
score there, as their share of full marks times the link's maximum: a score the LMS
already has is not sent again, a changed one replaces the old (AGS keeps a member's
latest score: an update, never a second entry), and a failure is recorded for that
member alone (``SentScore``) and tried again at the next sending, or alone with
``only_failed`` (the admin's "Retry failed", or ``manage.py send_lti_grades
--retry-failed`` from cron).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from lti_tool.models import LtiLineItem, LtiUser
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from accounts.models import User
from lti.models import GradebookLink, Platform, SentScore
from lti.services import ServiceUnavailable, gradebook_service

GradeSource = Callable[[], Mapping[User, tuple[float, float]]]

COLUMN_TAG = "coursblog-participation"


class GradeError(Exception):
    pass


def configured_source(path: str | None = None) -> GradeSource | None:
    """The grade source ``path`` names (default: settings.LTI_GRADE_SOURCE), if any."""
    path = settings.LTI_GRADE_SOURCE if path is None else path
    if not path:
        return None
    try:
        return import_string(path)
    except ImportError as error:
        raise GradeError(f"No grade source {path!r}: {error}") from error


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


def _link(platform: Platform) -> GradebookLink:
    link = platform.gradebook_link()
    if link is None:
        raise GradeError("No LMS course yet: open Coursblog once from the LMS course.")
    return link


def link_gradebook_column(platform: Platform) -> LtiLineItem:
    """The LMS column for the course's grade: found by its tag, or made."""
    link = _link(platform)
    try:
        gradebook = gradebook_service(platform)
        wanted = (
            LineItem()
            .set_tag(COLUMN_TAG)
            .set_resource_id(COLUMN_TAG)
            .set_label(link.label)
            .set_score_maximum(float(link.maximum))
        )
        column = gradebook.find_or_create_lineitem(wanted, find_by="tag")
    except ServiceUnavailable as error:
        raise GradeError(str(error)) from error
    except (LtiException, requests.RequestException, ValueError) as error:
        raise GradeError(f"The LMS did not give a gradebook column: {error}") from error
    line_item, _ = LtiLineItem.objects.update_or_create(
        url=column.get_id(),
        defaults={
            "context": link.context,
            "label": column.get_label() or link.label,
            "maximum_score": column.get_score_maximum() or float(link.maximum),
            "tag": COLUMN_TAG,
            "resource_id": COLUMN_TAG,
        },
    )
    link.line_item = line_item
    link.save(update_fields=["line_item"])
    return line_item


def send_grades(
    platform: Platform,
    source: GradeSource | None = None,
    *,
    only_failed: bool = False,
    students: Collection[int] | None = None,
) -> GradeReport:
    """Send every member's grade from ``source`` (by default the one the course's
    gradebook link names): all changed scores and earlier failures, or with
    ``only_failed`` the earlier failures alone; ``students`` (user ids) narrows it."""
    link = _link(platform)
    source = source or configured_source(link.source)
    if source is None:
        raise GradeError("No grade source is chosen for this course (its gradebook link).")
    line_item = link.line_item or link_gradebook_column(platform)
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
    wanted = set(students) if students is not None else None
    if only_failed:
        failed = {pk for pk, record in records.items() if record.status == SentScore.Status.FAILED}
        wanted = failed if wanted is None else wanted & failed
    column = LineItem({"id": line_item.url})
    maximum = float(link.maximum)
    report = GradeReport()
    for user, (given, out_of) in source().items():
        if (wanted is not None and user.pk not in wanted) or not out_of:
            continue  # not asked for, or nothing to score yet (an LMS refuses out of 0)
        sub = subs.get(user.pk)
        if sub is None:
            report.not_in_lms.append(user)
            continue
        score = round(given / out_of * maximum, 2)
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


def retry_failed(records: Iterable[SentScore]) -> list[tuple[Platform, GradeReport | GradeError]]:
    """Send again the failed ones among ``records``, course by course: each course's
    report, or the error that stopped it. Records of a column no longer linked to a
    course's gradebook are left alone."""
    students: dict[int, set[int]] = {}
    for record in records:
        if record.status == SentScore.Status.FAILED:
            students.setdefault(record.line_item_id, set()).add(record.user_id)
    links = GradebookLink.objects.filter(line_item__in=students).select_related(
        "platform__registration", "platform__course_context"
    )
    outcomes: list[tuple[Platform, GradeReport | GradeError]] = []
    for link in links:
        if link.platform.course_context_id != link.context_id:
            continue  # the platform now serves another LMS course
        try:
            report = send_grades(
                link.platform, only_failed=True, students=students[link.line_item_id]
            )
        except GradeError as error:
            outcomes.append((link.platform, error))
        else:
            outcomes.append((link.platform, report))
    return outcomes


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
