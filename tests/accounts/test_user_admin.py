"""What an instructor may change about people in the admin, tried by POST."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import INSTRUCTORS, STUDENTS, is_instructor, make_student
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def form_data(user, **overrides) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-09-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-09-01",
        "initial-date_joined_1": "09:00:00",
        **overrides,
    }


@pytest.fixture
def as_instructor(client, instructor):
    client.force_login(instructor)
    return client


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("is_superuser", "on"),
        ("is_staff", "on"),
        ("groups", "INSTRUCTORS"),
        ("user_permissions", "moderate_comment"),
    ],
)
@pytest.mark.parametrize("whose", ["own", "a student's"])
def test_an_instructor_cannot_grant_what_only_a_superuser_may(
    as_instructor, instructor, field, value, whose
):
    target = instructor if whose == "own" else make_user("pupil")
    if whose != "own":
        make_student(target)
    if value == "INSTRUCTORS":
        value = str(Group.objects.get(name=INSTRUCTORS).pk)
    elif value == "moderate_comment":
        value = str(Permission.objects.get(codename="moderate_comment").pk)
    before = (
        target.is_superuser,
        target.is_staff,
        set(target.groups.values_list("name", flat=True)),
        set(target.user_permissions.values_list("codename", flat=True)),
    )
    kept = {"student": "on"} if whose != "own" else {}
    response = as_instructor.post(change_url(target), form_data(target, **kept, **{field: value}))
    assert response.status_code in (302, 200)
    target.refresh_from_db()
    after = (
        target.is_superuser,
        target.is_staff,
        set(target.groups.values_list("name", flat=True)),
        set(target.user_permissions.values_list("codename", flat=True)),
    )
    assert after == before
    if whose != "own":
        assert not is_instructor(target)


def test_an_instructor_manages_a_students_names_activity_and_student_group(as_instructor):
    pupil = make_user("pupil", first_name="Pat")
    response = as_instructor.post(
        change_url(pupil),
        form_data(pupil, first_name="Patricia", last_name="Ng", student="on", is_active=""),
    )
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert (pupil.first_name, pupil.last_name, pupil.is_active) == ("Patricia", "Ng", False)
    assert list(pupil.groups.values_list("name", flat=True)) == [STUDENTS]
    as_instructor.post(change_url(pupil), form_data(pupil, is_active="on"))
    assert not pupil.groups.exists()


def test_an_instructor_cannot_change_another_instructor_or_a_superuser(as_instructor):
    colleague = make_user("colleague", instructor=True)
    root = make_user("root", is_superuser=True, is_staff=True)
    for other in (colleague, root):
        response = as_instructor.post(change_url(other), form_data(other, first_name="Hacked"))
        assert response.status_code == 403
        other.refresh_from_db()
        assert other.first_name != "Hacked"


def test_an_instructor_cannot_set_passwords(as_instructor):
    pupil = make_user("pupil")
    url = reverse("admin:auth_user_password_change", args=[pupil.pk])
    response = as_instructor.post(url, {"password1": "n3w-Passw0rd!", "password2": "n3w-Passw0rd!"})
    assert response.status_code == 403
    pupil.refresh_from_db()
    assert pupil.check_password("password")


def test_a_superuser_grants_everything(client):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    pupil = make_user("pupil")
    instructors = Group.objects.get(name=INSTRUCTORS)
    response = client.post(
        change_url(pupil),
        form_data(pupil, is_staff="on", groups=str(instructors.pk)),
    )
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.is_staff
    assert is_instructor(pupil)
