"""A launch from the LMS logs the LMS user in as a site member with the LMS's role."""

from django.urls import reverse

from accounts import roles
from accounts.models import User
from tests.lti.conftest import launch
from tests.lti.platform import INSTRUCTOR, LEARNER


def test_a_learner_launch_logs_in_a_new_student_named_by_the_lms(client, registered, platform):
    response = launch(client, platform, LEARNER)
    assert response.status_code == 302
    assert response["Location"] == platform.tool_target_link_uri
    user = User.objects.get(lti_users__sub=LEARNER.sub)
    assert (user.first_name, user.last_name, user.display_name) == ("Ana", "López", "Ana López")
    assert roles.role_of(user) == roles.Role.STUDENT
    assert not user.has_usable_password()
    assert client.get(reverse("posts:list")).context["user"] == user


def test_an_instructor_launch_makes_an_instructor(client, registered, platform):
    launch(client, platform, INSTRUCTOR)
    user = User.objects.get(lti_users__sub=INSTRUCTOR.sub)
    assert roles.role_of(user) == roles.Role.INSTRUCTOR


def test_the_first_launch_binds_the_course(client, registered, platform):
    launch(client, platform, LEARNER)
    registered.refresh_from_db()
    assert registered.course_context.id_on_platform == "course-101"
    assert registered.course_context.title == "Modern History"
