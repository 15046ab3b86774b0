"""The instructor follows a student's missed week to their work and gives private feedback
and a grade; the student reads and answers; a classmate sees none of it. The pages pass
axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import Expectations, Grade, PrivateFeedback
from participation.weeks import first_day_of_week, local_midnight, today
from tests.browser.pages import log_in
from tests.browser.test_accessibility import AXE, serious_violations
from tests.factories import make_comment, make_post, make_user
from tests.participation.conftest import student
from tests.tools import needs

pytestmark = pytest.mark.browser

PASSWORD = "password"  # tests/factories.py
FEEDBACK = "Strong argument; cite the treaty itself, not only the textbook."


@pytest.fixture
def term(transactional_db, live_server):
    """Two weeks over and the one running: in the first, Ana published but answered
    nobody (missed); Ben wrote a post and commented on Ana's."""
    monday = first_day_of_week(today(), 0)
    expectations = Expectations.load()
    expectations.posts_per_week, expectations.replies_per_week = 1, 1
    expectations.term_starts, expectations.term_ends = monday - timedelta(weeks=2), today()
    expectations.save()
    ana = student("ana", first_name="Ana", last_name="Silva", display_name="Ana S")
    ben = student("ben", first_name="Ben", last_name="Okafor", display_name="Ben O")
    make_user("morgan", first_name="Morgan", last_name="Reyes", instructor=True)
    first_week = local_midnight(monday - timedelta(weeks=2))
    post = make_post(
        author=ana, title="The Treaty of Friendship", published_at=first_week + timedelta(days=1)
    )
    ben_post = make_post(
        author=ben, title="Border clashes", published_at=first_week + timedelta(days=2)
    )
    make_comment(post, user=ben, author_name="Ben O", created=first_week + timedelta(days=3))
    make_comment(ben_post, user=ana, author_name="Ana S", created=timezone.now())
    return post


def test_the_instructor_follows_a_missed_week_and_gives_private_feedback_and_a_grade(
    term, new_page
):
    teacher = new_page()
    log_in(teacher, "morgan", PASSWORD)
    teacher.click(".site-nav >> text=Participation")
    expect(teacher.locator("h1")).to_have_text("Participation")
    teacher.click(".chooser >> text=Week by week")
    ana_row = teacher.locator("tr", has=teacher.locator("th", has_text="Ana S"))
    ana_row.locator("a", has_text="Missed").first.click()

    expect(teacher.locator("h1")).to_have_text("Ana S")
    expect(teacher.locator(".page-lead")).to_contain_text("Ana Silva")
    teacher.click("text=Feedback and grade")

    teacher.fill("#feedback_body", FEEDBACK)
    teacher.click("text=Send private feedback")
    expect(teacher.locator(".feedback-list")).to_contain_text(FEEDBACK)
    teacher.fill("#grade_points", "8.5")
    teacher.click("text=Save the grade")
    expect(teacher.locator(".grade-line")).to_contain_text("Grade: 8.5 / 10")

    author = new_page()
    log_in(author, "ana", PASSWORD)
    author.goto(term.get_absolute_url())
    section = author.locator("#private-feedback")
    expect(section).to_contain_text(FEEDBACK)
    expect(section.locator(".grade")).to_have_text("8.5 / 10")
    section.locator("summary", has_text="Answer privately").click()
    section.locator("textarea").fill("Thank you, I will add the treaty.")
    section.locator("button", has_text="Send privately").click()
    expect(author.locator(".feedback-replies")).to_contain_text("Thank you, I will add the treaty.")

    classmate = new_page()
    log_in(classmate, "ben", PASSWORD)
    classmate.goto(term.get_absolute_url())
    expect(classmate.locator("h1.post-title")).to_have_text("The Treaty of Friendship")
    expect(classmate.locator("#private-feedback")).to_have_count(0)
    expect(classmate.locator("body")).not_to_contain_text(FEEDBACK)
    expect(classmate.locator("body")).not_to_contain_text("8.5")
    assert PrivateFeedback.objects.count() == 2
    assert Grade.objects.get().post == term


@needs(AXE.exists(), "axe-core is missing: run `npm ci` (make test does)")
@pytest.mark.parametrize("view", ["totals", "weeks", "student", "post", "exemplary", "your-posts"])
def test_participation_pages_have_no_serious_accessibility_violations(term, new_page, view):
    PrivateFeedback.objects.create(post=term, author=term.author, body="A question")
    page = new_page()
    log_in(page, "ana" if view == "your-posts" else "morgan", PASSWORD)
    if view in ("totals", "weeks"):
        page.goto(f"/participation/?view={view}")
    elif view == "student":
        page.goto(f"/participation/students/{term.author_id}/")
    elif view == "post":
        page.goto(term.get_absolute_url())
    elif view == "exemplary":
        page.goto(term.get_absolute_url())
        page.click("text=Mark this post as exemplary")
        page.goto("/exemplary/")
    else:
        page.goto("/my-posts/")
    assert serious_violations(page) == []
