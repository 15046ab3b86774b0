"""The participation report: each student's weeks over a period, judged against the
course's expectations; what the participation page, its CSV, "Your posts" and the
LMS scores show."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from participation import counting, weeks
from participation.counting import WeekCounts
from participation.models import Expectations
from participation.weeks import Period, Week
from posts.models import Post

STATUS_LABELS = {
    "met": "Met",
    "missed": "Missed",
    "current": "In progress",
    "upcoming": "Upcoming",
    "": "",
}


def week_status(expectations: Expectations, state: str, counts: WeekCounts) -> str:
    """ "met", "missed", "current" (not met yet, still running), "upcoming", or "" when
    the course sets no requirements; ``state`` is the week's (Week.state)."""
    if not expectations.has_requirements:
        return ""
    if state == "upcoming":
        return "upcoming"
    if expectations.is_met(counts):
        return "met"
    return "missed" if state == "past" else "current"


@dataclasses.dataclass
class WeekRecord:
    week: Week
    counts: WeekCounts
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclasses.dataclass
class StudentRecord:
    student: User
    weeks: list[WeekRecord]
    total: WeekCounts

    @property
    def met(self) -> int:
        return sum(1 for record in self.weeks if record.status == "met")

    @property
    def judged(self) -> int:
        """Weeks that are over, and the running week once it is met."""
        return sum(1 for record in self.weeks if record.status in ("met", "missed"))


@dataclasses.dataclass
class ClassWeek:
    week: Week
    posts: int
    comments: int
    replies: int
    met: int
    judged: int


# Sortable columns: (key for a StudentRecord, heading).
COLUMNS: dict[str, tuple[Callable[[StudentRecord], object], str]] = {
    "name": (lambda r: r.student.display_name.casefold(), "Student"),
    "real_name": (lambda r: r.student.real_name.casefold(), "Real name"),
    "posts": (lambda r: r.total.posts, "Posts published"),
    "comments": (lambda r: r.total.comments, "Comments written"),
    "replies": (lambda r: r.total.replies, "Replies to classmates"),
    "received": (lambda r: r.total.received, "Replies received"),
    "words": (lambda r: r.total.words, "Words written"),
    "first": (lambda r: r.total.first or _NEVER, "First activity"),
    "last": (lambda r: r.total.last or _NEVER, "Last activity"),
    "met": (lambda r: (r.met, -r.judged), "Weeks met"),
}
_NEVER = datetime.min.replace(tzinfo=timezone.get_fixed_timezone(0))


@dataclasses.dataclass
class Report:
    period: Period
    expectations: Expectations
    rows: list[StudentRecord]

    def sort(self, column: str, *, descending: bool = False) -> None:
        key = COLUMNS.get(column, COLUMNS["name"])[0]
        self.rows.sort(key=lambda r: r.student.display_name.casefold())
        self.rows.sort(key=key, reverse=descending)

    @property
    def class_weeks(self) -> list[ClassWeek]:
        summary = []
        for index, week in enumerate(self.period.weeks):
            records = [row.weeks[index] for row in self.rows]
            summary.append(
                ClassWeek(
                    week,
                    posts=sum(r.counts.posts for r in records),
                    comments=sum(r.counts.comments for r in records),
                    replies=sum(r.counts.replies for r in records),
                    met=sum(1 for r in records if r.status == "met"),
                    judged=sum(1 for r in records if r.status in ("met", "missed")),
                )
            )
        return summary


def build(
    period: Period,
    expectations: Expectations,
    *,
    students: Iterable[User] | None = None,
    now: datetime | None = None,
) -> Report:
    """The report over ``period`` for ``students`` (default: the class), in three queries."""
    now = now or timezone.now()
    given = students is not None
    students = list(students if given else counting.students())
    members = [student.pk for student in students] if given else None
    counts = counting.weekly_counts(
        period, min_words=expectations.min_words_per_reply, members=members
    )
    states = [week.state(now) for week in period.weeks]
    rows = []
    for student in students:
        week_counts = counts.get(student.pk) or [WeekCounts() for _ in period.weeks]
        records = [
            WeekRecord(week, found, week_status(expectations, state, found))
            for week, state, found in zip(period.weeks, states, week_counts, strict=True)
        ]
        rows.append(StudentRecord(student, records, counting.totals(week_counts)))
    return Report(period, expectations, rows)


def term(expectations: Expectations) -> Period:
    """The whole term: from its first day (or the first published post) to its last day
    (or today), at most weeks.MAX_WEEKS weeks, the latest ones."""
    last = expectations.term_ends or weeks.today()
    first = expectations.term_starts
    if first is None:
        published = (
            Post.objects.published()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        first = published.astimezone(weeks.course_zone()).date() if published else last
    first = max(min(first, last), last - timedelta(weeks=weeks.MAX_WEEKS - 1))
    return Period.covering(first, last, expectations.week_starts_on)


def this_week(expectations: Expectations, offset: int = 0) -> Period:
    """The current week (``offset`` -1: the week before)."""
    day = weeks.today() + timedelta(weeks=offset)
    return Period.covering(day, day, expectations.week_starts_on)


def _date(value: datetime | None) -> str:
    return value.astimezone(weeks.course_zone()).strftime("%Y-%m-%d %H:%M") if value else ""


def spreadsheet_cell(value: object) -> object:
    """A spreadsheet cell: text a program would run as a formula is quoted (OWASP's
    advice against CSV injection: names are typed by students)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: Report, *, by_week: bool) -> str:
    """The report as shown, as CSV text (UTF-8 with a byte-order mark, so spreadsheet
    programs read the names right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    head = ["Student", "Real name", "Username"]
    if by_week:
        for week in report.period.weeks:
            label = f"Week of {week.first_day.isoformat()}"
            head += [f"{label}: posts", f"{label}: replies to classmates", f"{label}: status"]
    else:
        head += [
            COLUMNS[key][1]
            for key in ("posts", "comments", "replies", "received", "words", "first", "last")
        ]
        if report.expectations.has_requirements:
            head += ["Weeks met", "Weeks judged"]
    writer.writerow(head)
    for row in report.rows:
        student = row.student
        line = [student.display_name, student.real_name, student.get_username()]
        if by_week:
            for record in row.weeks:
                line += [record.counts.posts, record.counts.replies, record.status_label]
        else:
            total = row.total
            line += [
                total.posts,
                total.comments,
                total.replies,
                total.received,
                total.words,
                _date(total.first),
                _date(total.last),
            ]
            if report.expectations.has_requirements:
                line += [row.met, row.judged]
        writer.writerow([spreadsheet_cell(value) for value in line])
    return out.getvalue()
