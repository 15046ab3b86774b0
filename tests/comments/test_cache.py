"""The cached discussion: shared by readers, never stale after a write or a moderation."""

import re
import socket

import pytest
from django.test import Client
from django.urls import reverse

from comments import personal_data
from comments.forms import issue_stamp
from comments.models import Comment, DiscussionSettings
from tests.factories import make_comment
from tests.figures import POST_PAGE_QUERIES_MEMBER, POST_PAGE_QUERIES_WARM
from tests.tools import needs

pytestmark = pytest.mark.django_db


def page(post, client=None, **params) -> str:
    return (client or Client()).get(post.get_absolute_url(), params).content.decode()


def test_a_warm_page_costs_only_the_queries_of_its_cache_key(post, django_assert_num_queries):
    for _ in range(30):
        make_comment(post)
    page(post)
    with django_assert_num_queries(POST_PAGE_QUERIES_WARM):
        html = page(post)
    assert "30 thoughts on" in html


def test_a_logged_in_reader_gets_the_discussion_from_the_cache(
    post, student, django_assert_num_queries
):
    for _ in range(30):
        make_comment(post)
    member = Client()
    member.force_login(student)
    page(post, member)
    # the discussion itself comes from the cache (tests/figures.py lists the queries)
    with django_assert_num_queries(POST_PAGE_QUERIES_MEMBER):
        assert "30 thoughts on" in page(post, member)


def test_each_anonymous_reader_gets_their_own_working_csrf_token(post):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for reader in (first, second):
        html = page(post, reader)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    assert tokens[0] != tokens[1]
    assert "csrf-token" not in html
    data = {
        "name": "Maya",
        "email": "maya@example.edu",
        "body": "Via a cached page.",
        "issued": issue_stamp(),
    }
    response = second.post(post.get_absolute_url(), {**data, "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302


@pytest.mark.parametrize("reader", ["member", "replytocom", "saved details"])
def test_personal_pages_are_never_shared(post, student, reader):
    make_comment(post, author_name="Someone")
    client, params = Client(), {}
    if reader == "member":
        client.force_login(student)
    elif reader == "replytocom":
        params = {"replytocom": Comment.objects.get().pk}
    else:
        client.cookies["comment_author"] = "x"
    personal = page(post, client, **params)
    shared = page(post)
    reply_title = 'data-default="Leave a Reply">Reply to Someone</span>'
    assert (reply_title in personal) == (reader == "replytocom")
    assert reply_title not in shared
    if reader == "member":
        assert "You are commenting as" in personal
        assert "You are commenting as" not in shared


@pytest.mark.parametrize(
    "change",
    ["new comment", "approve", "trash", "spam", "delete", "edit", "erase", "repair"],
)
def test_every_change_shows_at_once(post, change):
    kept = make_comment(
        post, author_name="Maya", author_email="maya@example.edu", body="Kept words"
    )
    held = make_comment(post, status=Comment.Status.PENDING, body="Held words")
    before = page(post)
    assert "Kept words" in before

    if change == "new comment":
        make_comment(post, body="Brand new words")
        assert "Brand new words" in page(post)
    elif change == "approve":
        held.approve()
        assert "Held words" in page(post)
    elif change in ("trash", "spam"):
        getattr(kept, "trash" if change == "trash" else "mark_spam")()
        assert "Kept words" not in page(post)
    elif change == "delete":
        kept.delete()
        assert "Kept words" not in page(post)
    elif change == "edit":
        kept.body = "Edited words"
        kept.save()
        assert "Edited words" in page(post)
    elif change == "erase":
        personal_data.erase("maya@example.edu")
        html = page(post)
        assert '<b class="fn">Anonymous</b>' in html
        assert "Maya" not in html
    elif change == "repair":
        reply = make_comment(post, parent=kept, body="A reply")
        page(post)
        Comment.objects.filter(pk=reply.pk).update(level=5)
        Comment.objects.repair_trees()
        assert 'class="comment depth-2"' in page(post)


def test_a_guest_sees_their_held_comment_and_others_share_the_cache(post, client):
    data = {
        "name": "Maya",
        "email": "maya@example.edu",
        "body": "Mine, held.",
        "issued": issue_stamp(),
    }
    client.post(post.get_absolute_url(), data)
    assert "Mine, held." in page(post, client)
    assert "Mine, held." not in page(post)


def test_a_member_sees_edit_links_on_their_fresh_comment_and_nobody_else_does(post, student):
    member = Client()
    member.force_login(student)
    member.post(post.get_absolute_url(), {"body": "Fresh words.", "issued": issue_stamp()})
    comment = Comment.objects.get(body="Fresh words.")
    edit_url = reverse("comments:edit", kwargs={"pk": comment.pk})
    assert edit_url not in page(post)  # cached for everyone...
    assert edit_url in page(post, member)  # ...but the author gets a page of their own
    assert edit_url not in page(post)


def test_changing_the_rules_changes_the_page(post):
    root = make_comment(post)
    child = make_comment(post, parent=root)
    assert f"replytocom={child.pk}" in page(post)
    rules = DiscussionSettings.load()
    rules.thread_depth = 2
    rules.save()
    assert f"replytocom={child.pk}" not in page(post)


def redis_is_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@needs(redis_is_running(), "no Redis server on 127.0.0.1:6379 (in CI this fails the run)")
def test_the_discussion_is_shared_through_redis(post, settings):
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "coursblog-test",
        }
    }
    from django.core.cache import caches

    caches["default"].clear()
    make_comment(post, body="Through Redis")
    assert "Through Redis" in page(post)
    keys = redis.Redis.from_url("redis://127.0.0.1:6379/15").keys("coursblog-test:*discussion*")
    assert keys, "the rendered discussion is stored in Redis"
    make_comment(post, body="And a second")
    assert "And a second" in page(post)
    caches["default"].clear()


def test_the_cache_is_really_used(post):
    comment = make_comment(post, body="Original words")
    assert "Original words" in page(post)
    # A write that skips the model does not move the version, so the cached page stays.
    sneaky = comment.fragment_html.replace("Original words", "Sneaky words")
    Comment.objects.filter(pk=comment.pk).update(fragment_html=sneaky)
    assert "Original words" in page(post)
    post.__class__.objects.filter(pk=post.pk).discussion_changed()
    assert "Sneaky words" in page(post)
