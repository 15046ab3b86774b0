"""The stored search documents of PostgreSQL (search/vectors.py), as models Django reads
but does not manage: the tables, their GIN indexes and the triggers that keep them are
made by this app's migrations and exist on PostgreSQL only (SQLite searches FTS5
tables, search/fts5.py).

Each has the columns that decide who may find it: the indexed row's own, under their
names, and a comment's post's, prefixed "post_". So the filters of search/results.py
(candidates, which read posts through posts.models.listed_filter) apply to the
documents here as they do to the posts and comments on SQLite. A test checks that
these fields are the columns search/vectors.py writes.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from comments.models import Comment
from posts.models import Post
from search.vectors import DOCUMENTS


class Document(models.Model):
    id = models.BigIntegerField(primary_key=True)  # the indexed row's
    document = SearchVectorField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.db_table} {self.pk}"


def _author():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )


class PostDocument(Document):
    status = models.CharField(max_length=10, choices=Post.Status.choices)
    published_at = models.DateTimeField(null=True)
    visibility = models.CharField(max_length=10, editable=False)
    author = _author()

    class Meta:
        managed = False
        db_table = DOCUMENTS["post"].name


class CommentDocument(Document):
    post = models.ForeignKey(
        "posts.Post", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Comment.Status.choices)
    post_status = models.CharField(max_length=10, choices=Post.Status.choices)
    post_published_at = models.DateTimeField(null=True)
    post_visibility = models.CharField(max_length=10, editable=False)
    post_author = _author()

    class Meta:
        managed = False
        db_table = DOCUMENTS["comment"].name


class SourceDocument(Document):
    class Meta:
        managed = False
        db_table = DOCUMENTS["source"].name


BY_KIND: dict[str, type[models.Model]] = {
    "post": PostDocument,
    "comment": CommentDocument,
    "source": SourceDocument,
}
