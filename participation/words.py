"""Words written: counted when a post or a comment is saved, so reports only add them up.

A word is a run of characters between spaces in the text as readers see it (the
HTML's text, each tag a space). Counting in SQL for every report would read every
body again (seconds for a term's comments on SQLite), so each post and comment
has its count stored beside it (PostWords, CommentWords), with the length of the
text it was counted from. A row without a count (bulk imports skip ``save()``) is
counted by the database, by ``Words``, so reports stay right; ``python manage.py
count_words`` stores the missing counts, and those a ``QuerySet.update()`` of a
body left stale (it compares the lengths), for speed.
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models import F, Func
from django.db.models.functions import Coalesce, Length

from comments.models import Comment
from coursblog.html import plain_text
from participation.models import CommentWords, PostWords
from posts.models import Post

SQLITE_FUNCTION = "participation_words"
_TAG = re.compile(r"<[^>]*>")


def count_words(html: str) -> int:
    """The words in an HTML fragment's text (a tag separates words: paragraphs do)."""
    return len(plain_text(_TAG.sub(" ", html or "")).split())


def post_saved(sender, instance, update_fields=None, raw=False, using=None, **kwargs) -> None:
    """post_save receiver for posts: store the body's count when the body was saved."""
    if not raw and (update_fields is None or "body" in update_fields):
        _store(PostWords, "post", instance, count_words(instance.body), using)


def comment_saved(sender, instance, update_fields=None, raw=False, using=None, **kwargs) -> None:
    """post_save receiver for comments: as post_saved (its text as the page shows it)."""
    if not raw and (update_fields is None or "body" in update_fields):
        _store(CommentWords, "comment", instance, count_words(instance.body_html), using)


def _store(model, field: str, instance, words: int, using: str | None) -> None:
    row = model(**{field: instance}, words=words, chars=len(instance.body))
    model.objects.using(using).bulk_create(
        [row], update_conflicts=True, unique_fields=[field], update_fields=["words", "chars"]
    )


def store_missing(batch_size: int = 1000) -> int:
    """Count and store the words of every post and comment whose count is missing or
    stale, and forget the counts of deleted ones; return how many were stored
    (``manage.py count_words``)."""
    stored = 0
    for model, words_model, field, html in (
        (Post, PostWords, "post", "body"),
        (Comment, CommentWords, "comment", "body_html"),
    ):
        words_model.objects.exclude(**{f"{field}__in": model.objects.values("pk")}).delete()
        stale = model.objects.exclude(word_count__chars=Length("body")).order_by("pk")
        last_pk = 0
        while batch := list(stale.filter(pk__gt=last_pk).only("pk", "body", html)[:batch_size]):
            rows = [
                words_model(
                    **{field: item}, words=count_words(getattr(item, html)), chars=len(item.body)
                )
                for item in batch
            ]
            words_model.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=[field], update_fields=["words", "chars"]
            )
            stored += len(rows)
            last_pk = batch[-1].pk
    return stored


def _sqlite_words(html: str | None) -> int:
    """``Words`` on SQLite: a cruder and faster cut than count_words (no entity decoding),
    as PostgreSQL's regular expressions do it."""
    return len(_TAG.sub(" ", html).split()) if html else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite connections the ``Words`` function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sqlite_words, deterministic=True)


class Words(Func):
    """SQL: the words in an HTML column (the fallback for rows without a stored count)."""

    function = SQLITE_FUNCTION
    output_field = models.IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # Tags become spaces; the pieces between runs of white space are the words
        # (array_remove drops the empty pieces before and after).
        template = (
            "cardinality(array_remove(regexp_split_to_array("
            "regexp_replace(%(expressions)s, '<[^>]*>', ' ', 'g'), '\\s+'), ''))"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def stored_or_counted(count: str, html: str) -> Coalesce:
    """The words of each row: its stored count (the relation ``count``), or, where there
    is none, counted now from ``html``. (Checking each count against its text's length
    here would read every body: twice the time of the whole query.)"""
    return Coalesce(F(f"{count}__words"), Words(html), output_field=models.IntegerField())
