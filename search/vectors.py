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
  copies a change of those columns to the documents of the post's comments;
- documents are kept in the table's own pages, uncompressed, up to a page's size:
  PostgreSQL would otherwise move a long post's document out of line (TOAST), and
  ranking fetched and decompressed it for every match, six times slower.
"""

from __future__ import annotations

import dataclasses

CONFIG = "english"
ROW_IN_PAGE = 8160  # bytes: the most toast_tuple_target allows, a row filling its page


@dataclasses.dataclass(frozen=True)
class Carried:
    column: str
    kind: str  # its SQL type
    value: str = ""  # the SQL giving it, {row} the indexed row; the row's column if empty

    def value_sql(self, row: str) -> str:
        return self.value.format(row=row) if self.value else f"{row}.{self.column}"


def _of_post(column: str, kind: str) -> Carried:
    """A column of the comment's post, copied into the comment's document as post_<column>."""
    value = f"(SELECT {column} FROM posts_post WHERE id = {{row}}.post_id)"  # noqa: S608
    return Carried(f"post_{column}", kind, value)


@dataclasses.dataclass(frozen=True)
class Documents:
    name: str  # the documents' table: id (the row's), document (its tsvector), carried
    table: str
    weights: tuple[tuple[str, str], ...]  # (column, weight): a title counts more
    carried: tuple[Carried, ...] = ()

    @property
    def index(self) -> str:
        return f"{self.name}_idx"

    def document_sql(self, row: str) -> str:
        """The tsvector of ``row`` (NEW in a trigger, the table's name in a backfill)."""
        return " || ".join(
            f"setweight(to_tsvector('{CONFIG}', coalesce({row}.{column}, '')), '{weight}')"
            for column, weight in self.weights
        )

    def create_sql(self) -> list[str]:
        carried = [c.column for c in self.carried]
        columns = ", ".join(["id", "document", *carried])
        # The row's own columns a document reads or carries: a change to one renews it.
        own = {column for column, _ in self.weights} | {
            c.column for c in self.carried if not c.value
        }
        own |= {"post_id"} if any(c.value for c in self.carried) else set()
        watched = ", ".join(sorted(own))
        definitions = "".join(f", {c.column} {c.kind}" for c in self.carried)
        values = ", ".join(
            ["NEW.id", self.document_sql("NEW"), *(c.value_sql("NEW") for c in self.carried)]
        )
        backfill = ", ".join(
            ["id", self.document_sql(self.table), *(c.value_sql(self.table) for c in self.carried)]
        )
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in ["document", *carried])
        function = f"{self.name}_keep"
        return [
            f"CREATE TABLE {self.name} (id bigint PRIMARY KEY, document tsvector NOT NULL"
            f"{definitions}) WITH (toast_tuple_target = {ROW_IN_PAGE})",
            f"ALTER TABLE {self.name} ALTER COLUMN document SET STORAGE MAIN",
            f"CREATE INDEX {self.index} ON {self.name} USING gin (document)",
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'TRUNCATE' THEN
                TRUNCATE {self.name};
              ELSIF TG_OP = 'DELETE' THEN
                DELETE FROM {self.name} WHERE id = OLD.id;
              ELSE
                INSERT INTO {self.name} ({columns}) VALUES ({values})
                ON CONFLICT (id) DO UPDATE SET {updates};
              END IF;
              RETURN NULL;
            END $$""",  # noqa: S608 - names of ours
            f"CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF {watched} "
            f"ON {self.table} FOR EACH ROW EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {function}_all AFTER TRUNCATE "
            f"ON {self.table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            *self._follow_post_sql(),
            f"INSERT INTO {self.name} ({columns}) "  # noqa: S608 - names of ours
            f"SELECT {backfill} FROM {self.table}",
        ]

    def _follow_post_sql(self) -> list[str]:
        """For documents carrying their post's columns: an index by post, and a trigger on
        the posts copying those columns to them when the post changes, or arrives after
        its comments (a load with deferred constraints)."""
        of_post = [c.column.removeprefix("post_") for c in self.carried if c.value]
        if not of_post:
            return []
        function = f"{self.name}_follow_post"
        changes = ", ".join(f"post_{column} = NEW.{column}" for column in of_post)
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in of_post)
        return [
            f"CREATE INDEX {self.name}_post_idx ON {self.name} (post_id)",
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                UPDATE {self.name} SET {changes} WHERE post_id = NEW.id;
              ELSIF {changed} THEN
                UPDATE {self.name} SET {changes} WHERE post_id = NEW.id;
              END IF;
              RETURN NULL;
            END $$""",  # noqa: S608 - names of ours
            f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OF {', '.join(of_post)} "
            f"ON posts_post FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]

    def drop_sql(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.name}_keep ON {self.table}",
            f"DROP TRIGGER IF EXISTS {self.name}_keep_all ON {self.table}",
            f"DROP TRIGGER IF EXISTS {self.name}_follow_post ON posts_post",
            f"DROP FUNCTION IF EXISTS {self.name}_keep()",
            f"DROP FUNCTION IF EXISTS {self.name}_follow_post()",
            f"DROP INDEX IF EXISTS {self.name}_post_idx",
            f"DROP TABLE IF EXISTS {self.name}",
        ]


# What decides who may read a post (course/visibility.py, posts.models.visible_filter).
POST_AUDIENCE = (
    ("status", "varchar(10)"),
    ("published_at", "timestamptz"),
    ("visibility", "varchar(10)"),
    ("author_id", "bigint"),
)

DOCUMENTS = {
    "post": Documents(
        "search_post_document",
        "posts_post",
        (("title", "A"), ("body", "B")),
        carried=tuple(Carried(column, kind) for column, kind in POST_AUDIENCE),
    ),
    "comment": Documents(
        "search_comment_document",
        "comments_comment",
        (("body", "B"),),
        carried=(
            Carried("post_id", "bigint"),
            Carried("status", "varchar(10)"),
            *(_of_post(column, kind) for column, kind in POST_AUDIENCE),
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
            for sql in documents.create_sql():
                cursor.execute(sql)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for documents in DOCUMENTS.values():
            for sql in documents.drop_sql():
                cursor.execute(sql)
