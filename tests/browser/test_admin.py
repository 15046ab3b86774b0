"""The instructor writes a post with its Works Cited in the admin, under our CSP."""

import re

import pytest
from playwright.sync_api import expect

from posts.models import Post

pytestmark = pytest.mark.browser


def test_the_instructor_adds_a_post_with_sources(demo, new_page):
    page = new_page()
    page.goto("/admin/login/?next=/admin/posts/post/add/")
    page.fill("#id_username", "instructor")
    page.fill("#id_password", "coursblog-demo")
    page.click("input[type=submit]")

    page.locator("#id_title").press_sequentially("Détente and Its Discontents")
    expect(page.locator("#id_slug")).to_have_value("detente-and-its-discontents")
    page.click("#id_author + .select2 .select2-selection")
    page.fill(".select2-search__field", "ander")
    page.click(".select2-results__option >> text=anderson")
    page.fill("#id_body", "<p>Body <script>alert(1)</script>text.</p>")
    page.select_option("#id_status", "published")
    page.fill("#id_citations-0-position", "1")
    page.click("#id_citations-0-source + .select2 .select2-selection")
    page.fill(".select2-search__field", "Riasanovsky")
    page.click(".select2-results__option >> text=/A History of Russia/")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get(slug="detente-and-its-discontents")
    assert post.body == "<p>Body text.</p>"
    assert [source.title for source in post.sources.all()] == ["A History of Russia"]
    page.goto(post.get_absolute_url())
    expect(page.locator(".works-cited")).to_contain_text("Riasanovsky, Nicholas V., and Mark D.")
    expect(page).to_have_url(re.compile(r"/posts/detente-and-its-discontents/$"))
