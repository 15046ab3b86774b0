"""PostgreSQL's full-text index: a table of stored documents (tsvectors) per searchable
table, GIN-indexed, kept in step by triggers.

The documents are stored, not computed from an expression index at each search,
because ranking needs the document of every match: parsing 10,000 post bodies per
search took seconds (make bench-search), reading stored ones takes milliseconds.
Triggers, as on SQLite (search/fts5.py), also see QuerySet.update(), bulk_create(),
raw SQL and TRUNCATE. A deleted row's document goes with it (a trigger, not a
foreign key: a foreign key would stop Django from truncating the tables in tests).
Post bodies are sanitised HTML: PostgreSQL's parser knows tags and entities, and the
'english' configuration leaves them out of the document.

Two choices keep a search of a common word (a fifth of 100,000 comments) fast:

- a document carries copies of the columns that decide who may find it (``carried``):
  a post's status, publication date, audience and author under their own names, a
  comment's status and post, and its post's columns prefixed "post_". So the filters
  of search/results.py apply to the documents alone: joining every match to the posts
  and comments it came from cost more than the search itself. A trigger on the posts
  copies a change of those columns to the documents of the post's comments. The
  copies take their types from the models' fields; a migration that renames or
  retypes one of those columns must rebuild the documents (search/migrations/0002
  shows how), and PostgreSQL refuses to retype one until then;
- documents are kept in the table's own pages, uncompressed, up to a page's size:
  PostgreSQL would otherwise move a long post's document out of line (TOAST), and
  ranking fetched and decompressed it for every match, six times slower.
"""

from __future__ import annotations

import dataclasses

from django.db import models

from comments.models import Comment
from posts.models import Post

CONFIG = "english"
ROW_IN_PAGE = 8160  # bytes: the most toast_tuple_target allows, a row filling its page


@dataclasses.dataclass(frozen=True)
class Carried:
    """A column a document carries: a field of the indexed row (``of_post`` False) or of
    the post a comment is on (``of_post`` True: the column is post_<its column>)."""

    model: type[models.Model]
    field: str
    of_post: bool = False

    @property
    def source(self) -> str:
        """The column it copies, in its own table."""
        return self.model._meta.get_field(self.field).column

    @property
    def column(self) -> str:
        return f"post_{self.source}" if self.of_post else self.source

    def kind(self, connection) -> str:
        """Its SQL type: the field's own, so the copy cannot drift from the original."""
        return self.model._meta.get_field(self.field).db_type(connection)


