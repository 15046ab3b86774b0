"""On PostgreSQL a comment's search document carries a copy of its post's audience
(search/vectors.py). A comment written or moderated while another transaction changes
its post must end with the post's state as committed, not as it was when it started:
else an unpublished or class-only post's comments could be found by anyone."""

import threading
import time

import psycopg
import pytest
from django.db import connection, connections

from comments.models import Comment
from posts.models import Post
from tests.factories import make_comment, make_post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def carried_post_status(comment_pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT post_status FROM search_comment_document WHERE id = %s", [comment_pk]
        )
        return cursor.fetchone()[0]


def wait_until_someone_waits_for_a_lock(deadline: float = 10.0) -> None:
    began = time.monotonic()
    while time.monotonic() - began < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the other writer never waited for the post")


def while_unpublishing(post: Post, write) -> None:
    """Run ``write`` in a thread while another transaction has unpublished ``post`` and
    not yet committed; commit once ``write`` waits for it."""
    unpublishing = psycopg.connect(**connection.get_connection_params())
    try:
        unpublishing.execute("UPDATE posts_post SET status = 'draft' WHERE id = %s", [post.pk])

        def in_thread() -> None:
            try:
                write()
            finally:
                connections.close_all()

        writer = threading.Thread(target=in_thread)
        writer.start()
        wait_until_someone_waits_for_a_lock()
        unpublishing.commit()
        writer.join(timeout=20)
        assert not writer.is_alive()
    finally:
        unpublishing.close()


def test_a_comment_written_while_its_post_is_unpublished_carries_the_new_state():
    post = make_post(title="Racing heron")
    written = []
    while_unpublishing(post, lambda: written.append(make_comment(post, body="A heron")))
    assert carried_post_status(written[0].pk) == Post.Status.DRAFT


def test_a_comment_approved_while_its_post_is_unpublished_carries_the_new_state():
    post = make_post(title="Racing heron")
    held = make_comment(post, body="A held heron", status=Comment.Status.PENDING)
    while_unpublishing(
        post,
        lambda: Comment.objects.filter(pk=held.pk).update(status=Comment.Status.APPROVED),
    )
    assert carried_post_status(held.pk) == Post.Status.DRAFT
