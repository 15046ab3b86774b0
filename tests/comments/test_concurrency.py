"""Concurrent writers on PostgreSQL: every comment lands once and every tree stays sound.

django-mptt alone is not safe here (two new threads can take the same tree_id; two
replies in one tree interleave their lft/rght shifts). Comment.save() takes an
advisory lock per tree, and this test hammers that with real connections.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from comments.forms import issue_stamp
from comments.models import Comment, DiscussionSettings
from tests.factories import make_comment, make_post, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 8
COMMENTS_PER_WRITER = 25


def test_eight_writers_post_two_hundred_comments(capsys):
    assert connection.vendor == "postgresql"
    rules = DiscussionSettings.load()
    rules.thread_depth = 10  # replies land exactly where asked, down to the tenth level
    rules.save()
    busy_post, quiet_post = make_post(title="Busy"), make_post(title="Quiet")
    root = make_comment(busy_post)
    # Instructors: trusted and never flooding, so every post is an immediate write.
    members = [make_user(f"writer{n}", instructor=True) for n in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    placed: list[tuple[int, int | None]] = []  # (comment pk, parent pk asked for)
    lock = threading.Lock()

    def writer(number: int) -> None:
        rng = random.Random(number)
        client = Client()
        client.force_login(members[number])
        start.wait()
        try:
            for sequence in range(COMMENTS_PER_WRITER):
                kind = rng.random()
                if kind < 0.6:  # a reply somewhere in the busy thread
                    candidates = list(
                        Comment.objects.filter(tree_id=root.tree_id, level__lt=9).values_list(
                            "pk", flat=True
                        )
                    )
                    target, parent = busy_post, rng.choice(candidates)
                else:  # a new thread on one of the two posts
                    target, parent = (busy_post if kind < 0.8 else quiet_post), None
                response = client.post(
                    target.get_absolute_url(),
                    {
                        "body": f"writer {number} comment {sequence}",
                        "parent": parent or "",
                        "issued": issue_stamp(),
                    },
                )
                assert response.status_code == 302, response.content[:500]
                pk = int(response["Location"].rsplit("#comment-", 1)[1])
                with lock:
                    placed.append((pk, parent))
        finally:
            connections.close_all()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for future in [pool.submit(writer, n) for n in range(WRITERS)]:
            future.result()
    elapsed = time.perf_counter() - began

    assert len(placed) == WRITERS * COMMENTS_PER_WRITER
    assert Comment.objects.count() == len(placed) + 1
    stored = dict(Comment.objects.values_list("pk", "parent_id"))
    assert all(stored[pk] == parent for pk, parent in placed)
    assert Comment.objects.tree_problems() == []
    roots = Comment.objects.filter(parent=None)
    assert roots.values("tree_id").distinct().count() == roots.count()
    with capsys.disabled():
        print(f"\n{len(placed)} comments from {WRITERS} concurrent writers in {elapsed:.2f} s")


def _send_at_once(post, bodies: list[str], *, member=None) -> list[int]:
    """Send one comment per body from as many threads, released together; the statuses."""
    start = threading.Barrier(len(bodies))
    stamp = issue_stamp()

    def one(body: str) -> int:
        client = Client(REMOTE_ADDR="198.51.100.23")
        if member is not None:
            client.force_login(member)
        try:
            start.wait()
            data = {"body": body, "issued": stamp, "name": "Guest", "email": "guest@example.com"}
            return client.post(post.get_absolute_url(), data).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


@pytest.mark.parametrize("author", ["guest", "member"])
def test_of_eight_identical_comments_sent_at_once_exactly_one_is_stored(author):
    """The security review stored 2 of 8: the duplicate check ran outside the lock."""
    post = make_post()
    member = make_user("racer") if author == "member" else None
    statuses = _send_at_once(post, ["The very same words."] * 8, member=member)
    assert sorted(statuses) == [302] + [409] * 7
    assert Comment.objects.filter(post=post).count() == 1


def test_of_eight_comments_sent_at_once_by_one_guest_one_is_stored():
    """The review stored 6 of 8: the flood check ran outside the lock."""
    post = make_post()
    statuses = _send_at_once(post, [f"Different words {n}." for n in range(8)])
    assert sorted(statuses) == [302] + [429] * 7
    assert Comment.objects.filter(post=post).count() == 1
