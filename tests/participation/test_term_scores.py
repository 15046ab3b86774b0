"""participation.grades.term_scores: the participation score the LMS receives."""

from datetime import date

import pytest
from django.utils import timezone

from participation.grades import Score, term_scores
from tests.factories import make_post
from tests.participation.conftest import at, comment, student

pytestmark = pytest.mark.django_db


def test_weeks_met_out_of_weeks_judged(classroom, expectations):
    # The week of March 3: Ana met it (a post, two replies); Ben and Cleo did not.
    # The week of March 10 had no activity: missed by all. Both are over.
    scores = term_scores(date(2025, 3, 3), date(2025, 3, 16))
    assert scores == {
        classroom.ana.pk: Score(1, 2),
        classroom.ben.pk: Score(0, 2),
        classroom.cleo.pk: Score(0, 2),
    }
    assert scores[classroom.ana.pk].fraction == 0.5


def test_the_whole_term_by_default(classroom):
    assert term_scores()[classroom.ana.pk] == Score(1, 2)


def test_the_running_week_counts_only_once_it_is_met(expectations):
    ana, ben = student("ana"), student("ben")
    today = timezone.now()
    expectations.term_starts, expectations.term_ends = today.date(), today.date()
    expectations.replies_per_week = 1
    expectations.save()
    assert term_scores()[ana.pk] == Score(0, 0)
    post = make_post(author=ben, published_at=today)
    make_post(author=ana, published_at=today)
    comment(post, ana, when=today)
    scores = term_scores()
    assert scores[ana.pk] == Score(1, 1)
    assert scores[ana.pk].fraction == 1.0
    assert scores[ben.pk] == Score(0, 0)


def test_without_requirements_there_is_nothing_to_score(expectations):
    ana = student("ana")
    expectations.posts_per_week = expectations.replies_per_week = 0
    expectations.save()
    make_post(author=ana, published_at=at(4))
    assert term_scores()[ana.pk] == Score(0, 0)
    assert term_scores()[ana.pk].fraction is None


def test_five_queries_whatever_the_class(expectations, django_assert_num_queries):
    for number in range(5):
        make_post(author=student(f"s{number}"), published_at=at(4))
    # expectations, students, posts, comments (written and received); the course
    # settings were read by this process already
    with django_assert_num_queries(4):
        assert len(term_scores(date(2025, 3, 3), date(2025, 3, 9))) == 5


def test_the_lms_gradebook_receives_the_term_score_by_default(classroom, settings):
    """settings.LTI_GRADE_SOURCE names participation.grades.for_lms unless set."""
    from lti.grades import configured_source

    sent = configured_source()()
    assert sent[classroom.ana] == (1, 2)
    assert sent[classroom.ben] == (0, 2)


def test_a_student_with_no_week_judged_gets_no_lms_score(expectations):
    from participation.grades import for_lms

    ana = student("ana")
    today = timezone.now()
    expectations.term_starts, expectations.term_ends = today.date(), today.date()
    expectations.save()
    assert ana not in for_lms()  # an LMS refuses a score out of 0
