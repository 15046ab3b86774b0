"""participation.grades' post-grade source for the LMS: each student's graded posts
combined into one share of full marks."""

from decimal import Decimal

import pytest
from django.utils.module_loading import import_string

from participation.grades import (
    LMS_SOURCES,
    letter_fraction,
    post_grade_fractions,
    post_grades_for_lms,
)
from participation.models import Grade, GradingScale
from tests.factories import make_post, make_user
from tests.participation.conftest import student

pytestmark = pytest.mark.django_db


def test_letters_are_evenly_spaced_from_the_best_to_the_worst():
    letters = ["A", "B", "C", "D", "F"]
    assert [letter_fraction(letter, letters) for letter in letters] == [1, 0.75, 0.5, 0.25, 0]


def test_a_one_letter_scale_is_full_marks_and_an_unknown_letter_is_not_counted():
    assert letter_fraction("Pass", ["Pass"]) == 1
    assert letter_fraction("E", ["A", "B", "F"]) is None


def grade(author, *, points=None, out_of=None, letter=""):
    return Grade.objects.create(
        post=make_post(author=author), points=points, out_of=out_of, letter=letter
    )


def test_the_mean_of_a_students_graded_posts(db):
    ana, ben, cleo = student("ana"), student("ben"), student("cleo")
    scale = GradingScale.load()
    scale.letters = "A\nB\nC\nF"
    scale.save()
    grade(ana, points=Decimal(9), out_of=Decimal(10))
    grade(ana, points=Decimal(3), out_of=Decimal(5))  # the maximum it was given out of
    grade(ben, letter="B")
    grade(ben, letter="Z")  # no longer on the scale: left out
    make_post(author=cleo)  # nothing graded: no score
    grade(make_user("morgan", instructor=True), letter="A")  # not a student
    assert post_grade_fractions() == {ana.pk: pytest.approx(0.75), ben.pk: pytest.approx(2 / 3)}
    sent = post_grades_for_lms()
    assert set(sent) == {ana, ben}
    assert sent[ana] == (pytest.approx(0.75), 1.0)


def test_three_queries_whatever_the_class(db, django_assert_num_queries):
    for number in range(4):
        grade(student(f"s{number}"), points=Decimal(1), out_of=Decimal(2))
    GradingScale.load()
    # the scale (with its course settings), the grades with their students
    with django_assert_num_queries(2):
        assert len(post_grade_fractions()) == 4


def test_both_sources_are_offered_and_importable():
    assert set(LMS_SOURCES) == {
        "participation.grades.for_lms",
        "participation.grades.post_grades_for_lms",
    }
    for path in LMS_SOURCES:
        assert callable(import_string(path))
