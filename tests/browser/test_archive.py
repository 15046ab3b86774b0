"""The static archive of the demo, opened in Chromium from the file system.

Every request the pages make is recorded: none may leave ``file://``. The reader
goes from the home page to the seed post, sees its nested thread, its picture and
the site's CSS, and follows the author and source links.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.archive.sites import extract, load_demo, static_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_demo_archive_opens_offline_with_its_nested_thread(browser, tmp_path):
    load_demo()
    folder = extract(static_site(tmp_path), tmp_path / "site")
    caroline = Comment.objects.get(body__startswith="Anderson, great post")
    reply = Comment.objects.get(parent=caroline)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto((folder / "index.html").as_uri())
    page.click("text=The Sino-Soviet Split")
    page.wait_for_load_state("load")

    expect(page.locator("h1")).to_have_text("The Sino-Soviet Split")
    nested = page.locator(f"#comment-{caroline.pk} > ol.children > #comment-{reply.pk}")
    expect(nested).to_be_visible()
    expect(nested.locator(".fn").first).to_have_text("Morgan Reyes")
    expect(page.locator(".comment-reply-link")).to_have_count(0)
    featured = page.locator(".featured-image img")
    assert featured.evaluate("img => img.complete && img.naturalWidth > 0")
    assert featured.evaluate("img => img.currentSrc.startsWith('file://')")
    styled = page.locator(".site-header").evaluate("e => getComputedStyle(e).borderBottomStyle")
    assert styled != "none"  # site.css applies

    page.click("text=Posts citing this >> nth=0")
    expect(page.locator("h2")).to_have_text("Posts that cite it")
    page.click("text=Anderson")
    expect(page.locator("h1")).to_have_text("Posts by Anderson")
    page.click("text=Home")
    expect(page.locator("h1")).to_have_text("Posts")
    context.close()

    assert requests
    assert [url for url in requests if not url.startswith("file://")] == []
