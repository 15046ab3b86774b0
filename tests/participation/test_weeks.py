"""Weeks are counted in the course's time zone from the weekday the instructor chose:
a week ends at local midnight, whatever UTC says and whatever the clocks do."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from participation import counting, report
from participation.weeks import Period, first_day_of_week
from tests.factories import make_post
from tests.participation.conftest import comment, student

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def new_york(settings):
    settings.TIME_ZONE = "America/New_York"


def local(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=NEW_YORK)


SUNDAY = date(2025, 3, 9)  # clocks go forward in New York at 2 am that day
MONDAY = date(2025, 3, 10)


def test_a_week_starts_at_local_midnight_on_the_chosen_weekday():
    assert first_day_of_week(SUNDAY, starts_on=0) == date(2025, 3, 3)
    assert first_day_of_week(SUNDAY, starts_on=6) == SUNDAY
    weeks = Period.covering(date(2025, 3, 3), MONDAY, starts_on=0)
    assert [week.first_day for week in weeks] == [date(2025, 3, 3), MONDAY]
    # Local midnight: 05:00 UTC in winter time, 04:00 UTC once the clocks moved.
    assert weeks.weeks[0].starts.astimezone(ZoneInfo("UTC")).hour == 5
    assert weeks.weeks[1].starts.astimezone(ZoneInfo("UTC")).hour == 4
    assert weeks.weeks[0].ends - weeks.weeks[0].starts == timedelta(days=7, hours=-1)


def test_a_period_covers_whole_weeks():
    weeks = Period.covering(date(2025, 3, 5), date(2025, 3, 12), starts_on=2)  # Wednesdays
    assert (weeks.first_day, weeks.last_day) == (date(2025, 3, 5), date(2025, 3, 18))
    assert weeks.weeks[0].label == "Mar 5–11"
    assert Period.covering(date(2025, 3, 27), date(2025, 3, 27), 0).weeks[0].label == "Mar 24–30"
    assert Period.covering(date(2025, 3, 31), date(2025, 3, 31), 0).weeks[0].label == "Mar 31–Apr 6"


def test_activity_one_second_before_local_midnight_is_in_the_week_that_ends(expectations):
    ana, ben = student("ana"), student("ben")
    ben_post = make_post(author=ben, published_at=local(date(2025, 3, 3), 9))
    make_post(author=ana, published_at=local(SUNDAY, 23, 59, 59))
    comment(ben_post, ana, when=local(SUNDAY, 23, 59, 59))
    comment(ben_post, ana, when=local(MONDAY))  # 04:00 UTC on Monday
    comment(ben_post, ana, when=local(MONDAY, 0, 0, 1))
    weeks = Period.covering(date(2025, 3, 3), MONDAY, starts_on=0)
    first, second = counting.weekly_counts(weeks)[ana.pk]
    assert (first.posts, first.replies) == (1, 1)
    assert (second.posts, second.replies) == (0, 2)


def test_expectations_are_met_or_missed_across_the_boundary(expectations):
    """One post and two replies a week: a reply written at midnight is next week's."""
    ana, ben, cleo = student("ana"), student("ben"), student("cleo")
    ben_post = make_post(author=ben, published_at=local(date(2025, 3, 3), 9))
    for who in (ana, cleo):
        make_post(author=who, published_at=local(SUNDAY, 20))
        comment(ben_post, who, when=local(SUNDAY, 21))
    comment(ben_post, ana, when=local(SUNDAY, 23, 59, 59))  # Ana's second reply: in time
    comment(ben_post, cleo, when=local(MONDAY))  # Cleo's: a second too late
    weeks = Period.covering(date(2025, 3, 3), SUNDAY, starts_on=0)
    built = report.build(weeks, expectations, now=local(date(2025, 4, 1)))
    status = {row.student.username: row.weeks[0].status for row in built.rows}
    assert status == {"ana": "met", "ben": "missed", "cleo": "missed"}


def test_the_running_week_is_in_progress_until_met_and_later_weeks_are_upcoming(expectations):
    ana = student("ana")
    weeks = Period.covering(date(2025, 3, 3), date(2025, 3, 17), starts_on=0)
    row = report.build(weeks, expectations, now=local(date(2025, 3, 12), 12)).rows[0]
    assert [week.status for week in row.weeks] == ["missed", "current", "upcoming"]
    assert (row.met, row.judged) == (0, 1)
    make_post(author=ana, published_at=local(date(2025, 3, 11)))
    expectations.replies_per_week = 0
    row = report.build(weeks, expectations, now=local(date(2025, 3, 12), 12)).rows[0]
    assert [week.status for week in row.weeks] == ["missed", "met", "upcoming"]
    assert (row.met, row.judged) == (1, 2)


def test_without_requirements_no_week_is_judged(expectations):
    student("ana")
    expectations.posts_per_week = expectations.replies_per_week = 0
    weeks = Period.covering(date(2025, 3, 3), date(2025, 3, 3), starts_on=0)
    row = report.build(weeks, expectations).rows[0]
    assert row.weeks[0].status == ""
    assert (row.met, row.judged) == (0, 0)
