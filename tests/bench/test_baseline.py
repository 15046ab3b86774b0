"""The benchmark's baseline is the page a plain django-mptt site would serve."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.baseline import PLAIN_COLUMNS
from comments.models import Comment
from posts.models import Post
from tests.factories import make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]
PROJECT_COLUMNS = ("fragment_html", "body_html", "user_agent", "ip_address", "author_email")


def baseline(client, post) -> str:
    response = client.get(reverse("bench-recursetree", kwargs={"slug": post.slug}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def thread(post):
    root = make_comment(post, body="First.\n\nSecond paragraph.")
    reply = make_comment(post, parent=root, author_url="https://example.org/")
    make_comment(post, parent=reply)
    make_comment(post)
    make_comment(post, status=Comment.Status.PENDING, body="Held back.")
    return post


def test_it_reads_only_the_columns_a_plain_site_has(client, thread):
    with CaptureQueriesContext(connection) as captured:
        baseline(client, thread)

    post_query, comments_query = (query["sql"] for query in captured.captured_queries)
    assert "posts_post" in post_query
    columns = set(re.findall(r'"comments_comment"\."(\w+)"', comments_query.split(" FROM ")[0]))
    assert columns == {
        "id",
        *(f"{name}_id" if name == "parent" else name for name in PLAIN_COLUMNS),
    }
    assert not columns & set(PROJECT_COLUMNS)


def test_it_reverses_the_post_url_once_per_page(client, thread):
    with mock.patch.object(
        Post, "get_absolute_url", autospec=True, side_effect=Post.get_absolute_url
    ) as get_url:
        html = baseline(client, thread)

    assert get_url.call_count == 1
    assert html.count(f'href="{thread.get_absolute_url()}#comment-') == 4


def test_it_shows_the_approved_thread_nested_with_the_raw_text_escaped(client, thread):
    Comment.objects.filter(parent=None).update(body="<script>alert(1)</script>\n\nBold?")

    html = baseline(client, thread)

    assert "4 thoughts on" in html
    assert "Held back." not in html
    assert html.count('<ol class="children">') == 2
    assert 'class="comment depth-3"' in html
    assert "<script>" not in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n\n<p>Bold?</p>" in html
    assert '<a href="https://example.org/" rel="external nofollow ugc">' in html
