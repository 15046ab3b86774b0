"""The body editor as a student uses it: links through an inline dialog, block
quotes left with Enter, pictures in line with the text."""

import io
import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from posts.models import Post
from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(demo, new_page):
    """The editor page of a new post, logged in as a student; no browser dialog may open."""
    page = new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a browser {dialog.type}() box opened"))
    # Autosave is not what these tests try, and its beacon, sent when the page closes
    # after the test, would reach the server once the test's database is gone.
    page.add_init_script("navigator.sendBeacon = () => true;")
    page.route("**/autosave/", lambda route: route.fulfill(json={"saved": False}))
    log_in(page, "anderson")
    page.goto("/write/")
    page.fill("#id_title", "Links and quotes")
    page.locator(".rich-text-surface .ProseMirror").click()
    return page


def body(page):
    return page.locator(".rich-text-surface .ProseMirror")


def toolbar(page, label: str) -> None:
    page.locator(".rich-text-toolbar button", has_text=re.compile(f"^{label}$")).click()


def select_back(page, text: str) -> None:
    for _ in text:
        page.keyboard.press("Shift+ArrowLeft")


def click_into(page, selector: str) -> None:
    """Click ``selector`` in the editor and wait until the caret is there: a key pressed
    before ProseMirror has moved it lands where the caret was."""
    body(page).locator(selector).click()
    page.wait_for_function(
        """selector => {
            const node = getSelection().anchorNode;
            const element = node && (node.nodeType === 1 ? node : node.parentElement);
            return Boolean(element && element.closest(selector));
        }""",
        arg=selector,
    )


def html(page) -> str:
    return page.input_value("#id_body")


class TestTheLinkDialog:
    def test_a_link_is_added_under_the_text_it_links(self, editor):
        body(editor).press_sequentially("Read the CIA files")
        select_back(editor, "CIA files")
        toolbar(editor, "Link")
        dialog = editor.get_by_role("dialog", name="Add a link")
        expect(dialog).to_be_visible()
        expect(editor.locator("#link-dialog-href")).to_be_focused()
        expect(editor.locator("#link-dialog-new-tab")).not_to_be_checked()
        expect(dialog.get_by_role("button", name="Remove link")).to_be_hidden()
        text_box = body(editor).locator("p").bounding_box()
        dialog_box = dialog.bounding_box()
        assert text_box["y"] < dialog_box["y"] < text_box["y"] + text_box["height"] + 20

        editor.keyboard.type("www.cia.gov/readingroom")
        editor.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(body(editor)).to_be_focused()
        assert html(editor) == (
            '<p>Read the <a href="https://www.cia.gov/readingroom">CIA files</a></p>'
        )

    def test_open_in_a_new_tab_survives_saving(self, editor):
        body(editor).press_sequentially("Wilson Center")
        select_back(editor, "Wilson Center")
        toolbar(editor, "Link")
        editor.fill("#link-dialog-href", "https://digitalarchive.wilsoncenter.org/")
        editor.check("#link-dialog-new-tab")
        editor.click("#link-dialog .submit")
        editor.click("button[value=save]")
        expect(editor.locator(".messages")).to_contain_text("Draft saved.")
        assert Post.objects.get(title="Links and quotes").body == (
            '<p><a target="_blank" href="https://digitalarchive.wilsoncenter.org/" '
            'rel="noopener noreferrer">Wilson Center</a></p>'
        )
        link = body(editor).locator("a")
        expect(link).to_have_attribute("target", "_blank")

    def test_a_link_is_edited_and_removed(self, editor):
        body(editor).press_sequentially("the archive")
        select_back(editor, "archive")
        toolbar(editor, "Link")
        editor.fill("#link-dialog-href", "https://example.org/old")
        editor.press("#link-dialog-href", "Enter")

        click_into(editor, "a")  # the cursor inside the link is enough
        toolbar(editor, "Link")
        dialog = editor.get_by_role("dialog", name="Edit the link")
        expect(editor.locator("#link-dialog-href")).to_have_value("https://example.org/old")
        editor.fill("#link-dialog-href", "https://example.org/new")
        editor.press("#link-dialog-href", "Enter")
        assert html(editor) == '<p>the <a href="https://example.org/new">archive</a></p>'

        click_into(editor, "a")
        toolbar(editor, "Link")
        dialog.get_by_role("button", name="Remove link").click()
        assert html(editor) == "<p>the archive</p>"

    def test_the_keyboard_does_everything_and_escape_closes(self, editor):
        body(editor).press_sequentially("Sources")
        select_back(editor, "Sources")
        expect(body(editor)).to_be_focused()  # the shortcut goes where the focus is
        editor.keyboard.press("Control+k")
        expect(editor.locator("#link-dialog-href")).to_be_focused()
        editor.keyboard.type("https://example.org/")
        editor.keyboard.press("Tab")
        expect(editor.locator("#link-dialog-new-tab")).to_be_focused()
        editor.keyboard.press("Space")
        editor.keyboard.press("Shift+Tab")
        editor.keyboard.press("Enter")
        assert 'target="_blank"' in html(editor)

        editor.keyboard.press("Control+k")
        expect(editor.locator("#link-dialog")).to_be_visible()
        editor.keyboard.press("Escape")
        expect(editor.locator("#link-dialog")).to_be_hidden()
        expect(body(editor)).to_be_focused()
        expect(editor.locator(".rich-text-toolbar button", has_text="Link")).to_have_attribute(
            "aria-expanded", "false"
        )

    def test_an_address_that_is_not_a_web_or_email_address_is_refused(self, editor):
        body(editor).press_sequentially("click")
        select_back(editor, "click")
        toolbar(editor, "Link")
        editor.fill("#link-dialog-href", "javascript:alert(1)")
        editor.press("#link-dialog-href", "Enter")
        expect(editor.get_by_role("alert")).to_contain_text("web address")
        expect(editor.locator("#link-dialog-href")).to_have_attribute("aria-invalid", "true")
        assert "<a" not in html(editor)


