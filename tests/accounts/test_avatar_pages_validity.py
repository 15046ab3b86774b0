"""The account page (with and without a picture, and refusing one) and posts showing
avatars are valid HTML5 by the W3C Nu checker (see tests/test_html_validity.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.roles import make_student
from tests.accounts.test_avatars import photo
from tests.factories import make_post, make_user
from tests.test_html_validity import JAVA, VNU_JAR, nu_page_errors
from tests.tools import needs

pytestmark = [
    pytest.mark.django_db,
    needs(JAVA is not None, "the Nu HTML checker needs Java (apt install default-jre-headless)"),
    needs(VNU_JAR.exists(), "vnu.jar is missing: run `npm ci` (make test does)"),
]


def test_account_and_post_pages_with_avatars_are_valid_html5(client, writer, tmp_path):
    classmate, instructor = Client(), Client()
    other = make_user("classmate", display_name="<b>Ana</b> & 王小明")
    make_student(other)
    classmate.force_login(other)
    instructor.force_login(make_user("teacher", instructor=True))
    pages = {"account-initials": client.get(reverse("accounts:account"))}
    bad = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    pages["account-refused"] = client.post(reverse("accounts:avatar"), {"picture": bad})
    client.post(reverse("accounts:avatar"), {"picture": photo()})
    pages["account-picture"] = client.get(reverse("accounts:account"))
    post = make_post(author=writer)
    anonymous = make_post(author=writer, anonymous=True)
    make_post(author=other)
    pages["post-picture"] = Client().get(post.get_absolute_url())
    pages["post-anonymous-classmate"] = classmate.get(anonymous.get_absolute_url())
    pages["post-anonymous-instructor"] = instructor.get(anonymous.get_absolute_url())
    pages["home-avatars"] = classmate.get(reverse("posts:list"))
    pages["author-picture"] = classmate.get(reverse("posts:author", kwargs={"pk": writer.pk}))
    statuses = {name: response.status_code for name, response in pages.items()}
    assert statuses == {name: 400 if name == "account-refused" else 200 for name in pages}
    html = {name: response.content.decode() for name, response in pages.items()}
    assert 'class="avatar-image"' in html["post-picture"]
    assert nu_page_errors(html, tmp_path) == []
