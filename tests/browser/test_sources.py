"""A student fills in the Works Cited: kinds of source, the course's sources offered
next to the field being typed in, two-author sources cited as they are."""

import pytest
from playwright.sync_api import expect

from posts.models import Post, Source
from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


def field(page, index: int, name: str):
    """A source field's wrapper (label, input, help), by entry and field name."""
    return page.locator(f".source-field:has(#id_sources-{index}-{name})")


def test_picking_the_two_author_textbook_cites_it_as_it_is(demo, new_page):
    textbook = demo.sources.get(title="A History of Russia")
    page = new_page()
    log_in(page, "anderson")
    page.goto("/write/")
    page.fill("#id_title", "Stalin's Russia")
    page.locator("#id_sources-0-authors").press_sequentially("Steinberg")
    page.locator(".source-pick", has_text="A History of Russia").click()
    expect(page.locator("#id_sources-0-authors")).to_have_value(textbook.authors)
    expect(page.locator(".source-linked")).to_contain_text("Picked from the course's sources")
    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("Draft saved.")

    post = Post.objects.get(title="Stalin's Russia")
    assert post.sources.get() == textbook
    assert Source.objects.filter(title="A History of Russia").count() == 1
    page.goto(textbook.get_absolute_url())
    expect(page.locator("h1")).to_have_text("A History of Russia")


@pytest.mark.parametrize("name", ["authors", "title"])
def test_the_course_sources_are_offered_right_under_the_field_typed_in(demo, new_page, name):
    page = new_page()
    log_in(page, "anderson")
    page.goto(f"/write/{demo.pk}/")
    page.click("#add-source")
    typed = page.locator(f"#id_sources-2-{name}")
    typed.press_sequentially("Russia")
    offers = page.locator("#source-list .source-entry").nth(2).locator(".source-suggestions")
    expect(offers.locator(".source-pick").first).to_be_visible()

    field_box, offers_box = typed.bounding_box(), offers.bounding_box()
    below_field = offers_box["y"] - (field_box["y"] + field_box["height"])
    assert 0 <= below_field <= 40, "the offers start just under the field"
    assert abs(offers_box["x"] - field_box["x"]) <= 2, "and line up with it"
    typed.press("Escape")
    expect(offers.locator(".source-pick")).to_have_count(0)


def test_the_kind_decides_which_fields_show_and_what_they_are_called(demo, new_page):
    page = new_page()
    log_in(page, "anderson")
    page.goto("/write/")
    expect(field(page, 0, "publisher")).to_be_visible()
    expect(field(page, 0, "volume")).to_be_hidden()
    expect(page.locator("#source-kinds-note")).to_be_hidden()

    page.select_option("#id_sources-0-kind", "journal_article")
    expect(field(page, 0, "volume")).to_be_visible()
    expect(field(page, 0, "publisher")).to_be_hidden()
    expect(field(page, 0, "container").locator("label")).to_have_text("Journal")
    expect(field(page, 0, "title").locator("label")).to_have_text("Article title")

    page.select_option("#id_sources-0-kind", "film")
    expect(field(page, 0, "contributors").locator("label")).to_have_text("Directors")
    expect(field(page, 0, "publisher").locator("label")).to_have_text("Studio or distributor")


def test_a_source_title_looks_like_the_other_source_fields(demo, new_page):
    page = new_page()
    log_in(page, "anderson")
    page.goto("/write/")

    def font(selector: str) -> list[str]:
        return page.eval_on_selector(
            selector, "e => [getComputedStyle(e).fontSize, getComputedStyle(e).fontWeight]"
        )

    assert font("#id_sources-0-title") == font("#id_sources-0-publisher")
    assert font("#id_sources-0-title") != font("#id_title")


def test_saving_leaves_no_blank_source_and_add_a_source_adds_one(demo, new_page):
    page = new_page()
    log_in(page, "anderson")
    page.goto(f"/write/{demo.pk}/")
    expect(page.locator("#source-list .source-entry")).to_have_count(2)
    expect(page.locator("#source-offer")).to_have_count(0)
    page.click("#add-source")
    expect(page.locator("#source-list .source-entry")).to_have_count(3)
    expect(page.locator("#id_sources-2-kind")).to_be_focused()
    page.locator("#source-list .source-entry").nth(0).get_by_role(
        "button", name="Remove this source"
    ).click()
    expect(page.locator("#source-list .source-entry:visible")).to_have_count(2)
    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("Your post is updated.")
    expect(page.locator("#source-list .source-entry")).to_have_count(1)
    assert demo.sources.count() == 1


def test_without_javascript_a_source_is_added_behind_add_a_source(demo, new_page):
    page = new_page(javascript=False)
    log_in(page, "anderson")
    page.goto(f"/write/{demo.pk}/")
    expect(page.locator("#source-kinds-note")).to_be_visible()
    expect(page.locator("#source-list .source-entry")).to_have_count(2)
    expect(page.locator("#id_sources-2-title")).to_be_hidden()
    page.click("#source-offer summary")
    page.select_option("#id_sources-2-kind", "website")
    page.fill("#id_sources-2-title", "The Sino-Soviet Split")
    page.fill("#id_sources-2-container", "Wilson Center Digital Archive")
    page.fill("#id_sources-2-url", "https://digitalarchive.wilsoncenter.org/")
    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("Your post is updated.")
    expect(page.locator("#source-list .source-entry")).to_have_count(3)
    assert demo.sources.get(title="The Sino-Soviet Split").kind == "website"
