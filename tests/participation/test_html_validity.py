"""The participation pages, and the post page's private section, are valid HTML5 by the
W3C Nu checker (see tests/test_html_validity.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from participation.models import GradingScale, PrivateFeedback
from tests.test_html_validity import JAVA, VNU_JAR, nu_page_errors
from tests.tools import needs

pytestmark = [
    pytest.mark.django_db,
    needs(JAVA is not None, "the Nu HTML checker needs Java (apt install default-jre-headless)"),
    needs(VNU_JAR.exists(), "vnu.jar is missing: run `npm ci` (make test does)"),
]


def test_participation_pages_are_valid_html5(classroom, tmp_path):
    teacher, author = Client(), Client()
    teacher.force_login(classroom.morgan)
    author.force_login(classroom.ana)
    post = classroom.ana_post
    term = {"start": "2025-03-03", "end": "2025-03-16"}
    teacher.post(reverse("participation:feedback", args=[post.pk]), {"body": "Good <b>work</b>"})
    feedback = PrivateFeedback.objects.get()
    author.post(
        reverse("participation:feedback", args=[post.pk]), {"body": "Thanks", "parent": feedback.pk}
    )
    teacher.post(reverse("participation:grade", args=[post.pk]), {"points": "9"})
    teacher.post(reverse("participation:mark_post", args=[post.pk]), {"exemplary": "1"})
    teacher.post(reverse("participation:mark_comment", args=[classroom.c5.pk]), {"exemplary": "1"})
    pages = {
        "participation": teacher.get(reverse("participation:report"), term),
        "participation-weeks": teacher.get(
            reverse("participation:report"), {**term, "view": "weeks"}
        ),
        "participation-errors": teacher.get(reverse("participation:report"), {"start": "x"}),
        "participation-student": teacher.get(
            reverse("participation:student", args=[classroom.ben.pk]), term
        ),
        "participation-received": teacher.get(
            reverse("participation:student", args=[classroom.ana.pk]), {**term, "kind": "received"}
        ),
        "post-instructor": teacher.get(post.get_absolute_url()),
        "post-author": author.get(post.get_absolute_url()),
        "feedback-errors": teacher.post(
            reverse("participation:feedback", args=[post.pk]), {"body": ""}
        ),
        "grade-errors": teacher.post(
            reverse("participation:grade", args=[post.pk]), {"points": "99"}
        ),
        "your-posts": author.get(reverse("posts:mine")),
        "exemplary": Client().get(reverse("participation:exemplary")),
        "preferences": author.get(reverse("participation:preferences")),
        "home": Client().get(reverse("posts:list")),
    }
    scale = GradingScale.load()
    scale.kind = GradingScale.Kind.LETTER
    scale.save()
    pages["post-instructor-letters"] = teacher.get(post.get_absolute_url())
    statuses = {name: response.status_code for name, response in pages.items()}
    expected = {"participation-errors": 400, "feedback-errors": 400, "grade-errors": 400}
    assert statuses == {name: expected.get(name, 200) for name in pages}
    html = {name: response.content.decode() for name, response in pages.items()}
    assert nu_page_errors(html, tmp_path) == []
