"""Inside the LMS's frame: framing allowed for the registered LMS only, cookies that
work in a frame only for sessions that began with a launch."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.lti.conftest import launch, register
from tests.lti.platform import LEARNER

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("frame-ancestors"))


def test_without_a_registered_platform_nothing_may_frame_any_page(client):
    for url in (reverse("posts:list"), reverse("lti:login"), reverse("lti:jwks")):
        response = client.get(url)
        assert frame_ancestors(response) == "frame-ancestors 'none'"
        assert response["X-Frame-Options"] == "DENY"


def test_the_lti_pages_may_be_framed_by_the_registered_lms_only(client, platform):
    register(platform)
    response = client.get(reverse("lti:login"), platform.login_parameters(LEARNER))
    assert frame_ancestors(response) == f"frame-ancestors {platform.url}"
    assert "X-Frame-Options" not in response
    assert frame_ancestors(client.get(reverse("posts:list"))) == "frame-ancestors 'none'"


def test_a_session_begun_in_the_lms_may_be_framed_by_it_everywhere(client, registered, platform):
    launch(client, platform)
    response = client.get(reverse("posts:list"))
    assert frame_ancestors(response) == f"frame-ancestors {platform.url}"
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "form-action 'self'" in policy


def test_a_launch_sets_session_and_csrf_cookies_that_work_in_a_frame(client, registered, platform):
    response = launch(client, platform)
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        header = response.cookies[name].output()
        assert "SameSite=None" in header
        assert "Secure" in header
        assert "Partitioned" in header


def test_the_login_cookies_live_on_the_lti_paths_only(client, registered, platform):
    parameters = {**platform.login_parameters(LEARNER), "lti_cookies": "1"}
    response = client.get(reverse("lti:login"), parameters)
    cookies = [c for name, c in response.cookies.items() if name.startswith("lti1p3")]
    assert len(cookies) == 2  # the state and the storage id
    for cookie in cookies:
        assert cookie["path"] == "/lti/"
        assert "SameSite=None; Secure; Partitioned" in cookie.output()


def test_other_sessions_keep_lax_cookies(client, registered, student):
    client.force_login(student)
    response = client.get(reverse("posts:write"))
    csrf = response.cookies[settings.CSRF_COOKIE_NAME].output()
    assert "SameSite=Lax" in csrf
    assert "Partitioned" not in csrf
    assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_login_first_checks_that_cookies_work_in_the_frame(client, registered, platform):
    response = client.post(reverse("lti:login"), platform.login_parameters(LEARNER))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/js/lti-cookie-check.js"' in page
    assert response.context["continue_url"].startswith(reverse("lti:login") + "?iss=")
    assert "lti_cookies=1" in response.context["continue_url"]
    assert "lti1p3_new_window=1" in response.context["new_window_url"]
    assert 'target="_blank"' in page
