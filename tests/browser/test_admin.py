"""The instructor writes a post with its Works Cited in the admin, under our CSP."""

import re

import pytest
from playwright.sync_api import expect

from posts.models import Citation, Post, Source

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


def test_the_instructor_merges_duplicate_sources(demo, new_page):
    textbook = demo.sources.get(title="A History of Russia")
    copy = Source.objects.create(
        title="A History of Russia.", authors="Riasanovsky, Nicholas V.\nSteinberg, Mark D.",
        year="2018", publisher="Oxford UP",
    )  # fmt: skip
    other = Post.objects.create(title="Another essay", author=demo.author, status="published")
    Citation.objects.create(post=other, source=copy, position=1)
    page = new_page()
    page.goto("/admin/login/?next=/admin/posts/source/")
    page.fill("#id_username", "instructor")
    page.fill("#id_password", "coursblog-demo")
    page.click("input[type=submit]")

    for source in (textbook, copy):
        page.check(f"input[name=_selected_action][value='{source.pk}']")
    page.select_option("select[name=action]", "merge_sources")
    page.click("button[name=index]")
    expect(page.locator("#merge-sources")).to_contain_text("cited by 1 post")
    page.check(f"#merge-sources input[name=keep][value='{textbook.pk}']")
    page.click("#merge-sources input[type=submit]")

    expect(page.locator(".messagelist")).to_contain_text("Merged 1 source(s)")
    assert not Source.objects.filter(pk=copy.pk).exists()
    assert other.sources.get() == textbook
    page.goto(f"/sources/{textbook.pk}/")
    expect(page.locator("main li")).to_have_count(2)
