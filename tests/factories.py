"""Plain factory functions for tests: make_user(), make_post(), make_comment()."""

from __future__ import annotations

import itertools

from django.utils import timezone

from accounts.models import User
from accounts.roles import make_instructor
from comments.models import Comment
from posts.models import Citation, Post, Source

_numbers = itertools.count(1)


def make_user(username: str | None = None, *, instructor: bool = False, **overrides) -> User:
    username = username or f"student{next(_numbers)}"
    fields = {
        "first_name": username.capitalize(),
        "email": f"{username}@example.edu",
        "password": "password",
        **overrides,
    }
    user = User.objects.create_user(username=username, **fields)
    if instructor:
        make_instructor(user)
    return user


def make_post(**overrides) -> Post:
    number = next(_numbers)
    fields = {
        "title": f"Post number {number}",
        "body": "<p>An essay.</p>",
        "status": Post.Status.PUBLISHED,
        "published_at": timezone.now() - timezone.timedelta(days=1),
        **overrides,
    }
    if "author" not in fields:
        fields["author"] = make_user()
    return Post.objects.create(**fields)


def make_comment(post: Post, parent: Comment | None = None, **overrides) -> Comment:
    number = next(_numbers)
    fields = {
        "author_name": f"Guest {number}",
        "author_email": f"guest{number}@example.com",
        "body": f"Comment number {number}.",
        "status": Comment.Status.APPROVED,
        # Written a while ago, so it neither counts as a flood nor is still editable.
        "created": timezone.now() - timezone.timedelta(hours=1),
        **overrides,
    }
    comment = Comment(post=post, parent=parent, **fields)
    comment.save()
    return comment


def make_source(**overrides) -> Source:
    fields = {"title": "A History of Russia", "authors": "Riasanovsky, Nicholas V.", **overrides}
    return Source.objects.create(**fields)


def cite(post: Post, source: Source, position: int = 0) -> Citation:
    return Citation.objects.create(post=post, source=source, position=position)


def make_thread(post: Post, shape: list) -> list[Comment]:
    """Comments from a nested shape: each item is None (a leaf) or a list of replies.

    make_thread(post, [None, [None, [None]]]) makes a lone comment, then a comment
    with two replies, the second of which has one reply. Returns them in tree order.
    """
    made: list[Comment] = []

    def build(items: list, parent: Comment | None) -> None:
        for item in items:
            comment = make_comment(post, parent=parent)
            made.append(comment)
            if item:
                build(item, comment)

    build(shape, None)
    return made
