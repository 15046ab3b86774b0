"""Accounts: log in by username or email, join with the course code, reset a password,
log in with an external account; what each role may do."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import STUDENTS
from course.models import CourseSettings
from posts.models import Post
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")


@pytest.fixture
def member():
    return make_user("caroline", email="caroline@example.edu", password="a-long-passphrase")


@pytest.mark.parametrize("login", ["caroline", "caroline@example.edu"])
def test_members_log_in_with_username_or_email(client, member, login):
    response = client.post(LOGIN, {"login": login, "password": "a-long-passphrase"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == member


def test_a_wrong_password_is_explained(client, member):
    response = client.post(LOGIN, {"login": "caroline", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_log_out(client, member):
    client.force_login(member)
    client.post(reverse("account_logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_sign_up_is_closed_without_a_join_code(client):
    response = client.get(SIGNUP)
    assert "Sign-up is closed" in response.content.decode()
    assert "Sign up with the join code" not in client.get(LOGIN).content.decode()


def signup_data(code):
    return {
        "username": "newstudent",
        "email": "new@example.edu",
        "password1": "a-long-passphrase",
        "password2": "a-long-passphrase",
        "join_code": code,
    }


def test_the_join_code_makes_a_student_account(client):
    settings = CourseSettings.load()
    settings.join_code = "HIST-214"
    settings.save()
    assert "Sign up with the join code" in client.get(LOGIN).content.decode()

    wrong = client.post(SIGNUP, signup_data("HIST-999"))
    assert "That join code is not this course" in wrong.content.decode()
    assert not User.objects.filter(username="newstudent").exists()

    right = client.post(SIGNUP, signup_data(" hist-214 "))
    assert right.status_code == 302
    student = User.objects.get(username="newstudent")
    assert student.groups.filter(name=STUDENTS).exists()
    assert student.has_perm("posts.add_post")
    assert not student.has_perm("comments.moderate_comment")


def test_password_reset_by_email(client, member):
    client.post(reverse("account_reset_password"), {"email": "caroline@example.edu"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    page = client.get(link, follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    client.post(set_url, {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"})
    assert Client().login(username="caroline", password="brand-new-passphrase")


def external_login(client, **identity):
    """Log in through allauth's dummy provider, as a school identity provider would."""
    start = client.post(reverse("dummy_login"))
    assert start.status_code == 302
    return client.post(start["Location"], {"id": "1001", **identity}, follow=True)


def test_an_external_account_with_a_members_email_logs_them_in(client, member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    external_login(client, email="caroline@example.edu", email_verified="on")
    assert client.get("/").context["user"] == member


def test_an_unknown_external_account_needs_the_join_code(client):
    response = external_login(
        client, email="stranger@example.edu", email_verified="on", username="stranger"
    )
    assert "Sign-up is closed" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(email="stranger@example.edu").exists()


def test_a_student_cannot_edit_another_students_post_or_moderate(client, student):
    from accounts.roles import make_student

    make_student(student)
    other = make_post()
    client.force_login(student)
    assert client.get(reverse("posts:edit", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("admin:comments_comment_changelist")).status_code == 302
    assert client.get(reverse("posts:review")).status_code == 403
    assert not other.can_be_edited_by(student)
    assert Post.objects.editable_by(student).count() == 0


def test_a_new_external_account_joins_with_the_code(client):
    settings = CourseSettings.load()
    settings.join_code = "HIST-214"
    settings.save()
    response = external_login(
        client, email="new@example.edu", email_verified="on", username="newbie"
    )
    assert 'name="join_code"' in response.content.decode()

    signup_url = response.redirect_chain[-1][0]
    client.post(signup_url, {"email": "new@example.edu", "username": "newbie", "join_code": "nope"})
    assert not User.objects.filter(username="newbie").exists()
    client.post(
        signup_url, {"email": "new@example.edu", "username": "newbie", "join_code": "HIST-214"}
    )
    student = User.objects.get(username="newbie")
    assert student.groups.filter(name=STUDENTS).exists()
    assert client.get("/").context["user"] == student
