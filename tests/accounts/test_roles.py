"""One definition of each role, asked everywhere (accounts/roles.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role, is_instructor, make_student, role_of
from comments.models import Comment
from comments.moderation import is_flooding
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db


def test_who_has_which_role(instructor, student):
    make_student(student)
    member = make_user("visitor")
    superuser = make_user("root", is_superuser=True)
    inactive = make_user("gone", is_active=False, instructor=True)
    assert role_of(AnonymousUser()) == Role.GUEST
    assert role_of(member) == Role.MEMBER
    assert role_of(student) == Role.STUDENT
    assert role_of(instructor) == Role.INSTRUCTOR
    assert role_of(superuser) == Role.INSTRUCTOR
    assert role_of(inactive) == Role.GUEST


@pytest.fixture
def helper_with_one_permission(db):
    """Someone handed a single permission in the admin, outside the Instructors group:
    they are not an instructor anywhere (before, one place asked for moderate_comment
    and another for change_post, so such a person was half an instructor)."""
    user = make_user("helper")
    for codename in ("moderate_comment", "change_post"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_a_single_permission_makes_nobody_an_instructor(helper_with_one_permission):
    assert not is_instructor(helper_with_one_permission)


def test_every_place_agrees_on_who_is_an_instructor(helper_with_one_permission, instructor):
    other_post = make_post()
    for user, expected in ((helper_with_one_permission, False), (instructor, True)):
        client = Client()
        client.force_login(user)
        editing = client.get(reverse("posts:edit", kwargs={"pk": other_post.pk}))
        assert (editing.status_code == 200) is expected
        review = client.get(reverse("posts:review"))
        assert (review.status_code == 200) is expected
        page = client.get(other_post.get_absolute_url()).content.decode()
        assert (f'href="{reverse("posts:review")}"' in page) is expected
        make_comment(other_post, user=user, author_name=user.username, created=timezone.now())
        # instructors may post in quick succession; nobody else may
        assert is_flooding(Comment(post=other_post, user=user)) is not expected


def test_a_members_role_follows_their_groups_within_a_request(student):
    assert role_of(student) == Role.MEMBER
    make_student(student)
    assert role_of(student) == Role.STUDENT
