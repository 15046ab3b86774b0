"""The tool's keys, the roster (NRPS) and deep linking (the gradebook: test_grades.py),
against the test platform, which checks the tool's signatures with its published keys."""

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from lti_tool.models import Key

from accounts import roles
from accounts.models import User
from lti import keys
from lti.models import RosterDeparture
from lti.roster import RosterError, sync_roster
from posts.models import Post
from tests.factories import make_post
from tests.lti.conftest import launch, launched
from tests.lti.platform import INSTRUCTOR, LEARNER, ROLE, Person

pytestmark = pytest.mark.django_db


def test_the_jwks_publishes_the_current_and_the_previous_key(client, registered):
    first = keys.current_key()
    second = keys.rotate()
    third = keys.rotate()
    published = {key["kid"] for key in client.get(reverse("lti:jwks")).json()["keys"]}
    assert published == {str(second), str(third)}
    assert str(first) not in published
    assert keys.current_key() == third


def test_a_key_is_made_when_there_is_none(client, db):
    assert not Key.objects.exists()
    jwks = client.get(reverse("lti:jwks")).json()
    assert [key["alg"] for key in jwks["keys"]] == ["RS256"]


# Roster.


def test_roster_sync_creates_updates_and_turns_off_members(client, registered, platform):
    ana = launched(client, platform, course=registered)
    ben = Person("lms-learner-2", "Ben", "Okafor", "ben@school.example", [ROLE + "Learner"])
    platform.members = [ben.member(), INSTRUCTOR.member()]  # Ana left, Ben joined
    report = sync_roster(registered)
    ben_user = User.objects.get(lti_users__sub=ben.sub)
    teacher = User.objects.get(lti_users__sub=INSTRUCTOR.sub)
    assert {u.pk for u in report.created} == {ben_user.pk, teacher.pk}
    assert (ben_user.first_name, ben_user.last_name) == ("Ben", "Okafor")
    assert roles.role_of(ben_user) == roles.Role.STUDENT
    assert roles.role_of(teacher) == roles.Role.INSTRUCTOR
    ana.refresh_from_db()
    assert not ana.is_active
    assert report.deactivated == [ana]
    post = make_post(author=ana)
    assert Post.objects.filter(pk=post.pk).exists()  # their work stays


def test_an_inactive_member_is_turned_off_and_comes_back_when_active(client, registered, platform):
    ana = launched(client, platform, course=registered)
    platform.members = [LEARNER.member(status="Inactive")]
    sync_roster(registered)
    assert RosterDeparture.objects.filter(user=ana).exists()
    platform.members = [LEARNER.member()]
    sync_roster(registered)
    ana.refresh_from_db()
    assert ana.is_active
    assert not RosterDeparture.objects.exists()


def test_roster_sync_needs_a_course(registered):
    with pytest.raises(RosterError, match="open Coursblog once from the LMS course"):
        sync_roster(registered)


def test_the_roster_command_reports_each_course(client, registered, platform, capsys):
    launched(client, platform, course=registered)
    call_command("sync_lti_roster")
    assert "1 new, 1 updated, 0 turned off" in capsys.readouterr().out
    platform.tool_jwks = {"keys": []}  # the platform no longer trusts the tool
    with pytest.raises(CommandError):
        call_command("sync_lti_roster")
    assert "The LMS did not send the roster" in capsys.readouterr().err


def test_the_platform_checks_the_tools_signed_token_request(client, registered, platform):
    launched(client, platform, course=registered)
    sync_roster(registered)
    assertion = platform.token_requests[-1]["client_assertion"]
    claims = platform.verify_tool_jwt(assertion, audience=platform.token_url)
    assert claims["iss"] == claims["sub"] == platform.client_id
    assert jwt.get_unverified_header(assertion)["kid"] == str(keys.current_key())


# Deep linking.


def test_an_instructor_links_a_post_with_a_response_signed_by_the_tool(
    client, registered, platform
):
    post = make_post(title="The Sino-Soviet Split")
    response = launch(client, platform, INSTRUCTOR, message="deep_link")
    assert response["Location"] == reverse("lti:deep_link")
    picker = client.get(reverse("lti:deep_link"))
    assert "The Sino-Soviet Split" in picker.content.decode()
    answer = client.post(reverse("lti:deep_link"), {"item": str(post.pk)})
    page = answer.content.decode()
    assert f'action="{platform.url}/deep_link_return"' in page
    assert f"form-action 'self' {platform.url}" in answer["Content-Security-Policy"]
    token = answer.context["jwt"]
    claims = platform.verify_tool_jwt(token, audience=platform.issuer)
    assert claims["iss"] == platform.client_id
    dl = "https://purl.imsglobal.org/spec/lti-dl/claim/"
    assert (
        claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    )
    assert claims[dl + "data"] == "platform-opaque-data"
    [item] = claims[dl + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == settings.SITE_URL + post.get_absolute_url()
    assert item["title"] == "The Sino-Soviet Split"


def test_the_blog_itself_can_be_linked(client, registered, platform):
    launch(client, platform, INSTRUCTOR, message="deep_link")
    answer = client.post(reverse("lti:deep_link"), {"item": "blog"})
    claims = platform.verify_tool_jwt(answer.context["jwt"], audience=platform.issuer)
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["url"] == settings.SITE_URL + reverse("posts:list")


def test_a_learner_cannot_deep_link(client, registered, platform):
    response = launch(client, platform, LEARNER, message="deep_link")
    assert response.status_code == 403
    assert "Only instructors" in response.content.decode()
    assert client.get(reverse("lti:deep_link")).status_code == 403


def test_a_launch_of_a_linked_post_opens_it(client, registered, platform):
    post = make_post()
    url = settings.SITE_URL + post.get_absolute_url()
    response = launch(
        client, platform, claims={"https://purl.imsglobal.org/spec/lti/claim/target_link_uri": url}
    )
    assert response["Location"] == url


def test_a_target_elsewhere_opens_the_blog(client, registered, platform):
    target = {"https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "https://evil.example/"}
    response = launch(client, platform, claims=target)
    assert response["Location"] == reverse("posts:list")
