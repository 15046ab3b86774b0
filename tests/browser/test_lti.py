"""A whole LTI launch in Chromium, inside the test platform's course page.

The platform runs on http://127.0.0.1 and Coursblog on http://localhost: two sites,
so Coursblog is a third party in the frame, as under a real LMS. Chromium keeps
``Secure`` cookies over plain HTTP on localhost and 127.0.0.1 (potentially trustworthy
origins), and, blocking third-party cookies, keeps ``Partitioned`` ones: those are the
cookies Coursblog uses inside the frame.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts import roles
from accounts.models import User
from lti.models import Platform
from tests.factories import make_post
from tests.lti.conftest import register
from tests.lti.platform import INSTRUCTOR, LEARNER, TestPlatform, new_key

pytestmark = pytest.mark.browser


@pytest.fixture
def lms(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url
    platform = TestPlatform(new_key())
    platform.tool_login_url = live_server.url + reverse("lti:login")
    platform.tool_target_link_uri = live_server.url + reverse("posts:list")
    platform.tool_jwks_url = live_server.url + reverse("lti:jwks")  # fetched over HTTP
    register(platform)
    yield platform
    platform.stop()


def open_course(new_page, lms, person, message="resource"):
    page = new_page()
    page.goto(f"{lms.url}/course?user={person.sub}&message={message}")
    return page, page.frame_locator("#tool")


def test_a_learner_opens_the_blog_inside_the_lms(new_page, lms):
    make_post(title="The Sino-Soviet Split")
    page, tool = open_course(new_page, lms, LEARNER)
    expect(tool.get_by_role("link", name="The Sino-Soviet Split", exact=True)).to_be_visible()
    expect(tool.locator("#logout-form")).to_be_visible()  # logged in, inside the frame
    tool.locator("a", has_text="Your posts").click()  # the session holds from page to page
    expect(tool.locator("h1")).to_have_text("Your posts")
    user = User.objects.get(lti_users__sub=LEARNER.sub)
    assert roles.role_of(user) == roles.Role.STUDENT
    assert user.display_name == "Ana López"
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert (cookie["sameSite"], cookie["secure"]) == ("None", True)
    assert cookie["partitionKey"] == "http://127.0.0.1"  # the LMS's site: its frame only


def test_an_instructor_launches_and_links_a_post_from_the_lms_editor(new_page, lms):
    post = make_post(title="The Sino-Soviet Split")
    _, tool = open_course(new_page, lms, INSTRUCTOR, message="deep_link")
    tool.get_by_label("The Sino-Soviet Split").check()
    tool.get_by_role("button", name="Add the link").click()
    expect(tool.locator("#received")).to_have_text("Link added.")
    [token] = lms.deep_link_responses
    claims = lms.verify_tool_jwt(token, audience=lms.issuer)  # with the tool's published key
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["url"].endswith(post.get_absolute_url())
    user = User.objects.get(lti_users__sub=INSTRUCTOR.sub)
    assert roles.role_of(user) == roles.Role.INSTRUCTOR
    assert Platform.objects.get().course_context.title == "Modern History"


def test_a_browser_that_blocks_cookies_in_the_frame_is_offered_a_new_window(
    new_page, lms, live_server
):
    page = new_page()
    # As Safari does: no cookie for Coursblog while it is inside another site's page.
    page.context.add_init_script(
        f"""if (window.top !== window && location.origin === {live_server.url!r}) {{
            Object.defineProperty(document, "cookie", {{get: () => "", set: () => true}});
        }}"""
    )
    page.goto(f"{lms.url}/course?user={LEARNER.sub}")
    tool = page.frame_locator("#tool")
    link = tool.locator("#lti-new-window")
    expect(link).to_be_visible()
    with page.context.expect_page() as opened:
        link.click()
    window = opened.value
    expect(window.locator("#logout-form")).to_be_visible()
    assert window.url == live_server.url + reverse("posts:list")
