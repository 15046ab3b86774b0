"""The instructor imports a WordPress blog in the admin; its thread and old links work."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from posts.models import Post
from tests.wordpress.conftest import fixture
from wordpress.models import ImportedItem

pytestmark = pytest.mark.browser


def test_the_instructor_imports_a_blog_and_sees_its_thread(demo, new_page):
    page = new_page()
    page.goto("/admin/login/?next=/admin/wordpress/importjob/add/")
    page.fill("#id_username", "instructor")
    page.fill("#id_password", "coursblog-demo")
    page.click("input[type=submit]")

    page.set_input_files("#id_file", str(fixture("threads.xml")))
    page.click("input[name=_save]")

    # The page steps the import along, then shows the report.
    expect(page.locator("#import-progress")).to_be_visible()
    expect(page.locator("#import-report")).to_be_visible()
    expect(page.locator("#import-state")).to_have_text("Imported")
    expect(page.locator("#import-counts")).to_have_text("1 of 1 items, 8 of 8 comments")
    expect(page.locator("#import-skipped")).to_contain_text("Pingbacks and trackbacks: 1")
    expect(page.locator("#import-notes")).to_contain_text("replies to comment 999")
    expect(page.locator("#import-notes")).to_contain_text("is taken here")  # the demo's slug

    post = Post.objects.exclude(pk=demo.pk).get()
    parent = Comment.objects.get(author_name="Caroline", post=post)
    reply = Comment.objects.get(author_name="Ethan", post=post)
    page.goto(post.get_absolute_url())
    expect(page.locator(f"#comment-{parent.pk}")).to_contain_text("The parent, listed after")
    expect(page.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}")).to_contain_text(
        "A reply listed before the comment it answers."
    )

    # An old link to a comment, by its WordPress id, lands on that comment.
    wp_reply = ImportedItem.objects.get(kind="comment", object_id=reply.pk).wp_id
    page.goto(f"/2018/11/05/the-sino-soviet-split/#comment-{wp_reply}")
    expect(page).to_have_url(re.compile(rf"{post.get_absolute_url()}#comment-{reply.pk}$"))
