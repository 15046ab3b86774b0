"""A member reports a comment (with and without JavaScript); the instructor dismisses it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from comments.models import Comment, Report
from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


def instructor_comment() -> Comment:
    return Comment.objects.get(body__startswith="Agree with Caroline")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_reports_a_comment_and_the_instructor_dismisses_it(
    demo, new_page, javascript, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    target = instructor_comment()
    link = f"#comment-{target.pk} > article .comment-report a"

    guest = new_page(javascript=javascript)
    guest.goto(demo.get_absolute_url())
    expect(guest.locator(link)).to_be_hidden()  # in the shared markup, shown to members only

    member = new_page(javascript=javascript)
    log_in(member, "caroline")
    member.goto(demo.get_absolute_url())
    expect(member.locator(link)).to_be_visible()
    member.click(link)
    expect(member.locator("h1")).to_have_text("Report a comment to the instructors")
    member.check("input[name=reason][value=other]")
    member.click("form.report-form button.submit")
    expect(member.locator(".form-errors")).to_be_visible()
    expect(member.locator("input[name=reason][value=other]")).to_be_checked()  # kept
    member.fill("#id_note", "Off topic for this week.")
    member.click("form.report-form button.submit")
    member.wait_for_url(re.compile(rf"#comment-{target.pk}$"))
    expect(member.locator(".messages")).to_contain_text("your report went to the instructors")
    expect(member.locator(f"#comment-{target.pk}")).to_be_visible()  # it stays up
    assert Report.objects.get().note == "Off topic for this week."

    desk = new_page(javascript=javascript)
    log_in(desk, "instructor")
    desk.goto("/admin/comments/report/")
    row = desk.locator(f"#reported-{target.pk}")
    expect(row).to_contain_text("Off topic for this week.")
    expect(row).to_contain_text("Caroline")
    row.get_by_role("button", name="Dismiss reports").click()
    expect(desk.locator(".messagelist")).to_contain_text("1 report on the comment by")
    expect(desk.locator("#content")).to_contain_text("No reported comments")
    assert not Report.objects.exists()
    assert len([m for m in mail.outbox if "was reported" in m.subject]) >= 1
