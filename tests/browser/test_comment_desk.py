"""The instructor moderates from the admin's comment list, with JavaScript and without."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from comments.models import Comment
from participation.models import Preferences
from tests.browser.pages import log_in_to_the_admin
from tests.factories import make_comment

pytestmark = pytest.mark.browser
DESK = "/admin/comments/comment/"


def log_in_to_the_desk(page):
    log_in_to_the_admin(page, DESK)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_instructor_approves_and_replies_in_one_click(demo, new_page, javascript):
    held = make_comment(demo, author_name="Maya", body="Was the split about ideology?",
                        status=Comment.Status.PENDING)  # fmt: skip
    page = new_page(javascript=javascript)
    log_in_to_the_desk(page)
    expect(page).to_have_url(f"{page.url.split('?')[0]}?status=pending")
    row = page.locator("#result_list tbody tr", has_text="Was the split about ideology?")
    expect(row).to_contain_text("Maya")

    row.get_by_role("link", name="Approve and reply").click()
    page.get_by_label("Reply").fill("Partly; read Lüthi on the polemics.")
    page.get_by_role("button", name="Approve and reply").click()

    if javascript:
        expect(page.locator("#comment-desk-status")).to_have_text(
            "The comment was approved and your reply posted."
        )
        expect(row.locator(".field-status_column")).to_have_text("Approved")
        expect(page.locator('[data-status-count="pending"]')).to_have_text("0")
        expect(page.locator("#comment-inline")).to_have_count(0)
        assert page.url.endswith("?status=pending")  # no page load
    else:
        expect(page.locator(".messagelist")).to_contain_text(
            "The comment was approved and your reply posted."
        )
        expect(page).to_have_url(f"{page.url.split('?')[0]}?status=pending")
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    reply = Comment.objects.get(parent=held)
    assert (reply.status, reply.user.username) == (Comment.Status.APPROVED, "instructor")
    assert reply.body == "Partly; read Lüthi on the polemics."


def test_keyboard_shortcuts_moderate_once_turned_on(demo, new_page):
    held = make_comment(demo, body="Hold me.", status=Comment.Status.PENDING)
    page = new_page()
    log_in_to_the_desk(page)
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING  # off by default

    Preferences.objects.create(
        user=User.objects.get(username="instructor"), keyboard_shortcuts=True
    )
    page.reload()
    page.keyboard.press("j")
    expect(page.locator("#result_list tr.comment-current")).to_contain_text("Hold me.")
    page.keyboard.press("a")
    expect(page.locator("#comment-desk-status")).to_have_text("The comment was approved.")
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
