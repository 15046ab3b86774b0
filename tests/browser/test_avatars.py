"""The account page's picture section and bylines with avatars pass axe-core, and an
uploaded picture shows (fetched through the site's check) in the browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from course.models import Audience, CourseSettings
from tests.accounts.test_avatars import photo
from tests.browser.pages import log_in
from tests.browser.test_accessibility import AXE, serious_violations
from tests.tools import needs

pytestmark = [
    pytest.mark.browser,
    needs(AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"),
]


def test_uploading_a_picture_shows_it_on_the_account_page_and_the_post(
    demo, new_page, tmp_path: Path
):
    course = CourseSettings.load()
    course.visibility = Audience.CLASS  # served by the site's check, not as a static file
    course.save()
    page = new_page()
    log_in(page, demo.author.username)
    page.goto("/account/")
    assert serious_violations(page) == []
    picture = tmp_path / "me.jpg"
    picture.write_bytes(photo().read())
    page.set_input_files("#id_picture", str(picture))
    page.click("text=Upload the picture")
    expect(page.get_by_text("Your picture is saved.")).to_be_visible()
    shown = page.locator(".avatar-preview img.avatar-image")
    expect(shown).to_be_visible()
    assert shown.evaluate("image => image.complete && image.naturalWidth") == 96
    assert serious_violations(page) == []
    page.set_input_files("#id_picture", {"name": "x.png", "mimeType": "image/png", "buffer": b"x"})
    page.click("text=Upload the picture")
    expect(page.locator("#id_picture_error")).to_contain_text("not an image we can read")
    assert serious_violations(page) == []
    page.goto(demo.get_absolute_url())
    byline = page.locator(".byline img.avatar-image")
    expect(byline).to_be_visible()
    assert byline.evaluate("image => image.complete && image.naturalWidth") > 0
    assert serious_violations(page) == []
