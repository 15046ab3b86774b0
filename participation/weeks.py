"""The course's weeks: seven local days from the weekday the instructor chose, in the
course's time zone (settings.TIME_ZONE).

A week's bounds are the instants of local midnight, so a comment at 23:59 on the
last day belongs to that week and one at 00:00 to the next, daylight saving time
or not. Queries compare stored (UTC) instants with these bounds; nothing depends
on the database's own time zone functions.
"""

from __future__ import annotations

import bisect
import dataclasses
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property

from django.utils import timezone

# Longer ranges are refused: a page with more weeks helps nobody (two school years).
MAX_WEEKS = 104


def course_zone() -> tzinfo:
    return timezone.get_default_timezone()


def today() -> date:
    """The date in the course's time zone."""
    return timezone.now().astimezone(course_zone()).date()


def local_midnight(day: date) -> datetime:
    """The instant a local day starts in the course's time zone (in UTC, so that
    arithmetic across a change of the clocks stays exact)."""
    return datetime.combine(day, time(), tzinfo=course_zone()).astimezone(UTC)


def first_day_of_week(day: date, starts_on: int) -> date:
    """The first day of the week holding ``day`` (``starts_on``: 0 Monday … 6 Sunday)."""
    return day - timedelta(days=(day.weekday() - starts_on) % 7)


@dataclasses.dataclass(frozen=True)
class Week:
    index: int
    first_day: date

    # Cached: a page asks each of them of every week for every student.
    @cached_property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    @cached_property
    def starts(self) -> datetime:
        return local_midnight(self.first_day)

    @cached_property
    def ends(self) -> datetime:
        """The first instant after the week."""
        return local_midnight(self.first_day + timedelta(days=7))

    @cached_property
    def label(self) -> str:
        """ "Mar 3–9" or "Mar 31–Apr 6"."""
        first, last = self.first_day, self.last_day
        if first.month == last.month:
            return f"{first:%b} {first.day}–{last.day}"
        return f"{first:%b} {first.day}–{last:%b} {last.day}"

    def state(self, now: datetime | None = None) -> str:
        """ "past", "current" or "upcoming"."""
        now = now or timezone.now()
        if now >= self.ends:
            return "past"
        return "current" if now >= self.starts else "upcoming"


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole weeks, one after another."""

    weeks: tuple[Week, ...]

    @classmethod
    def covering(cls, first_day: date, last_day: date, starts_on: int) -> Period:
        """The weeks that hold the days from ``first_day`` to ``last_day`` (at least one)."""
        start = first_day_of_week(first_day, starts_on)
        count = max(1, (last_day - start).days // 7 + 1)
        return cls(tuple(Week(n, start + timedelta(weeks=n)) for n in range(count)))

    @property
    def first_day(self) -> date:
        return self.weeks[0].first_day

    @property
    def last_day(self) -> date:
        return self.weeks[-1].last_day

    @property
    def starts(self) -> datetime:
        return self.weeks[0].starts

    @property
    def ends(self) -> datetime:
        return self.weeks[-1].ends

    @property
    def bounds(self) -> list[datetime]:
        """The instant each week after the first starts."""
        return [week.starts for week in self.weeks[1:]]

    def week_of(self, moment: datetime) -> Week | None:
        if not self.starts <= moment < self.ends:
            return None
        return self.weeks[bisect.bisect_right(self.bounds, moment)]

    def __len__(self) -> int:
        return len(self.weeks)

    def __iter__(self):
        return iter(self.weeks)
