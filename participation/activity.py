"""One member's writing over a period, item by item, marked by the counting rules
(participation/counting.py): what the per-student view lists, and the items behind
each number of the participation page."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from accounts.models import User
from comments.models import Comment
from coursblog.html import plain_text
from participation import counting
from participation.models import ExemplaryComment, ExemplaryPost, PrivateFeedback
from participation.weeks import Period
from posts.models import Post

COMMENT_STATES = {
    Comment.Status.PENDING: "Held for moderation",
    Comment.Status.SPAM: "Spam",
    Comment.Status.TRASH: "In the trash",
}
POST_STATES = {Post.Status.DRAFT: "Draft", Post.Status.PENDING: "Submitted for review"}


@dataclasses.dataclass
class Item:
    """A post or a comment of the member's (``kind`` "post" or "comment"), or a reply
    they received ("received")."""

    kind: str
    when: datetime
    item: Post | Comment
    counted: bool
    notes: list[str]
    url: str = ""  # a comment's address in its discussion

    @property
    def parent_excerpt(self) -> str:
        parent = getattr(self.item, "parent", None)
        return _excerpt(parent.body_html) if parent is not None else ""


def _excerpt(html: str, words: int = 30) -> str:
    return Truncator(plain_text(html)).words(words, truncate=" …")


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def items(member: User, period: Period, *, kind: str = "all", min_words: int = 0) -> list[Item]:
    """The member's posts and comments in ``period`` in date order (``kind`` "all"), or
    only those a number counts: "posts", "comments", "replies", "received"."""
    found: list[Item] = []
    if kind in ("all", "posts"):
        found += _posts(member, period, counted_only=kind == "posts")
    if kind in ("all", "comments", "replies"):
        found += _comments(member, period, kind=kind, min_words=min_words)
    if kind == "received":
        found += _received(member, period)
    found.sort(key=lambda item: item.when)
    comments = [entry.item for entry in found if entry.kind != "post"]
    urls = Comment.objects.page_urls(comments)  # one query for them all
    for entry in found:
        if entry.kind != "post":
            entry.url = urls[entry.item.pk]
    return found


def _posts(member: User, period: Period, *, counted_only: bool) -> list[Item]:
    feedback = (
        PrivateFeedback.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(count=Count("pk"))
        .values("count")
    )
    posts = (
        Post.objects.filter(author=member)
        .annotate(
            when=Coalesce("published_at", "created_at"),
            counted=_flag(counting.counted_post()),
            words=counting.post_words(),
            feedback_count=Coalesce(Subquery(feedback, output_field=IntegerField()), 0),
            marked=Exists(ExemplaryPost.objects.filter(post=OuterRef("pk"))),
        )
        .filter(when__gte=period.starts, when__lt=period.ends)
        .select_related("grade")
        .order_by("when")
    )
    if counted_only:
        posts = posts.filter(counted=True)
    result = []
    for post in posts:
        notes = [POST_STATES[post.status]] if post.status in POST_STATES else []
        if post.status == Post.Status.PUBLISHED and not post.counted:
            notes.append("Scheduled")
        result.append(Item("post", post.when, post, post.counted, notes))
    return result


def _comments(member: User, period: Period, *, kind: str, min_words: int) -> list[Item]:
    comments = (
        Comment.objects.filter(user=member, created__gte=period.starts, created__lt=period.ends)
        .annotate(answered=counting.answered_user())
        .annotate(
            counted=_flag(counting.counted_comment()),
            to_someone_else=_flag(counting.answers_someone_else()),
            words=counting.comment_words(),
            marked=Exists(ExemplaryComment.objects.filter(comment=OuterRef("pk"))),
        )
        .select_related("post", "post__author", "parent")
        .order_by("created")
    )
    if kind in ("comments", "replies"):
        comments = comments.filter(counted=True)
    if kind == "replies":
        comments = comments.filter(to_someone_else=True)
    result = []
    for comment in comments:
        notes = []
        if comment.status in COMMENT_STATES:
            notes.append(COMMENT_STATES[comment.status])
        elif not comment.counted:
            notes.append("On a post that is not published")
        if comment.to_someone_else:
            notes.append("Reply to a classmate")
            if comment.words < min_words:
                notes.append(
                    f"Too short for the weekly replies ({comment.words} words; "
                    f"the course asks {min_words})"
                )
        else:
            notes.append("Answers their own comment" if comment.parent_id else "On their own post")
        result.append(Item("comment", comment.created, comment, comment.counted, notes))
    return result


def _received(member: User, period: Period) -> list[Item]:
    replies = (
        counting.counted_comments()
        .filter(created__gte=period.starts, created__lt=period.ends)
        .annotate(answered=counting.answered_user(), words=counting.comment_words())
        .filter(counting.received_by(member.pk))
        .select_related("post", "post__author", "parent")
        .order_by("created")
    )
    return [Item("received", reply.created, reply, True, []) for reply in replies]
