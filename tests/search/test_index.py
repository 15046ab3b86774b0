"""The full-text indexes follow every write, however it is made.

SQLite: FTS5 tables kept by triggers, so QuerySet.update(), bulk_create() and
cascaded deletes are seen too, and a migration that rebuilds a table (dropping its
triggers) gets them back. PostgreSQL: GIN indexes the searches use.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import make_student
from comments.models import Comment
from course.models import Audience
from posts.models import Post
from search import fts5, vectors
from search import models as search_models
from search.engines import engine
from search.query import parse
from search.results import candidates
from tests.factories import make_comment, make_post, make_source, make_user

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")


def found(q: str, reader=None) -> str:
    client = Client()
    if reader is not None:
        client.force_login(reader)
    return client.get(reverse("search:results"), {"q": q}).content.decode()


def test_an_edit_is_found_by_its_new_words_only():
    post = make_post(title="Before", body="<p>Old wording.</p>")
    post.body = "<p>New phrasing.</p>"
    post.save()
    assert "1 result for" in found("phrasing")
    assert "Nothing matches" in found("wording")


def test_updates_in_bulk_are_followed():
    post = make_post(title="Before")
    make_comment(post, body="Plain words")
    Post.objects.filter(pk=post.pk).update(title="Renamed pelican")
    Comment.objects.filter(post=post).update(body="Edited by the instructor: pelican")
    assert "2 results for" in found("pelican")
    assert "Nothing matches" in found("before")


def test_deleted_posts_and_their_comments_are_forgotten():
    post = make_post(title="Doomed heron")
    make_comment(post, body="A heron comment")
    post.delete()
    assert "Nothing matches" in found("heron")


@sqlite_only
def test_triggers_a_migration_dropped_are_put_back_and_the_index_rebuilt():
    make_post(title="Before the migration")
    with connection.cursor() as cursor:
        for trigger in fts5.INDEXES["post"].triggers:
            cursor.execute(f"DROP TRIGGER {trigger}")
    make_post(title="Written while the triggers were gone: ostrich")
    assert "Nothing matches" in found("ostrich")
    fts5.after_migrate(using="default")
    assert "1 result for" in found("ostrich")
    make_post(title="Written after: ostrich again")
    assert "2 results for" in found("ostrich")


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["post", "comment", "source"])
def test_postgresql_searches_through_the_gin_index(kind):
    """The search's expression is the index's: the planner can use the index. With
    tables this small it must be told not to read them whole, nor to look documents up
    one by one by id (a nested loop over the other table): then only the index on the
    documents can find them."""
    allowed = candidates(AnonymousUser())[kind]
    sql, params = engine().matching(kind, allowed, parse("anything"), newest=10)
    plans = ("seqscan", "indexscan", "indexonlyscan", "nestloop")
    with connection.cursor() as cursor:
        for plan_kind in plans:
            cursor.execute(f"SET enable_{plan_kind} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        for plan_kind in plans:
            cursor.execute(f"RESET enable_{plan_kind}")
    assert f"Bitmap Index Scan on {vectors.DOCUMENTS[kind].index}" in plan


def test_a_post_changed_in_bulk_takes_its_comments_with_it():
    """A comment is found as its post may be read, whatever changed the post: on
    PostgreSQL its search document carries copies of the post's columns, kept by a
    trigger on the posts."""
    post = make_post(title="Kestrel essay")
    make_comment(post, body="A kestrel reply")
    assert "2 results for" in found("kestrel")
    Post.objects.filter(pk=post.pk).update(visibility=Audience.CLASS)
    assert "Nothing matches" in found("kestrel")
    student = make_user()
    make_student(student)
    assert "2 results for" in found("kestrel", reader=student)
    Post.objects.filter(pk=post.pk).update(visibility="course", status=Post.Status.DRAFT)
    assert "Nothing matches" in found("kestrel")
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
    assert "2 results for" in found("kestrel")
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() + timedelta(days=1))
    assert "Nothing matches" in found("kestrel")  # scheduled: not yet published


def test_a_comment_moderated_or_moved_in_bulk_is_followed():
    hidden = make_post(title="Hidden", visibility=Audience.CLASS)
    shown = make_post(title="Shown")
    comment = make_comment(shown, body="A plover remark", status=Comment.Status.PENDING)
    assert "Nothing matches" in found("plover")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    assert "1 result for" in found("plover")
    Comment.objects.filter(pk=comment.pk).update(post=hidden)
    assert "Nothing matches" in found("plover")


@pytest.mark.postgres
def test_emptying_a_table_empties_its_documents():
    make_comment(make_post(title="Truncated"))
    make_source()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks pending in the test's transaction
        cursor.execute("TRUNCATE posts_post, comments_comment, posts_source CASCADE")
        for documents in vectors.DOCUMENTS.values():
            cursor.execute(f"SELECT count(*) FROM {documents.name}")  # noqa: S608
            assert cursor.fetchone() == (0,), documents.name


@pytest.mark.parametrize("kind", ["post", "comment", "source"])
def test_the_document_models_read_the_columns_the_triggers_write(kind):
    columns = [field.column for field in search_models.BY_KIND[kind]._meta.concrete_fields]
    documents = vectors.DOCUMENTS[kind]
    assert columns == ["id", "document", *(carried.column for carried in documents.carried)]
    assert search_models.BY_KIND[kind]._meta.db_table == documents.name
