"""The site header from phone width up: a Menu button on phones, the whole menu on
wider screens, with or without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 320, "height": 640}

# Each menu item's text as the lines it takes, its box, and whether its text is cut.
MENU_ITEMS = """() => [...document.querySelectorAll('.site-nav a, .site-nav button')].map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  const box = e.getBoundingClientRect();
  return {text: e.textContent.trim(), lines, left: box.left, right: box.right,
          cut: e.scrollWidth > e.clientWidth + 1};
})"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("javascript", [True, False], ids=["with script", "without"])
@pytest.mark.parametrize("username", ["anderson", "instructor"])
def test_the_menu_fits_a_320_pixel_phone(demo, new_page, username, javascript):
    page = new_page(javascript=javascript, viewport=PHONE)
    log_in(page, username)
    page.goto("/")
    menu = page.locator(".site-nav")
    button = page.locator("#site-menu > summary")
    expect(button).to_be_visible()
    expect(menu).to_be_hidden()
    assert page.evaluate(OVERFLOW) <= 0

    button.click()
    expect(menu.get_by_role("button", name="Log out")).to_be_visible()
    expect(menu.get_by_role("link", name="Your posts")).to_be_visible()
    items = page.evaluate(MENU_ITEMS)
    # Home, Archives, Write, Your posts, Account, Log out, the search box's button;
    # + Review, Participation, Admin
    assert len(items) == (10 if username == "instructor" else 7)
    for item in items:
        assert item["lines"] == 1, f"{item['text']} wraps"
        assert not item["cut"], f"{item['text']} is clipped"
        assert item["left"] >= 0, f"{item['text']} is cut off"
        assert item["right"] <= PHONE["width"], f"{item['text']} is cut off"
    assert page.evaluate(OVERFLOW) <= 0
    title, summary = (
        page.locator(s).bounding_box() for s in (".site-title", "#site-menu > summary")
    )
    assert summary["y"] < title["y"] + title["height"], "the button is on the title's line"
    assert summary["x"] >= title["x"] + title["width"]

    button.click()
    expect(menu).to_be_hidden()


def test_escape_closes_the_menu_on_a_phone(demo, new_page):
    page = new_page(viewport=PHONE)
    log_in(page, "anderson")
    page.locator("#site-menu > summary").click()
    page.get_by_role("link", name="Write").focus()
    page.keyboard.press("Escape")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator("#site-menu > summary")).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["with script", "without"])
def test_wider_screens_show_the_whole_menu_without_a_button(demo, new_page, javascript):
    page = new_page(javascript=javascript, viewport={"width": 800, "height": 600})
    log_in(page, "instructor")
    page.goto("/")
    expect(page.locator("#site-menu > summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Review")).to_be_visible()
    items = page.evaluate(MENU_ITEMS)
    assert all(item["lines"] == 1 for item in items)
    rows = {round(box["y"]) for box in page.locator(".site-nav li:not(.search-item)").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect().toJSON())")}  # fmt: skip
    assert len(rows) == 1, "the links share one row"  # the search box may take a row of its own
    expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