class TestBlockQuotes:
    def test_a_second_enter_leaves_the_quote_without_a_blank_line(self, editor):
        body(editor).press_sequentially("Intro")
        body(editor).press("Enter")
        toolbar(editor, "Block quote")
        body(editor).press_sequentially("First line.")
        body(editor).press("Enter")
        body(editor).press_sequentially("Second line.")
        body(editor).press("Enter")
        body(editor).press("Enter")
        body(editor).press_sequentially("After the quote.")
        assert html(editor) == (
            "<p>Intro</p><blockquote><p>First line.</p><p>Second line.</p></blockquote>"
            "<p>After the quote.</p>"
        )

    def test_a_quote_with_a_citation_is_left_the_same_way(self, editor):
        toolbar(editor, "Block quote")
        body(editor).press_sequentially("Quoted.")
        toolbar(editor, "Quote citation")
        body(editor).press_sequentially("92")
        body(editor).press("Enter")
        body(editor).press_sequentially("After.")
        assert html(editor) == (
            "<blockquote><p>Quoted.</p><cite>(pg. 92)</cite></blockquote><p>After.</p>"
        )

        click_into(editor, "blockquote p")
        body(editor).press("End")
        body(editor).press("Enter")
        body(editor).press("Enter")
        body(editor).press_sequentially("Between.")
        assert html(editor) == (
            "<blockquote><p>Quoted.</p><cite>(pg. 92)</cite></blockquote><p>Between.</p>"
            "<p>After.</p>"
        )

    def test_the_gap_after_a_quote_on_the_page_is_the_quotes_margin(self, editor):
        toolbar(editor, "Block quote")
        body(editor).press_sequentially("Quoted.")
        body(editor).press("Enter")
        body(editor).press("Enter")
        body(editor).press_sequentially("After.")
        quote = body(editor).locator("blockquote").bounding_box()
        after = body(editor).locator("blockquote + p").bounding_box()
        assert after["y"] - (quote["y"] + quote["height"]) <= 30  # 1.5rem, no empty line


def test_pictures_line_up_with_the_text(editor, tmp_path):
    photo = tmp_path / "map.jpg"
    buffer = io.BytesIO()
    PILImage.new("RGB", (900, 500), "steelblue").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    body(editor).press_sequentially("A map of the border:")
    with editor.expect_file_chooser() as chooser:
        toolbar(editor, "Image")
    chooser.value.set_files(str(photo))
    editor.fill("#image-dialog-alt", "The Sino-Soviet border")
    editor.click(".image-dialog button.submit")

    def left_edges(page, scope: str) -> tuple[float, float]:
        picture = page.locator(f"{scope} figure img")
        expect(picture).to_have_js_property("complete", True)  # laid out at its size
        text = page.locator(f"{scope} p").first.bounding_box()["x"]
        return text, picture.bounding_box()["x"]

    text, image = left_edges(editor, ".rich-text-surface .ProseMirror")
    assert image == pytest.approx(text, abs=1)
    editor.click("button[value=preview]")
    text, image = left_edges(editor, "article.post .entry-content")
    assert image == pytest.approx(text, abs=1)
