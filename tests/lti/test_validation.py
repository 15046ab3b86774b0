"""Each check of a launch, failed on its own: a clear page naming it, logged, never a 500."""

import time

import pytest
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment

from accounts.models import User
from tests.lti.conftest import launch, register, start_login
from tests.lti.platform import LEARNER, LTI, new_key

pytestmark = pytest.mark.django_db


def assert_refused(response, check: str, words: str, status: int = 400) -> None:
    page = response.content.decode()
    assert response.status_code == status, page
    assert f'data-check="{check}"' in page
    assert words in page
    assert not User.objects.filter(lti_users__sub=LEARNER.sub).exists()


def test_a_token_signed_with_another_key_is_a_bad_signature(client, registered, platform, caplog):
    response = launch(client, platform, sign_with=new_key())
    assert_refused(response, "signature", "Check failed: bad signature.")
    assert "LTI launch refused (signature)" in caplog.text


def test_a_token_for_another_client_is_the_wrong_audience(client, registered, platform):
    response = launch(client, platform, claims={"aud": "someone-else"})
    assert_refused(response, "audience", "“someone-else”, which is not a client id registered")


def test_several_audiences_need_an_azp_naming_the_tool(client, registered, platform):
    response = launch(client, platform, claims={"aud": [platform.client_id, "another-tool"]})
    assert_refused(response, "audience", "its azp is not")


def test_a_token_from_an_unknown_issuer_is_refused(client, registered, platform):
    response = launch(client, platform, claims={"iss": "https://elsewhere.example"})
    assert_refused(response, "issuer", "No platform with the issuer “https://elsewhere.example”")


def test_a_nonce_is_used_once(client, registered, platform):
    auth = start_login(client, platform)
    token = platform.sign(platform.claims(LEARNER, nonce=auth["nonce"]))
    first = client.post(reverse("lti:launch"), {"id_token": token, "state": auth["state"]})
    assert first.status_code == 302
    again = client.post(reverse("lti:launch"), {"id_token": token, "state": auth["state"]})
    assert again.status_code == 400
    assert 'data-check="nonce"' in again.content.decode()


def test_a_nonce_the_tool_never_gave_is_refused(client, registered, platform):
    response = launch(client, platform, claims={"nonce": "made-up"})
    assert_refused(response, "nonce", "Check failed: reused nonce.")


def test_an_expired_token_is_refused(client, registered, platform):
    past = int(time.time()) - 3600
    response = launch(client, platform, claims={"iat": past - 300, "exp": past})
    assert_refused(response, "expired", "Check failed: expired token.")


def test_an_unknown_deployment_is_refused_and_recorded_for_the_admin(client, registered, platform):
    response = launch(client, platform, claims={LTI + "deployment_id": "deployment-9"})
    assert_refused(response, "deployment", "The deployment “deployment-9” is not enabled")
    recorded = LtiDeployment.objects.get(deployment_id="deployment-9")
    assert not recorded.is_active


def test_a_disabled_deployment_is_refused(client, registered, platform):
    LtiDeployment.objects.update(is_active=False)
    assert_refused(launch(client, platform), "deployment", "is not enabled")


def test_a_message_type_the_tool_does_not_handle_is_refused(client, registered, platform):
    response = launch(client, platform, claims={LTI + "message_type": "LtiSubmissionReviewRequest"})
    assert_refused(response, "message_type", "this was “LtiSubmissionReviewRequest”")


def test_another_lti_version_is_refused(client, registered, platform):
    response = launch(client, platform, claims={LTI + "version": "1.1"})
    assert_refused(response, "version", "LTI version “1.1”, not 1.3.0")


def test_a_launch_without_the_state_is_refused(client, registered, platform):
    auth = start_login(client, platform)
    token = platform.sign(platform.claims(LEARNER, nonce=auth["nonce"]))
    response = client.post(reverse("lti:launch"), {"id_token": token})
    assert_refused(response, "state", "Check failed: missing state.")


def test_a_state_the_browser_did_not_keep_offers_a_new_window(client, registered, platform):
    """The browser refused the login's cookies (a frame in Safari, say)."""
    auth = start_login(client, platform)
    client.cookies.clear()
    token = platform.sign(platform.claims(LEARNER, nonce=auth["nonce"]))
    response = client.post(reverse("lti:launch"), {"id_token": token, "state": auth["state"]})
    assert_refused(response, "state", "did not send back the cookie")
    assert 'id="lti-new-window"' in response.content.decode()
    assert "lti1p3_new_window=1" in response.context["refusal"].new_window_url


def test_a_token_missing_a_required_claim_is_refused(client, registered, platform):
    response = launch(client, platform, claims={LTI + "roles": None})
    assert_refused(response, "claims", "Missing Roles Claim")


def test_garbage_is_an_unreadable_token(client, registered, platform):
    auth = start_login(client, platform)
    response = client.post(reverse("lti:launch"), {"id_token": "a.b.c", "state": auth["state"]})
    assert_refused(response, "format", "Check failed: unreadable token.")


def test_a_launch_from_another_course_of_the_same_lms_is_refused(client, registered, platform):
    launch(client, platform)
    client.logout()
    other = {**platform.context, "id": "course-202", "title": "Ancient History"}
    response = launch(client, platform, claims={LTI + "context": other})
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-check="course"' in page
    assert "belongs to the course “Modern History”" in page
    assert "(“Ancient History”)" in page


def test_a_login_request_without_an_issuer_is_refused(client, registered):
    response = client.get(reverse("lti:login"), {"login_hint": "x"})
    assert response.status_code == 400
    assert 'data-check="login"' in response.content.decode()


def test_a_login_for_an_unregistered_platform_is_refused(client, registered, platform):
    parameters = {**platform.login_parameters(LEARNER), "client_id": "nobody", "lti_cookies": "1"}
    response = client.get(reverse("lti:login"), parameters)
    assert response.status_code == 400
    assert 'data-check="issuer"' in response.content.decode()


def test_the_first_login_makes_the_tools_key(client, platform):
    register(platform)
    parameters = {**platform.login_parameters(LEARNER), "lti_cookies": "1"}
    assert client.get(reverse("lti:login"), parameters).status_code == 302
    assert Key.objects.active().count() == 1
