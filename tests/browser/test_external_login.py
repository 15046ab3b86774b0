"""Logging in with an external account in Chromium, under the site's CSP: the form that
starts it may only send to the site (form-action 'self'), so the site leaves for the
provider through a page of its own, and the browser comes back logged in."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.accounts.standins import StandIn, WordPressCom
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def wordpress_com(transactional_db, monkeypatch, settings):
    with StandIn(WordPressCom()) as standin:
        standin.configure_site(monkeypatch, settings)
        member = make_user("ana", email="ana@example.edu", display_name="Ana")
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
        yield standin
        assert standin.problems == []


def test_log_in_with_wordpress_com_from_the_log_in_page(wordpress_com, new_page):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Log in with WordPress.com").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert f"GET {WordPressCom.authorize_path}" in " ".join(wordpress_com.calls)


def test_log_in_with_wordpress_com_from_leave_a_reply(demo, wordpress_com, new_page):
    page = new_page(javascript=False)
    page.goto(demo.get_absolute_url())
    page.locator(".comment-notes").get_by_role("link", name="Log in with WordPress.com").click()
    page.get_by_role("button", name="Continue to WordPress.com").click()
    expect(page.locator(".logged-in-as")).to_contain_text("You are commenting as Ana.")
    assert page.url.endswith(demo.get_absolute_url() + "#respond")
