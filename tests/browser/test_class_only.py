"""A class-only course in a real browser: guests meet a log-in page and 404s, students
read and comment, pictures need a session, and the end of term locks writing."""

import re

import pytest
from playwright.sync_api import expect

from course.models import Audience, CourseSettings
from posts.models import Post
from tests.archive.sites import picture
from tests.browser.pages import fill_login_form, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def class_only(demo):
    image = picture(demo.author)
    demo.body += f'<figure><img src="{image.fallback_url}" alt="A map of the border"></figure>'
    demo.save()
    course = CourseSettings.load()
    course.visibility = Audience.CLASS
    course.save()
    return demo, image


def test_a_guest_meets_a_log_in_page_and_404s(class_only, new_page):
    post, image = class_only
    guest = new_page()
    guest.goto("/")
    expect(guest).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    response = guest.goto(post.get_absolute_url())
    assert response.status == 404
    expect(guest.locator("body")).not_to_contain_text("Sino-Soviet")
    assert guest.goto(image.fallback_url).status == 404
    assert guest.goto("/feed/").status == 200
    expect(guest.locator("body")).not_to_contain_text("Sino-Soviet")


def test_a_student_logs_in_reads_and_comments_and_sees_the_picture(class_only, new_page):
    post, image = class_only
    student = new_page()
    student.goto("/")
    fill_login_form(student, "caroline")
    expect(student.locator(".post-summary h2")).to_contain_text("The Sino-Soviet Split")
    student.goto(post.get_absolute_url())
    picture_loaded = student.evaluate(
        "() => { const i = document.querySelector('.entry-content img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert picture_loaded
    assert student.request.get(image.fallback_url).status == 200
    student.fill("#id_body", "Read on the class blog.")
    student.click("#commentform button.submit")
    student.wait_for_url(re.compile(r"#comment-\d+$"))
    expect(student.locator(".comment-list")).to_contain_text("Read on the class blog.")


def test_after_the_lock_the_form_is_gone_and_the_editor_refuses(class_only, new_page):
    post, _ = class_only
    course = CourseSettings.load()
    course.ended = True
    course.ended_on = "2026-12-18"
    course.save()
    author = new_page()
    log_in(author, "anderson")
    author.goto(post.get_absolute_url())
    expect(author.locator(".course-ended-banner")).to_contain_text(
        "This course ended on December 18, 2026."
    )
    expect(author.locator("#commentform")).to_have_count(0)
    expect(author.locator(".comments-closed")).to_contain_text("This course ended")
    author.goto(f"/write/{post.pk}/")
    expect(author.locator(".course-locked")).to_contain_text("This course ended")
    author.fill("#id_title", "Changed after the end")
    author.click("button[name=action][value=save], button[name=action]:has-text('Update')")
    expect(author.locator(".messages")).to_contain_text("Your post was not saved.")
    expect(author.locator("#id_title")).to_have_value("Changed after the end")
    post.refresh_from_db()
    assert post.title == "The Sino-Soviet Split"
    assert post.status == Post.Status.PUBLISHED
