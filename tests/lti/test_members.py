"""LMS users become members: matched by sub, by verified email only when allowed, with
the LMS's names and roles."""

import pytest
from allauth.account.models import EmailAddress

from accounts import roles
from accounts.models import User
from lti.members import LmsPerson, course_role, member_for
from tests.factories import make_user
from tests.lti.conftest import launch
from tests.lti.platform import LEARNER, LTI, ROLE

pytestmark = pytest.mark.django_db

CONTEXT_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership"


@pytest.mark.parametrize(
    ("lms_roles", "role"),
    [
        ([ROLE + "Instructor"], roles.Role.INSTRUCTOR),
        ([CONTEXT_ROLE + "/Instructor#TeachingAssistant"], roles.Role.INSTRUCTOR),
        (["TeachingAssistant"], roles.Role.INSTRUCTOR),
        ([ROLE + "ContentDeveloper"], roles.Role.INSTRUCTOR),
        ([ROLE + "Learner"], roles.Role.STUDENT),
        (["Learner"], roles.Role.STUDENT),
        ([ROLE + "Learner", ROLE + "Instructor"], roles.Role.INSTRUCTOR),
        ([ROLE + "Mentor"], roles.Role.MEMBER),
        ([ROLE + "Administrator"], roles.Role.MEMBER),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"],
            roles.Role.MEMBER,
        ),
        ([], roles.Role.MEMBER),
    ],
)
def test_lms_roles_map_to_the_sites(lms_roles, role):
    assert course_role(lms_roles) == role


def test_the_same_sub_is_the_same_member_and_the_lms_name_follows(client, registered, platform):
    launch(client, platform)
    user = User.objects.get(lti_users__sub=LEARNER.sub)
    user.display_name = "Quill"
    user.save()
    launch(client, platform, claims={"given_name": "Anabel"})
    assert User.objects.filter(lti_users__sub=LEARNER.sub).count() == 1
    user.refresh_from_db()
    assert (user.first_name, user.display_name) == ("Anabel", "Quill")


def test_a_display_name_taken_gets_a_number(client, registered, platform):
    make_user("other", display_name="ana lópez")
    launch(client, platform)
    assert User.objects.get(lti_users__sub=LEARNER.sub).display_name == "Ana López 2"


def verified(user, email):
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_an_existing_account_is_not_matched_by_email_unless_allowed(client, registered, platform):
    existing = verified(make_user("ana", email=LEARNER.email), LEARNER.email)
    launch(client, platform)
    lms_user = User.objects.get(lti_users__sub=LEARNER.sub)
    assert lms_user != existing
    assert lms_user.email == ""  # the address logs the other account in


def test_a_verified_email_matches_when_the_instructor_allows_it(client, registered, platform):
    registered.match_by_email = True
    registered.save()
    existing = verified(make_user("ana", email=LEARNER.email.upper()), LEARNER.email.upper())
    launch(client, platform)
    assert User.objects.get(lti_users__sub=LEARNER.sub) == existing


def test_an_unverified_email_never_matches(client, registered, platform):
    registered.match_by_email = True
    registered.save()
    existing = make_user("ana", email=LEARNER.email)
    EmailAddress.objects.create(user=existing, email=LEARNER.email, verified=False)
    launch(client, platform)
    assert User.objects.get(lti_users__sub=LEARNER.sub) != existing


def test_the_lms_role_replaces_the_old_one(client, registered, platform):
    launch(client, platform, claims={LTI + "roles": [ROLE + "Instructor"]})
    user = User.objects.get(lti_users__sub=LEARNER.sub)
    assert roles.role_of(user) == roles.Role.INSTRUCTOR
    assert user.is_staff
    launch(client, platform, claims={LTI + "roles": [ROLE + "Mentor"]})
    user = User.objects.get(pk=user.pk)
    assert roles.role_of(user) == roles.Role.MEMBER
    assert not user.is_staff
    launch(client, platform)
    assert roles.role_of(User.objects.get(pk=user.pk)) == roles.Role.STUDENT


def test_a_superuser_keeps_being_one(registered):
    admin = User.objects.create_superuser("admin", "admin@example.edu", "pw")
    registered.match_by_email = True
    verified(admin, "admin@example.edu")
    person = LmsPerson(sub="s-1", email="admin@example.edu", roles=(ROLE + "Learner",))
    assert member_for(registered, person).user == admin
    admin.refresh_from_db()
    assert admin.is_superuser
    assert roles.role_of(admin) == roles.Role.INSTRUCTOR


def test_an_account_an_instructor_turned_off_cannot_launch(client, registered, platform):
    launch(client, platform)
    User.objects.filter(lti_users__sub=LEARNER.sub).update(is_active=False)
    response = launch(client, platform)
    assert response.status_code == 403
    assert "account is turned off" in response.content.decode()
