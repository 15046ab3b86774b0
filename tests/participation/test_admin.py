"""Participation in the admin: expectations and grading with Course settings, links."""

import pytest
from django.test import Client
from django.urls import reverse

from course.models import CourseSettings
from participation.models import Expectations, GradingScale
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    client = Client()
    client.force_login(make_user("morgan", instructor=True))
    return client


def settings_form(**changes):
    data = {
        "title": "History 214",
        "visibility": "public",
        "join_code": "",
        "expectations-TOTAL_FORMS": "1",
        "expectations-INITIAL_FORMS": "0",
        "expectations-MIN_NUM_FORMS": "1",
        "expectations-MAX_NUM_FORMS": "1",
        "expectations-0-posts_per_week": "2",
        "expectations-0-replies_per_week": "3",
        "expectations-0-min_words_per_reply": "50",
        "expectations-0-week_starts_on": "6",
        "expectations-0-term_starts": "2025-01-12",
        "expectations-0-term_ends": "2025-05-03",
        "grading_scale-TOTAL_FORMS": "1",
        "grading_scale-INITIAL_FORMS": "0",
        "grading_scale-MIN_NUM_FORMS": "1",
        "grading_scale-MAX_NUM_FORMS": "1",
        "grading_scale-0-kind": "letter",
        "grading_scale-0-out_of": "10",
        "grading_scale-0-letters": "Pass\nFail",
    }
    data.update(changes)
    return data


def test_an_instructor_sets_weekly_requirements_in_course_settings(teacher):
    url = reverse("admin:course_coursesettings_change", args=[CourseSettings.load().pk])
    html = teacher.get(url).content.decode()
    assert "Weekly expectations" in html
    assert "replies to classmates per week" in html.lower()
    response = teacher.post(url, settings_form())
    assert response.status_code == 302, response.content.decode()
    expectations = Expectations.load()
    assert (
        expectations.posts_per_week,
        expectations.replies_per_week,
        expectations.min_words_per_reply,
        expectations.week_starts_on,
    ) == (2, 3, 50, 6)
    assert GradingScale.load().letter_choices == ["Pass", "Fail"]
    assert expectations.describe() == (
        "2 posts and 3 replies to classmates (at least 50 words each) a week"
    )


def test_a_term_that_ends_before_it_starts_is_refused(teacher):
    url = reverse("admin:course_coursesettings_change", args=[CourseSettings.load().pk])
    response = teacher.post(url, settings_form(**{"expectations-0-term_ends": "2024-01-01"}))
    assert response.status_code == 200
    assert "The term cannot end before it starts." in response.content.decode()


def test_the_admin_links_to_participation_and_the_grades(teacher):
    html = teacher.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("participation:report")}"' in html
    assert f'href="{reverse("participation:grades_csv")}"' in html
    grades = teacher.get(reverse("admin:participation_grade_changelist")).content.decode()
    assert "Download all grades (CSV)" in grades


def test_the_site_menu_links_to_participation_for_instructors_only(teacher):
    link = f'<a href="{reverse("participation:report")}">Participation</a>'
    assert link in teacher.get(reverse("posts:list")).content.decode()
    student = Client()
    student.force_login(make_user("ana"))
    assert link not in student.get(reverse("posts:list")).content.decode()
