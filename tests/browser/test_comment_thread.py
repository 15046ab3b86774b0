"""The comment thread in a browser: ten levels on a phone, relative dates, the replies
toggle by keyboard, with JavaScript on and off."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_comment

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def deep_thread(post) -> Comment:
    """A reply ten levels deep under the demo's first thread, written by people whose
    names and words are long; the deepest comment is returned."""
    parent = Comment.objects.get(body__startswith="Anderson, great post!")
    for depth in range(2, 11):
        parent = make_comment(
            post,
            parent=parent,
            author_name=f"Maximiliana Oyelaran-Featherstonehaugh {depth}",
            body=f"Depth {depth} reply with a long unbroken word " + "x" * 60,
        )
    return parent


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_ten_levels_of_replies_fit_a_320_px_phone(demo, new_page, javascript):
    deepest = deep_thread(demo)
    page = new_page(javascript=javascript, viewport=PHONE)
    page.goto(demo.get_absolute_url())
    expect(page.locator(f"#comment-{deepest.pk}.depth-10")).to_be_visible()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page scrolls sideways"
    text = page.locator(f"#comment-{deepest.pk} .comment-content").bounding_box()
    assert text["width"] >= 200, "the deepest reply still has room to be read"
    assert text["x"] + text["width"] <= PHONE["width"]
    avatar = page.locator(f"#comment-{deepest.pk} .avatar").bounding_box()
    assert avatar["width"] > 0
    if javascript:  # axe runs in the page
        assert serious_violations(page) == []


def test_dates_read_as_relative_with_the_exact_date_on_hover(demo, new_page):
    recent = make_comment(demo, created=timezone.now() - timedelta(hours=3))
    page = new_page()
    page.goto(demo.get_absolute_url())
    time = page.locator(f"#comment-{recent.pk} .comment-metadata time")
    expect(time).to_have_text("3 hours ago")
    expect(time).to_have_attribute("title", re.compile(r"^\w+ \d+, \d{4} at \d+:\d\d [ap]m$"))
    older = page.locator(".comment-metadata time").first
    expect(older).to_have_text(re.compile(r" ago$|^yesterday$|^last "))


def test_without_javascript_the_exact_date_shows(demo, new_page):
    recent = make_comment(demo, created=timezone.now() - timedelta(hours=3))
    page = new_page(javascript=False)
    page.goto(demo.get_absolute_url())
    time = page.locator(f"#comment-{recent.pk} .comment-metadata time")
    title = time.get_attribute("title")
    assert re.fullmatch(r"\w+ \d+, \d{4} at \d+:\d\d [ap]m", title)
    expect(time).to_have_text(title)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_long_thread_folds_and_unfolds_from_the_keyboard(demo, new_page, javascript):
    root = Comment.objects.get(body__startswith="Anderson, great post!")
    replies = [make_comment(demo, parent=root) for _ in range(3)]
    below = Comment.objects.filter(tree_id=root.tree_id, level__gt=0).approved().count()
    assert below >= 4  # the demo's replies and these three: a thread long enough to fold
    page = new_page(javascript=javascript)
    page.goto(demo.get_absolute_url())
    toggle = page.locator(f"#comment-{root.pk} > details.comment-replies > summary")
    expect(toggle).to_have_text(f"{below} replies to Caroline")
    reply = page.locator(f"#comment-{replies[-1].pk}")
    expect(reply).to_be_visible()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(reply).to_be_hidden()
    expect(page.locator(f"#comment-{root.pk} > article")).to_be_visible()
    page.keyboard.press("Space")
    expect(reply).to_be_visible()
