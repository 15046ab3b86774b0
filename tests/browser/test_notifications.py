"""Email in the loop: a held reply, the instructor's approve link, the follow-up, unsubscribe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = pytest.mark.browser


def link_in(message, label: str, base: str) -> str:
    found = re.search(rf"{label}\s*(\S+)", message.body)
    assert found, message.body
    assert found.group(1).startswith(base)
    return found.group(1)


def comment_as_guest(page, name: str, email: str, body: str, *, reply_to=None, notify=False):
    if reply_to is not None:
        page.click(f"#comment-{reply_to.pk} > article .comment-reply-link")
    page.fill("#id_body", body)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    if notify:
        page.check("#id_notify_replies")
    page.click("#commentform button.submit")
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    return Comment.objects.get(body=body)


def approve_from_email(page, message, base: str) -> None:
    page.goto(link_in(message, "Approve it:", base))
    expect(page.locator("h1")).to_have_text("Approve?")
    page.click("main form button.submit")
    expect(page.locator("h1")).to_have_text("Done")


def test_held_reply_approved_from_email_then_follow_up_and_unsubscribe(
    demo, new_page, live_server, settings
):
    settings.SITE_URL = live_server.url
    mail.outbox.clear()

    sam = new_page()
    sam.goto(demo.get_absolute_url())
    first = comment_as_guest(
        sam, "Sam Okafor", "sam@example.edu", "Did the split change Vietnam?", notify=True
    )
    assert first.status == Comment.Status.PENDING
    [held_first] = [m for m in mail.outbox if m.to == ["instructor@example.edu"]]
    approve_from_email(new_page(), held_first, live_server.url)
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED

    mail.outbox.clear()
    maya = new_page()
    maya.goto(demo.get_absolute_url())
    reply = comment_as_guest(
        maya, "Maya Lindqvist", "maya.l@example.edu", "It did: Hanoi had to choose.", reply_to=first
    )
    expect(maya.locator(f"#comment-{first.pk} .children #comment-{reply.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )
    assert [m.to for m in mail.outbox] == [["instructor@example.edu"]]  # nobody else yet

    approve_from_email(new_page(), mail.outbox[0], live_server.url)
    [follow_up] = [m for m in mail.outbox if m.to == ["sam@example.edu"]]
    assert "It did: Hanoi had to choose." in follow_up.body
    assert [m for m in mail.outbox if m.to == [demo.author.email]]  # the post's author too

    sam.goto(link_in(follow_up, "Stop them for this post:", live_server.url))
    sam.click("main form button.submit")
    expect(sam.locator("h1")).to_have_text("You are unsubscribed")
    first.refresh_from_db()
    assert not first.notify_replies