@dataclasses.dataclass(frozen=True)
class Documents:
    name: str  # the documents' table: id (the row's), document (its tsvector), carried
    table: str
    weights: tuple[tuple[str, str], ...]  # (column, weight): a title counts more
    carried: tuple[Carried, ...] = ()

    @property
    def index(self) -> str:
        return f"{self.name}_idx"

    @property
    def of_post(self) -> list[Carried]:
        return [c for c in self.carried if c.of_post]

    def document_sql(self, row: str) -> str:
        """The tsvector of ``row`` (NEW in a trigger, the table's name in a backfill)."""
        return " || ".join(
            f"setweight(to_tsvector('{CONFIG}', coalesce({row}.{column}, '')), '{weight}')"
            for column, weight in self.weights
        )

    def _values_sql(self, row: str, post: str) -> str:
        return ", ".join(
            [
                f"{row}.id",
                self.document_sql(row),
                *(f"{post if c.of_post else row}.{c.source}" for c in self.carried),
            ]
        )

    def create_sql(self, connection) -> list[str]:
        columns = ", ".join(["id", "document", *(c.column for c in self.carried)])
        # The row's own columns a document reads or carries: a change to one renews it.
        watched = {column for column, _ in self.weights}
        watched |= {c.source for c in self.carried if not c.of_post}
        watched |= {"post_id"} if self.of_post else set()
        definitions = "".join(f", {c.column} {c.kind(connection)}" for c in self.carried)
        updates = ", ".join(
            f"{column} = EXCLUDED.{column}"
            for column in ["document", *(c.column for c in self.carried)]
        )
        # A comment's document reads its post under the lock the comment's save takes
        # next anyway (Comment._discussion_changed): so a post unpublished meanwhile is
        # read as it is once that commits, never as it was.
        read_post = (
            "SELECT * INTO post FROM posts_post WHERE id = NEW.post_id FOR NO KEY UPDATE;"
            if self.of_post
            else ""
        )
        declare = "DECLARE post posts_post%ROWTYPE;" if self.of_post else ""
        function = f"{self.name}_keep"
        backfill_join = (
            f" LEFT JOIN posts_post post ON post.id = {self.table}.post_id" if self.of_post else ""
        )
        return [
            f"CREATE TABLE {self.name} (id bigint PRIMARY KEY, document tsvector NOT NULL"
            f"{definitions}) WITH (toast_tuple_target = {ROW_IN_PAGE})",
            f"ALTER TABLE {self.name} ALTER COLUMN document SET STORAGE MAIN",
            f"CREATE INDEX {self.index} ON {self.name} USING gin (document)",
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            {declare}
            BEGIN
              IF TG_OP = 'TRUNCATE' THEN
                TRUNCATE {self.name};
              ELSIF TG_OP = 'DELETE' THEN
                DELETE FROM {self.name} WHERE id = OLD.id;
              ELSE
                {read_post}
                INSERT INTO {self.name} ({columns}) VALUES ({self._values_sql("NEW", "post")})
                ON CONFLICT (id) DO UPDATE SET {updates};
              END IF;
              RETURN NULL;
            END $$""",  # noqa: S608 - names of ours
            f"CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF "
            f"{', '.join(sorted(watched))} ON {self.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {function}_all AFTER TRUNCATE "
            f"ON {self.table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            *self._follow_post_sql(),
            f"INSERT INTO {self.name} ({columns}) "  # noqa: S608 - names of ours
            f"SELECT {self._values_sql(self.table, 'post')} FROM {self.table}{backfill_join}",
        ]

    def _follow_post_sql(self) -> list[str]:
        """For documents carrying their post's columns: an index by post, and triggers on
        the posts copying those columns to them when the post changes, or arrives after
        its comments (a load with deferred constraints)."""
        if not self.of_post:
            return []
        function = f"{self.name}_follow_post"
        sources = [c.source for c in self.of_post]
        changes = ", ".join(f"{c.column} = NEW.{c.source}" for c in self.of_post)
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in sources)
        copy = f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE {self.name} SET {changes} WHERE post_id = NEW.id;
              RETURN NULL;
            END $$"""  # noqa: S608 - names of ours
        return [
            f"CREATE INDEX {self.name}_post_idx ON {self.name} (post_id)",
            copy,
            f"CREATE TRIGGER {function} AFTER UPDATE OF {', '.join(sources)} ON posts_post "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {function}_new AFTER INSERT ON posts_post "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]

    def drop_sql(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.name}_keep ON {self.table}",
            f"DROP TRIGGER IF EXISTS {self.name}_keep_all ON {self.table}",
            f"DROP TRIGGER IF EXISTS {self.name}_follow_post ON posts_post",
            f"DROP TRIGGER IF EXISTS {self.name}_follow_post_new ON posts_post",
            f"DROP FUNCTION IF EXISTS {self.name}_keep()",
            f"DROP FUNCTION IF EXISTS {self.name}_follow_post()",
            f"DROP TABLE IF EXISTS {self.name}",
        ]


# What decides who may read a post (course/visibility.py, posts.models.visible_filter).
POST_AUDIENCE = ("status", "published_at", "visibility", "author")

DOCUMENTS = {
    "post": Documents(
        "search_post_document",
        "posts_post",
        (("title", "A"), ("body", "B")),
        carried=tuple(Carried(Post, field) for field in POST_AUDIENCE),
    ),
    "comment": Documents(
        "search_comment_document",
        "comments_comment",
        (("body", "B"),),
        carried=(
            Carried(Comment, "post"),
            Carried(Comment, "status"),
            *(Carried(Post, field, of_post=True) for field in POST_AUDIENCE),
        ),
    ),
    "source": Documents(
        "search_source_document",
        "posts_source",
        (("title", "A"), ("authors", "B"), ("container", "C")),
    ),
}


def install(connection) -> None:
    with connection.cursor() as cursor:
        for documents in DOCUMENTS.values():
            for sql in documents.create_sql(connection):
                cursor.execute(sql)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for documents in DOCUMENTS.values():
            for sql in documents.drop_sql():
                cursor.execute(sql)
