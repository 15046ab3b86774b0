"""Grades leaving the site: each student's participation score for the LMS, and the
grades of posts as a spreadsheet.

The LMS gradebook's *grade sources* are defined here and only here (``LMS_SOURCES``):
each is a function returning ``{student: (score, maximum)}``; the LMS link in the admin
names one by its dotted path (lti/grades.py sends it, scaled to the column's maximum).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

from django.conf import settings

from accounts.models import User
from participation import counting, report
from participation.models import Expectations, Grade, GradingScale
from participation.report import spreadsheet_cell
from participation.weeks import Period, course_zone


@dataclasses.dataclass(frozen=True)
class Score:
    """Weeks met out of weeks judged."""

    score: int
    maximum: int

    @property
    def fraction(self) -> float | None:
        """The score as a share of the maximum (None when no week could be judged yet)."""
        return self.score / self.maximum if self.maximum else None


def term_scores(first_day: date | None = None, last_day: date | None = None) -> dict[int, Score]:
    """Each student's participation score over the weeks holding ``first_day`` to
    ``last_day`` (default: the whole term): {student's user id: Score}.

    For the LMS (an LTI grade passback): ``score`` is the number of weeks in which the
    student met the course's weekly expectations (Course settings), ``maximum`` the
    number of weeks judged so far: the weeks that are over, and the running week once
    it is met, so a score sent mid-week never counts the unfinished week against the
    student. Weeks are whole weeks in the course's time zone from the weekday the
    course chose. A course without weekly requirements scores nothing: every student
    gets 0 out of 0 (``fraction`` None). Five queries, whatever the class size.
    """
    expectations = Expectations.load()
    period = _period(expectations, first_day, last_day)
    built = report.build(period, expectations)
    return {row.student.pk: Score(row.met, row.judged) for row in built.rows}


def _period(expectations: Expectations, first_day: date | None, last_day: date | None) -> Period:
    if first_day is None and last_day is None:
        return report.term(expectations)
    term = report.term(expectations)
    return Period.covering(
        first_day or term.first_day, last_day or term.last_day, expectations.week_starts_on
    )


def grades_csv() -> str:
    """Every post's grade: student, post, grade, date (UTF-8 with a byte-order mark)."""
    grades = Grade.objects.select_related("post", "post__author", "given_by").order_by(
        "post__author__display_name", "post__published_at", "post__pk"
    )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "Student",
            "Real name",
            "Username",
            "Post",
            "Address",
            "Grade",
            "Points",
            "Out of",
            "Letter",
            "Given",
            "Given by",
        ]
    )
    zone = course_zone()
    for grade in grades:
        author = grade.post.author
        writer.writerow(
            spreadsheet_cell(value)
            for value in [
                author.display_name,
                author.real_name,
                author.get_username(),
                grade.post.title,
                f"{settings.SITE_URL}{grade.post.get_absolute_url()}",
                str(grade),
                grade.points if grade.points is not None else "",
                grade.out_of if grade.out_of is not None else "",
                grade.letter,
                grade.given_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                grade.given_by.real_name if grade.given_by else "",
            ]
        )
    return out.getvalue()


def for_lms() -> dict:
    """The LMS gradebook's participation grades (settings.LTI_GRADE_SOURCE): {student:
    (weeks met, weeks judged)} over the whole term, leaving out students with no week
    judged yet (an LMS refuses a score out of 0)."""
    scores = term_scores()
    students = User.objects.in_bulk(scores)
    return {
        students[pk]: (score.score, score.maximum)
        for pk, score in scores.items()
        if score.maximum and pk in students
    }


def letter_fraction(letter: str, letters: list[str]) -> float | None:
    """A letter's share of full marks: the scale's letters evenly spaced from the best
    (1) to the worst (0), so with A, B, C, D, F: A 1, B 0.75, C 0.5, D 0.25, F 0. A
    one-letter scale gives 1. None for a letter no longer on the scale (not counted)."""
    if letter not in letters:
        return None
    if len(letters) == 1:
        return 1.0
    return 1 - letters.index(letter) / (len(letters) - 1)


def post_grade_fractions() -> dict[int, float]:
    """Each student's post grades combined: {user id: the mean, over their graded posts,
    of each grade as a share of full marks} (points over the maximum they were given out
    of; a letter by ``letter_fraction`` on the course's scale). Students with no graded
    post are left out. Two queries once the course settings are read: the scale, and the
    grades with their students."""
    letters = GradingScale.load().letter_choices
    shares: dict[int, list[float]] = {}
    grades = Grade.objects.filter(post__author__in=counting.students()).values_list(
        "post__author_id", "points", "out_of", "letter"
    )
    for author_id, points, out_of, letter in grades:
        if letter:
            share = letter_fraction(letter, letters)
        else:
            share = float(points / out_of) if out_of else None
        if share is not None:
            shares.setdefault(author_id, []).append(share)
    return {pk: sum(values) / len(values) for pk, values in shares.items()}


def post_grades_for_lms() -> dict:
    """The LMS gradebook's post grades: {student: (mean share of full marks, 1)}."""
    fractions = post_grade_fractions()
    students = User.objects.in_bulk(fractions)
    return {students[pk]: (share, 1.0) for pk, share in fractions.items() if pk in students}


# The grades an instructor may send to the LMS gradebook: dotted path → what it is.
LMS_SOURCES = {
    "participation.grades.for_lms": "Weekly expectations: weeks met out of weeks judged",
    "participation.grades.post_grades_for_lms": (
        "Post grades: the mean of the student's graded posts (points over the maximum; "
        "letters evenly spaced from the best, full marks, to the worst, zero)"
    ),
}
