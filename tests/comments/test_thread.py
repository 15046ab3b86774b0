"""The discussion as readers see it: what shows, how it nests, what it costs."""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from comments.thread import Thread, display_date
from tests.factories import make_comment, make_thread
from tests.figures import POST_PAGE_QUERIES_COLD, POST_PAGE_QUERIES_COLD_ONE_PAGE
from tests.html_tree import comment_nesting


def rendered(post, own=frozenset(), **options):
    thread = Thread.for_post(post, own)
    return thread, str(thread.render(post=post, deepest_level=9, **options))


def test_replies_render_inside_their_parents(post):
    a, a1, a1x, a2, b = make_thread(post, [[[None], None], None])
    _, html = rendered(post)
    assert comment_nesting("<ol>" + html + "</ol>") == {
        a.pk: None,
        a1.pk: a.pk,
        a1x.pk: a1.pk,
        a2.pk: a.pk,
        b.pk: None,
    }


def test_each_comment_shows_author_permalink_date_body_and_reply_link(post):
    comment = make_comment(
        post,
        author_name="Maya <b>L</b>",
        author_url="https://maya.example/",
        body="Fish & chips",
        created=datetime(2018, 11, 9, 15, 5, tzinfo=UTC),
    )
    _, html = rendered(post)
    url = post.get_absolute_url()
    assert f'<li id="comment-{comment.pk}"' in html
    assert (
        '<a href="https://maya.example/" rel="external nofollow ugc" class="url">'
        "Maya &lt;b&gt;L&lt;/b&gt;</a>"
    ) in html
    assert (
        f'<a class="comment-permalink" href="{url}#comment-{comment.pk}">'
        '<time datetime="2018-11-09T15:05:00+00:00" title="November 9, 2018 at 3:05 pm"'
        " data-relative>November 9, 2018 at 3:05 pm</time></a>" in html
    )
    assert "<p>Fish &amp; chips</p>" in html
    assert f'href="{url}?replytocom={comment.pk}#respond"' in html
    assert comment.author_email not in html


def test_held_comments_show_only_to_their_author(post):
    approved = make_comment(post)
    held = make_comment(post, parent=approved, status=Comment.Status.PENDING)

    thread, html = rendered(post)
    assert f"comment-{held.pk}" not in html
    assert thread.approved_count == 1

    thread, html = rendered(post, own=frozenset({held.pk}))
    assert comment_nesting(f"<ol>{html}</ol>")[held.pk] == approved.pk
    assert "Your comment is awaiting moderation." in html
    assert f"replytocom={held.pk}" not in html
    assert thread.approved_count == 1


@pytest.mark.parametrize(
    "status", [Comment.Status.SPAM, Comment.Status.TRASH, Comment.Status.PENDING]
)
def test_a_removed_comment_keeps_its_approved_replies_in_place(post, status):
    root, reply, other = make_thread(post, [[None], None])
    Comment.objects.filter(pk=root.pk).update(status=status)

    thread, html = rendered(post)

    assert comment_nesting(f"<ol>{html}</ol>") == {root.pk: None, reply.pk: root.pk, other.pk: None}
    assert "This comment was removed." in html
    assert root.body not in html
    assert thread.approved_count == 2


def test_removed_comments_without_visible_replies_vanish(post):
    root, reply = make_thread(post, [[None]])
    reply.trash()
    root.mark_spam()
    thread, html = rendered(post)
    assert thread.entries == []
    assert html == ""


def test_comments_by_the_post_author_are_marked(post):
    post.author.display_name = "Anderson"
    post.author.save()
    make_comment(post, user=post.author, author_name="Anderson")
    _, html = rendered(post)
    assert (
        '<b class="fn">Anderson</b> <span class="comment-badge author-badge">Author'
        '<span class="visually-hidden"> of the post</span></span>' in html
    )


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2018, 11, 9, 0, 5, tzinfo=UTC), "November 9, 2018 at 12:05 am"),
        (datetime(2018, 11, 9, 12, 0, tzinfo=UTC), "November 9, 2018 at 12:00 pm"),
        (datetime(2018, 1, 31, 23, 59, tzinfo=UTC), "January 31, 2018 at 11:59 pm"),
    ],
)
def test_dates_read_like_wordpress(moment, shown):
    assert display_date(moment) == shown


