"""A hand-built class for the participation tests: who wrote what, and who answered whom."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import make_student
from comments.models import Comment
from participation.models import Expectations
from tests.factories import make_comment, make_post, make_user

UTC = ZoneInfo("UTC")
# A Monday: the week of March 3–9, 2025 (weeks start on Mondays by default).
MONDAY = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in March 2025 (UTC)."""
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def words(count: int, word: str = "word") -> str:
    return " ".join([word] * count)


def student(username: str, **fields):
    user = make_user(username, **fields)
    make_student(user)
    return user


def comment(post, user=None, parent=None, *, when, body="Good point.", **fields) -> Comment:
    if user is not None:
        fields.setdefault("author_name", user.display_name)
        fields.setdefault("author_email", user.email)
    return make_comment(post, parent=parent, user=user, created=when, body=body, **fields)


@pytest.fixture
def expectations(db):
    found = Expectations.load()
    found.posts_per_week, found.replies_per_week, found.min_words_per_reply = 1, 2, 0
    found.term_starts = MONDAY.date()
    found.term_ends = at(16).date()
    found.save()
    return found


@pytest.fixture
def classroom(db, expectations):
    """Three students, an instructor and a guest, in the week of March 3, 2025:

    - Ana's post: Ben starts a thread (c1), Ana answers him (c2), the instructor
      answers Ana (c9); Ana comments on her own post (c3) and answers herself (c4);
      a guest comments (c7) and Cleo answers the guest (c8). Ben's held, spam and
      trashed comments wait or are gone.
    - Ben's post: Ana comments (c5, under another name, as an anonymous comment
      would show) and answers herself (c6).
    - Cleo's draft, submitted and scheduled posts; a comment on a post that was
      unpublished.
    """
    ana = student("ana", first_name="Ana", last_name="Silva", display_name="Ana S")
    ben = student("ben", first_name="Ben", last_name="Okafor", display_name="Ben O")
    cleo = student("cleo", first_name="Cleo", last_name="Park", display_name="Cleo P")
    morgan = make_user("morgan", first_name="Morgan", last_name="Reyes", instructor=True)
    ana_post = make_post(
        author=ana, title="Ana's post", body=f"<p>{words(100)}</p>", published_at=at(3)
    )
    ben_post = make_post(
        author=ben, title="Ben's post", body=f"<p>{words(50)}</p>", published_at=at(4)
    )
    make_post(author=cleo, title="Cleo's draft", status="draft", published_at=None)
    make_post(author=cleo, title="Cleo's submitted post", status="pending", published_at=None)
    make_post(
        author=cleo, title="Cleo's scheduled post", published_at=datetime(2999, 1, 1, tzinfo=UTC)
    )
    withdrawn = make_post(author=ben, title="Withdrawn", published_at=at(3))
    c1 = comment(ana_post, ben, when=at(4), body=words(10))
    c2 = comment(ana_post, ana, c1, when=at(5), body=words(20))
    c3 = comment(ana_post, ana, when=at(5, 11), body=words(3))
    c4 = comment(ana_post, ana, c3, when=at(5, 12), body=words(4))
    c5 = comment(ben_post, ana, when=at(6), body=words(30), author_name="A classmate")
    c6 = comment(ben_post, ana, c5, when=at(6, 11), body=words(5))
    c7 = comment(ana_post, when=at(6, 12), author_name="Maya (guest)", body=words(7))
    c8 = comment(ana_post, cleo, c7, when=at(7), body=words(8))
    c9 = comment(ana_post, morgan, c2, when=at(7, 11), body=words(9))
    held = comment(ana_post, ben, when=at(7, 12), status=Comment.Status.PENDING)
    spam = comment(ana_post, ben, when=at(7, 13), status=Comment.Status.SPAM)
    trashed = comment(ana_post, ben, c2, when=at(7, 14), status=Comment.Status.TRASH)
    on_withdrawn = comment(withdrawn, cleo, when=at(7, 15))
    withdrawn.status = "draft"
    withdrawn.save()
    return SimpleNamespace(**locals())
