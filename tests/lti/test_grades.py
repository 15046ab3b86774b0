"""The course's grade in the LMS gradebook (AGS), against the test platform's gradebook,
which records every score it receives."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from lti.grades import COLUMN_TAG, GradeError, retry_failed, send_grades
from lti.models import GradebookLink, SentScore
from participation.models import Expectations, Grade, GradingScale
from participation.weeks import course_zone
from tests.factories import make_post
from tests.lti.conftest import launched
from tests.lti.platform import INSTRUCTOR, LEARNER, ROLE, Person

pytestmark = pytest.mark.django_db

BEN = Person("lms-learner-2", "Ben", "Okafor", "ben@school.example", [ROLE + "Learner"])


def everyone_gets_ten():
    return {user: (10.0, 10.0) for user in User.objects.filter(lti_users__isnull=False)}


def column_of(course) -> str:
    return GradebookLink.objects.get(platform=course).line_item.url


def test_a_grade_is_sent_then_updated_not_duplicated(client, registered, platform):
    ana = launched(client, platform, course=registered)
    grades = {ana: (7.0, 10.0)}
    report = send_grades(registered, lambda: grades)
    assert report.sent == [ana]
    column = column_of(registered)
    assert platform.line_items[column]["tag"] == COLUMN_TAG
    assert platform.line_items[column]["scoreMaximum"] == 100.0
    assert platform.gradebook(column) == {LEARNER.sub: 70.0}  # 7 of 10, out of 100
    again = send_grades(registered, lambda: grades)
    assert again.unchanged == [ana]
    assert len(platform.score_posts) == 1
    grades[ana] = (9.0, 10.0)
    send_grades(registered, lambda: grades)
    assert platform.gradebook(column) == {LEARNER.sub: 90.0}
    assert len(platform.line_items) == 1
    assert SentScore.objects.get(user=ana).score == 90.0


def test_the_column_is_found_again_not_made_twice(client, registered, platform):
    ana = launched(client, platform, course=registered)
    send_grades(registered, lambda: {ana: (1.0, 2.0)})
    GradebookLink.objects.update(line_item=None)
    send_grades(registered, lambda: {ana: (2.0, 2.0)})
    assert len(platform.line_items) == 1
    assert platform.gradebook(column_of(registered)) == {LEARNER.sub: 100.0}


def test_the_column_has_the_links_name_and_maximum(client, registered, platform):
    ana = launched(client, platform, course=registered)
    link = registered.gradebook_link()
    link.label, link.maximum = "Blog participation", Decimal(20)
    link.save()
    send_grades(registered, lambda: {ana: (7.0, 10.0)})
    [column] = platform.line_items.values()
    assert (column["label"], column["scoreMaximum"]) == ("Blog participation", 20.0)
    [sent] = platform.score_posts
    assert (sent["scoreGiven"], sent["scoreMaximum"]) == (14.0, 20.0)


def test_a_new_link_starts_from_the_sites_setting(client, registered, platform, settings):
    settings.LTI_GRADE_SOURCE = "participation.grades.post_grades_for_lms"
    launched(client, platform, course=registered)
    assert registered.gradebook_link().source == "participation.grades.post_grades_for_lms"


def test_no_link_before_a_launch_binds_a_course(registered):
    assert registered.gradebook_link() is None
    with pytest.raises(GradeError, match="open Coursblog once from the LMS course"):
        send_grades(registered, everyone_gets_ten)


def test_grades_need_a_source(client, registered, platform, settings):
    settings.LTI_GRADE_SOURCE = ""
    launched(client, platform, course=registered)
    with pytest.raises(GradeError, match="No grade source"):
        send_grades(registered)


def test_an_unknown_source_is_a_clear_error(client, registered, platform):
    launched(client, platform, course=registered)
    link = registered.gradebook_link()
    link.source = "participation.grades.nothing_here"
    link.save()
    with pytest.raises(GradeError, match=r"No grade source 'participation\.grades\.nothing_here'"):
        send_grades(registered)


# The two sources.


def test_the_weekly_expectations_source_sends_weeks_met(client, registered, platform, settings):
    settings.LTI_GRADE_SOURCE = "participation.grades.post_grades_for_lms"  # the default…
    # Ana posted last week, Ben did not; this week is running and met by no one, so
    # not judged: Ana met 1 week of 1, Ben 0 of 1.
    ana = launched(client, platform, course=registered)
    launched(client, platform, BEN)
    launched(client, platform, INSTRUCTOR)  # an instructor has no participation grade
    last_week = timezone.now() - timedelta(days=7)
    expectations = Expectations.load()
    expectations.posts_per_week, expectations.replies_per_week = 1, 0
    expectations.term_starts = last_week.astimezone(course_zone()).date()
    expectations.term_ends = timezone.now().astimezone(course_zone()).date()
    expectations.save()
    make_post(author=ana, published_at=last_week)
    link = registered.gradebook_link()
    link.source = "participation.grades.for_lms"  # …that the instructor's choice replaces
    link.save()
    send_grades(registered)
    assert platform.gradebook(column_of(registered)) == {LEARNER.sub: 100.0, BEN.sub: 0.0}


def test_the_post_grades_source_sends_the_mean_share_of_full_marks(
    client, registered, platform, settings
):
    settings.LTI_GRADE_SOURCE = "participation.grades.post_grades_for_lms"
    ana = launched(client, platform, course=registered)
    ben = launched(client, platform, BEN)
    launched(client, platform, INSTRUCTOR)
    scale = GradingScale.load()
    scale.letters = "A\nB\nC\nD\nF"
    scale.save()
    Grade.objects.create(post=make_post(author=ana), points=Decimal(8), out_of=Decimal(10))
    Grade.objects.create(post=make_post(author=ana), letter="B")  # 0.75
    Grade.objects.create(post=make_post(author=ben), letter="F")
    make_post(author=ben)  # not graded: not counted
    send_grades(registered)
    column = column_of(registered)
    assert platform.gradebook(column) == {LEARNER.sub: 77.5, BEN.sub: 0.0}
    Grade.objects.filter(letter="F").update(letter="A")  # regraded: the LMS's score follows
    report = send_grades(registered)
    assert (report.sent, report.unchanged) == ([ben], [ana])
    assert platform.gradebook(column) == {LEARNER.sub: 77.5, BEN.sub: 100.0}
    assert len(platform.line_items) == 1


# Failures and retries.


def test_a_failure_is_reported_for_that_student_and_retried(client, registered, platform):
    ana = launched(client, platform, course=registered)
    teacher = launched(client, platform, INSTRUCTOR, course=registered)
    outsider = User.objects.create_user("outsider")
    platform.failing_users = {LEARNER.sub}
    source = {ana: (5.0, 10.0), teacher: (10.0, 10.0), outsider: (1.0, 10.0)}.copy
    report = send_grades(registered, source)
    assert report.sent == [teacher]
    assert report.not_in_lms == [outsider]
    assert [user for user, _ in report.failed] == [ana]
    assert "the gradebook is busy" in report.failed[0][1]
    assert "Ana López" in str(report)
    assert SentScore.objects.failed().get().user == ana
    platform.failing_users = set()
    retry = send_grades(registered, source)
    assert retry.sent == [ana]
    assert retry.unchanged == [teacher]
    assert not SentScore.objects.failed().exists()


def test_a_retry_sends_only_the_failed_students(client, registered, platform):
    ana = launched(client, platform, course=registered)
    ben = launched(client, platform, BEN)
    grades = {ana: (5.0, 10.0), ben: (6.0, 10.0)}
    platform.failing_users = {LEARNER.sub}
    send_grades(registered, grades.copy)
    platform.failing_users = set()
    grades[ben] = (8.0, 10.0)  # changed, but a retry is for the failures alone
    platform.score_posts.clear()
    report = send_grades(registered, grades.copy, only_failed=True)
    assert report.sent == [ana]
    assert [post["userId"] for post in platform.score_posts] == [LEARNER.sub]
    assert platform.gradebook(column_of(registered)) == {LEARNER.sub: 50.0, BEN.sub: 60.0}
    assert SentScore.objects.get(user=ana).attempts == 2


def test_retry_failed_takes_the_failed_records_course_by_course(
    client, registered, platform, settings
):
    settings.LTI_GRADE_SOURCE = f"{__name__}.everyone_gets_ten"
    ana = launched(client, platform, course=registered)
    launched(client, platform, BEN)
    platform.failing_users = {LEARNER.sub, BEN.sub}
    send_grades(registered)
    platform.failing_users = set()
    platform.score_posts.clear()
    [(course, report)] = retry_failed(SentScore.objects.filter(user=ana))
    assert course == registered
    assert report.sent == [ana]
    assert [post["userId"] for post in platform.score_posts] == [LEARNER.sub]
    assert SentScore.objects.failed().get().user.lti_users.get().sub == BEN.sub


def test_the_grades_command_uses_the_links_source(client, registered, platform, settings):
    settings.LTI_GRADE_SOURCE = f"{__name__}.everyone_gets_ten"
    launched(client, platform, course=registered)
    call_command("send_lti_grades")
    assert platform.gradebook(column_of(registered)) == {LEARNER.sub: 100.0}


def test_the_grades_command_retries_the_failures_alone(
    client, registered, platform, settings, capsys
):
    settings.LTI_GRADE_SOURCE = f"{__name__}.everyone_gets_ten"
    launched(client, platform, course=registered)
    launched(client, platform, INSTRUCTOR)
    platform.failing_users = {LEARNER.sub}
    with pytest.raises(CommandError, match="tried again next time"):
        call_command("send_lti_grades")
    assert "1 sent" in capsys.readouterr().out
    platform.failing_users = set()
    platform.score_posts.clear()
    call_command("send_lti_grades", "--retry-failed")
    assert "1 sent, 0 already in the gradebook" in capsys.readouterr().out
    assert [post["userId"] for post in platform.score_posts] == [LEARNER.sub]
    assert not SentScore.objects.failed().exists()