def bulk_thread(post, count):
    """``count`` approved comments in threads up to ten deep, built through save()."""
    made = []
    for number in range(count):
        parent = made[number // 2] if number % 3 and made[number // 2].level < 9 else None
        made.append(make_comment(post, parent=parent))
    return made


@pytest.mark.parametrize("count", [10, 1000])
def test_the_post_page_query_count_does_not_grow_with_the_discussion(
    client, post, count, django_assert_num_queries
):
    made = bulk_thread(post, count)
    threads = sum(1 for comment in made if comment.parent_id is None)
    url = reverse("posts:detail", kwargs={"slug": post.slug})
    with django_assert_num_queries(POST_PAGE_QUERIES_COLD):  # tests/figures.py lists them
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    per_page = DiscussionSettings.load().threads_per_page  # readers land on the last page
    on_last_page = threads if threads <= per_page else (threads % per_page or per_page)
    assert len(re.findall(r'class="comment depth-1[ "]', html)) == on_last_page
    assert f"{count} thoughts on" in html


def test_without_pages_the_whole_discussion_shows(client, post, django_assert_num_queries):
    rules = DiscussionSettings.load()
    rules.paginate = False
    rules.save()
    bulk_thread(post, 300)
    with django_assert_num_queries(POST_PAGE_QUERIES_COLD_ONE_PAGE):
        html = client.get(post.get_absolute_url()).content.decode()
    assert html.count('class="comment depth-') == 300


def test_every_field_is_escaped_or_sanitised(post):
    attack = '"><script>alert(1)</script><x y="'
    make_comment(post, author_name=attack, author_url="https://e.example/" + attack, body=attack)
    make_comment(post, author_name="Link", author_url="javascript:alert(1)")
    _, html = rendered(post)

    tags = start_tags(html)
    assert {"script", "x"}.isdisjoint(name for name, _ in tags)
    assert not any(
        attr == "y" or "javascript:" in (value or "") for _, attrs in tags for attr, value in attrs
    )
    assert "&lt;script&gt;alert(1)" in html  # the name, shown as text


def start_tags(html):
    tags = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Collector().feed(html)
    return tags


@pytest.mark.parametrize(
    "stored",
    ["", '<article id="div-comment-\x01" class="comment-body"><footer>old format</footer>'],
    ids=["missing", "older format"],
)
def test_a_comment_without_a_current_fragment_shows_and_nothing_is_written(
    post, stored, django_assert_num_queries
):
    comment = make_comment(post, body="Saved before fragments existed")
    Comment.objects.filter(pk=comment.pk).update(fragment_html=stored)
    with CaptureQueriesContext(connection) as queries:
        _, html = rendered(post)
    assert "Saved before fragments existed" in html
    assert "old format" not in html
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries)
    assert Comment.objects.get(pk=comment.pk).fragment_html == stored


def test_a_long_discussion_streams_the_same_page(client, post, settings):
    bulk_thread(post, 40)
    url = reverse("posts:detail", kwargs={"slug": post.slug})
    whole = client.get(url, {"cpage": 1}).content.decode()
    settings.STREAM_COMMENTS_ABOVE = 10
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    streamed = client.get(url, {"cpage": 1})
    assert streamed.streaming
    html = b"".join(streamed.streaming_content).decode()
    # each page has its own CSRF token, and its form's issued stamp (to the second)
    per_request = re.compile(r'value="[^"]{64}"|name="issued" value="[^"]*"')
    assert per_request.sub("", html) == per_request.sub("", whole)
    assert comment_nesting(html) == comment_nesting(whole)
