"""PostgreSQL's full-text index: a table of stored documents (tsvectors) per searchable
table, GIN-indexed, kept in step by triggers.

The documents are stored, not computed from an expression index at each search,
because ranking needs the document of every match: parsing 10,000 post bodies per
search took seconds (make bench-search), reading stored ones takes milliseconds.
Triggers, as on SQLite (search/fts5.py), also see QuerySet.update(), bulk_create()
and raw SQL. A deleted row's document goes with it (a trigger, not a foreign key: a
foreign key would stop Django from truncating the tables in tests). Post bodies are
sanitised HTML: PostgreSQL's parser knows tags and entities, and the 'english'
configuration leaves them out of the document.
"""

from __future__ import annotations

import dataclasses

CONFIG = "english"


@dataclasses.dataclass(frozen=True)
class Documents:
    name: str  # the documents' table: id (the row's), document (its tsvector)
    table: str
    weights: tuple[tuple[str, str], ...]  # (column, weight): a title counts more

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
        columns = ", ".join(column for column, _ in self.weights)
        function = f"{self.name}_keep"
        return [
            f"CREATE TABLE {self.name} (id bigint PRIMARY KEY, document tsvector NOT NULL)",
            f"CREATE INDEX {self.index} ON {self.name} USING gin (document)",
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                DELETE FROM {self.name} WHERE id = OLD.id;
              ELSE
                INSERT INTO {self.name} (id, document) VALUES (NEW.id, {self.document_sql("NEW")})
                ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document;
              END IF;
              RETURN NULL;
            END $$""",  # noqa: S608 - names of ours
            f"CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF {columns} "
            f"ON {self.table} FOR EACH ROW EXECUTE FUNCTION {function}()",
            f"INSERT INTO {self.name} (id, document) "  # noqa: S608 - names of ours
            f"SELECT id, {self.document_sql(self.table)} FROM {self.table}",
        ]

    def drop_sql(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.name}_keep ON {self.table}",
            f"DROP FUNCTION IF EXISTS {self.name}_keep()",
            f"DROP TABLE IF EXISTS {self.name}",
        ]


DOCUMENTS = {
    "post": Documents("search_post_document", "posts_post", (("title", "A"), ("body", "B"))),
    "comment": Documents("search_comment_document", "comments_comment", (("body", "B"),)),
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
