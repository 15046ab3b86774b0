"""A student writes, illustrates, cites, saves, comes back, previews and publishes an essay."""

import io
import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from course.models import CourseSettings
from posts.models import Post
from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "summit.jpg"
    buffer = io.BytesIO()
    PILImage.new("RGB", (1800, 1200), "steelblue").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def type_in_body(page, text: str) -> None:
    page.locator(".rich-text-surface .ProseMirror").press_sequentially(text)


def toolbar(page, label: str) -> None:
    page.locator(".rich-text-toolbar button", has_text=re.compile(f"^{label}$")).click()


def write_essay(page, photo) -> None:
    page.goto("/write/")
    page.fill("#id_title", "Khrushchev and Mao")
    body = page.locator(".rich-text-surface .ProseMirror")
    body.click()
    toolbar(page, "Heading")
    type_in_body(page, "Origins of the split")
    body.press("Enter")
    type_in_body(page, "Khrushchev's speech changed everything, as the CIA")
    for _ in "the CIA":
        body.press("Shift+ArrowLeft")
    toolbar(page, "Link")
    page.fill("#link-dialog-href", "https://www.cia.gov/readingroom/")
    page.press("#link-dialog-href", "Enter")
    body.press("End")
    type_in_body(page, " noted.")
    body.press("Enter")
    toolbar(page, "Block quote")
    type_in_body(page, "The appearance of the commune program introduced discord.")
    toolbar(page, "Quote citation")
    expect(body.locator("blockquote cite")).to_have_text("(pg. )")
    type_in_body(page, "92")  # the cursor waits in "(pg. |)"
    body.press("Enter")  # leaves the quote
    type_in_body(page, "As the image shows:")

    with page.expect_file_chooser() as chooser:
        toolbar(page, "Image")
    chooser.value.set_files(str(photo))
    page.fill("#image-dialog-alt", "A blue placeholder photograph")
    page.fill("#image-dialog-caption", "The Kremlin in winter")
    page.fill("#image-dialog-credit", "Course archive")
    page.click(".image-dialog button.submit")
    expect(body.locator("figure picture img")).to_have_attribute(
        "alt", "A blue placeholder photograph"
    )

    page.fill("#id_sources-0-authors", "Lüthi, Lorenz M.")
    page.fill("#id_sources-0-title", "The Sino-Soviet Split: Cold War in the Communist World")
    page.fill("#id_sources-0-publisher", "Princeton University Press")
    page.fill("#id_sources-0-year", "2008")
    page.click("#add-source")
    page.locator("#id_sources-1-authors").press_sequentially("Freeze")
    page.locator(".source-pick", has_text="Russia: A History").click()
    expect(page.locator("#id_sources-1-title")).to_have_value("Russia: A History")


def test_a_student_writes_and_publishes_an_illustrated_essay(demo, new_page, photo):
    page = new_page()
    log_in(page, "anderson")
    write_essay(page, photo)

    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    post = Post.objects.get(title="Khrushchev and Mao")
    assert post.status == Post.Status.DRAFT
    assert [s.title for s in post.sources.order_by("citations__position")] == [
        "Russia: A History",  # MLA order: Freeze before Lüthi
        "The Sino-Soviet Split: Cold War in the Communist World",
    ]
    assert post.citations.get(position=1).source == demo.sources.get(title="Russia: A History")

    # A little more typing, saved automatically; then the tab is closed.
    page.locator(".rich-text-surface .ProseMirror p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" Written after saving.")
    expect(page.locator("#editor-status")).to_contain_text("Saved automatically", timeout=10_000)
    page.close()

    page = new_page()
    log_in(page, "anderson")
    page.goto("/my-posts/")
    page.click("text=Khrushchev and Mao")
    expect(page.locator(".rich-text-surface .ProseMirror")).to_contain_text("Written after saving.")

    page.click("button[value=preview]")
    expect(page.locator(".draft-note")).to_contain_text("Preview")
    article = page.locator("article.post")
    expect(article.locator(".entry-content h2")).to_have_text("Origins of the split")
    expect(article.locator("blockquote cite")).to_have_text("(pg. 92)")
    expect(
        article.locator(".entry-content a[href='https://www.cia.gov/readingroom/']")
    ).to_have_text("the CIA")
    expect(article.locator(".entry-content figure figcaption")).to_have_text(
        "The Kremlin in winter (Course archive)"
    )
    expect(article.locator(".works-cited li")).to_have_count(2)

    page.click("text=Back to the editor")
    page.click("button[value=publish]")
    expect(page).to_have_url(re.compile(r"/posts/khrushchev-and-mao/$"))

    home = new_page()
    home.goto("/")
    summary = home.locator(".post-summary", has_text="Khrushchev and Mao")
    expect(summary).to_be_visible()
    guest = new_page()
    guest.goto("/posts/khrushchev-and-mao/")
    expect(guest.locator(".entry-content figure picture source[type='image/webp']")).to_have_count(
        1
    )
    image = guest.locator(".entry-content figure img")
    expect(image).to_have_attribute("width", "1800")
    assert guest.evaluate("document.querySelector('.entry-content figure img').naturalWidth") > 0
    expect(guest.locator(".works-cited")).to_contain_text("Lüthi, Lorenz M.")
    expect(guest.locator(".works-cited")).to_contain_text("Freeze, Gregory L., editor.")

    guest.fill("#id_body", "A clear, well-sourced essay.")
    guest.fill("#id_name", "Maya")
    guest.fill("#id_email", "maya@example.edu")
    guest.click("#commentform button.submit")
    expect(guest.locator(".comment-awaiting-moderation")).to_be_visible()


def test_with_review_on_a_post_waits_for_the_instructor(demo, new_page, photo):
    settings = CourseSettings.load()
    settings.review_before_publishing = True
    settings.save()
    student = new_page()
    log_in(student, "caroline")
    student.goto("/write/")
    student.fill("#id_title", "Détente")
    student.locator(".rich-text-surface .ProseMirror").press_sequentially("A short essay.")
    student.click("button[value=publish]")
    expect(student.locator(".messages")).to_contain_text("submitted for review")
    anyone = new_page()
    assert anyone.goto("/posts/detente/").status == 404

    instructor = new_page()
    log_in(instructor, "instructor")
    instructor.goto("/review/")
    instructor.click(".review-item:has-text('Détente') button[value=approve]")
    expect(instructor.locator(".messages")).to_contain_text("is published")
    assert anyone.goto("/posts/detente/").status == 200
