"""A guest replies (with and without JavaScript) and the instructor approves the reply."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.pages import fill_login_form

pytestmark = pytest.mark.browser


def caroline_comment():
    return Comment.objects.get(body__startswith="Anderson, great post!")


POSTED = re.compile(r"#comment-\d+$")


def write_reply(page, body: str) -> None:
    page.fill("#id_body", body)
    page.fill("#id_name", "Maya Lindqvist")
    page.fill("#id_email", "maya@example.edu")
    page.fill("#id_url", "https://maya.example")
    page.click("#commentform button.submit")
    page.wait_for_url(POSTED)


def respond_is_inside(page, element_id: str) -> bool:
    return page.evaluate(
        "(id) => document.getElementById(id).contains(document.getElementById('respond'))",
        element_id,
    )


def approve_in_admin(page, comment: Comment) -> None:
    page.goto("/admin/")
    page.fill("#id_username", "instructor")
    page.fill("#id_password", "coursblog-demo")
    page.click("input[type=submit], button[type=submit]")
    expect(page.locator("#moderation-queue")).to_contain_text("1 comment awaiting moderation")
    page.click("#moderation-queue a")
    page.check(f"input[name=_selected_action][value='{comment.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 comment approved")


def test_a_guest_replies_with_javascript_and_the_instructor_approves(demo, new_page):
    parent = caroline_comment()
    guest = new_page()
    guest.goto(demo.get_absolute_url())
    expect(guest.locator("#comments-title")).to_have_text("4 thoughts on “The Sino-Soviet Split”")

    guest.click(f"#comment-{parent.pk} > article .comment-reply-link")

    assert respond_is_inside(guest, f"comment-{parent.pk}")
    expect(guest.locator("#reply-title-text")).to_have_text("Reply to Caroline")
    expect(guest).to_have_url(re.compile(r"/posts/the-sino-soviet-split/$"))  # no page load
    guest.click("#cancel-comment-reply-link")
    assert not respond_is_inside(guest, f"comment-{parent.pk}")
    expect(guest.locator("#reply-title-text")).to_have_text("Leave a Reply")
    guest.click(f"#comment-{parent.pk} > article .comment-reply-link")

    write_reply(guest, "Did the Soviet press cover the split?")

    reply = Comment.objects.get(body="Did the Soviet press cover the split?")
    assert reply.parent_id == parent.pk
    assert reply.status == Comment.Status.PENDING
    expect(guest).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    held = guest.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}")
    expect(held).to_contain_text("Your comment is awaiting moderation.")
    expect(guest.locator("#comments-title")).to_have_text("4 thoughts on “The Sino-Soviet Split”")

    stranger = new_page()
    stranger.goto(demo.get_absolute_url())
    expect(stranger.locator(f"#comment-{reply.pk}")).to_have_count(0)

    approve_in_admin(new_page(), reply)

    guest.reload()
    nested = guest.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}")
    expect(nested).to_contain_text("Did the Soviet press cover the split?")
    expect(nested).not_to_contain_text("awaiting moderation")
    expect(nested.locator("a.url")).to_have_attribute("href", "https://maya.example")
    expect(guest.locator("#comments-title")).to_have_text("5 thoughts on “The Sino-Soviet Split”")
    stranger.reload()
    expect(stranger.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}")).to_have_count(1)


def test_a_guest_replies_without_javascript(demo, new_page):
    parent = caroline_comment()
    guest = new_page(javascript=False)
    guest.goto(demo.get_absolute_url())

    guest.click(f"#comment-{parent.pk} > article .comment-reply-link")

    expect(guest).to_have_url(re.compile(rf"\?replytocom={parent.pk}#respond$"))
    expect(guest.locator("#reply-title-text")).to_have_text("Reply to Caroline")
    expect(guest.locator("#cancel-comment-reply-link")).to_be_visible()
    write_reply(guest, "Replying the old-fashioned way.")

    reply = Comment.objects.get(body="Replying the old-fashioned way.")
    assert reply.parent_id == parent.pk
    expect(guest.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )


def test_errors_keep_the_text_and_the_reply_target(demo, new_page):
    parent = caroline_comment()
    guest = new_page()
    guest.goto(demo.get_absolute_url())
    guest.click(f"#comment-{parent.pk} > article .comment-reply-link")
    guest.fill("#id_body", "A thought I do not want to lose.")
    guest.fill("#id_email", "not-an-email")
    guest.click("#commentform button.submit")

    expect(guest.locator(".form-errors")).to_contain_text("Please enter your name.")
    expect(guest.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    expect(guest.locator("#id_body")).to_have_value("A thought I do not want to lose.")
    expect(guest.locator("#id_email")).to_have_value("not-an-email")
    assert respond_is_inside(guest, f"comment-{parent.pk}")
    assert not Comment.objects.filter(body__startswith="A thought").exists()


def test_a_course_member_comments_after_logging_in(demo, new_page):
    page = new_page()
    page.goto(demo.get_absolute_url())
    page.click(".comment-notes a")
    fill_login_form(page, "caroline")
    expect(page.locator(".logged-in-as")).to_contain_text("You are commenting as Caroline.")
    page.fill("#id_body", "Thanks, everyone.")
    page.click("#commentform button.submit")
    page.wait_for_url(POSTED)
    reply = Comment.objects.get(body="Thanks, everyone.")
    expect(page.locator(f"#comment-{reply.pk}")).not_to_contain_text("awaiting moderation")
    expect(page.locator("#comments-title")).to_have_text("5 thoughts on “The Sino-Soviet Split”")

    page.click(".logged-in-as button")
    expect(page.locator("#id_name")).to_be_visible()
