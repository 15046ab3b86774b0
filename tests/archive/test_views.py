"""The admin's "Download the archive" button (Course settings)."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import make_student
from course.models import Audience
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db
URL = reverse("archive:static_site")


@pytest.fixture
def posts(db):
    make_post(title="Open essay")
    make_post(title="Class essay", visibility=Audience.CLASS)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_course_settings_offer_the_archive(instructor):
    page = client_of(instructor).get(reverse("admin:course_coursesettings_change", args=[1]))

    html = page.content.decode()
    assert f'action="{URL}"' in html
    assert 'id="download-archive"' in html
    assert 'value="everything"' in html


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("public", {"posts/open-essay.html"}),
        ("everything", {"posts/open-essay.html", "posts/class-essay.html"}),
    ],
)
def test_an_instructor_downloads_the_archive_as_it_is_made(instructor, posts, content, expected):
    response = client_of(instructor).post(URL, {"content": content})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    which = "class" if content == "everything" else "public"
    assert f'filename="coursblog-archive-{which}-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {name for name in archive.namelist() if name.startswith("posts/")} == expected
    assert archive.testzip() is None


def test_students_and_guests_cannot_download_it(posts):
    student = make_user()
    make_student(student)

    assert client_of(student).post(URL, {"content": "public"}).status_code == 403
    guest = Client().post(URL, {"content": "public"})
    assert guest.status_code == 302
    assert guest["Location"].startswith(reverse("account_login"))


def test_only_a_post_makes_an_archive(instructor):
    assert client_of(instructor).get(URL).status_code == 405


def test_an_unknown_choice_goes_back_with_a_message(instructor):
    client = client_of(instructor)

    response = client.post(URL, {"content": "grades"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:course_coursesettings_change", args=[1])
    assert "Choose what the archive holds" in response.content.decode()
