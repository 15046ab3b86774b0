"""SQLite's full-text index: one FTS5 table per searchable table, kept in step by triggers.

Each FTS5 table is an "external content" table: it holds only the index, and reads
the text (for snippets) from the table it indexes, by rowid = id. Triggers rather
than post_save/post_delete signals keep it in step, because triggers also see
``QuerySet.update()``, ``bulk_create()``, raw SQL and cascaded deletes, which signals
miss; an index that drifts from its content table answers wrongly and can corrupt.

SQLite drops a table's triggers when a migration rebuilds that table (Django copies
it to a new one), so ``after_migrate`` puts back any that are missing and rebuilds
that index from its table.
"""

from __future__ import annotations

import dataclasses

from django.db import connections

TOKENIZER = "porter unicode61 remove_diacritics 2"  # stems English, as PostgreSQL's 'english'


@dataclasses.dataclass(frozen=True)
class Index:
    name: str  # the FTS5 table
    table: str  # the table it indexes
    columns: tuple[str, ...]
    weights: tuple[float, ...]  # bm25's weight for each column: a title counts more

    def create_sql(self) -> list[str]:
        columns = ", ".join(self.columns)
        weights = ", ".join(str(weight) for weight in self.weights)
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name} USING fts5({columns}, "
            f"content='{self.table}', content_rowid='id', tokenize='{TOKENIZER}')",
            # The rank column (what ORDER BY rank sorts on) weighs the columns.
            f"INSERT INTO {self.name}({self.name}, rank) VALUES ('rank', 'bm25({weights})')",  # noqa: S608
        ]

    def trigger_sql(self) -> list[str]:
        columns = ", ".join(self.columns)
        new = ", ".join(f"new.{column}" for column in self.columns)
        old = ", ".join(f"old.{column}" for column in self.columns)
        # An external content index forgets a row by being told exactly what it held.
        forget = (
            f"INSERT INTO {self.name}({self.name}, rowid, {columns}) "  # noqa: S608
            f"VALUES ('delete', old.id, {old});"
        )
        learn = f"INSERT INTO {self.name}(rowid, {columns}) VALUES (new.id, {new});"  # noqa: S608
        prefix = f"CREATE TRIGGER IF NOT EXISTS {self.name}"
        return [
            f"{prefix}_insert AFTER INSERT ON {self.table} BEGIN {learn} END",
            f"{prefix}_delete AFTER DELETE ON {self.table} BEGIN {forget} END",
            f"{prefix}_update AFTER UPDATE OF {columns} ON {self.table} BEGIN {forget} {learn} END",
        ]

    @property
    def triggers(self) -> list[str]:
        return [f"{self.name}_{event}" for event in ("insert", "delete", "update")]

    def rebuild_sql(self) -> str:
        return f"INSERT INTO {self.name}({self.name}) VALUES ('rebuild')"  # noqa: S608

    def drop_sql(self) -> list[str]:
        drops = [f"DROP TRIGGER IF EXISTS {trigger}" for trigger in self.triggers]
        return [*drops, f"DROP TABLE IF EXISTS {self.name}"]


INDEXES = {
    "post": Index("search_post_fts", "posts_post", ("title", "body"), (10.0, 1.0)),
    "comment": Index("search_comment_fts", "comments_comment", ("body",), (1.0,)),
    "source": Index(
        "search_source_fts", "posts_source", ("title", "authors", "container"), (10.0, 5.0, 1.0)
    ),
}


def install(connection) -> None:
    """Create the FTS5 tables and their triggers where missing, and fill any index whose
    triggers were missing (a new index, or one whose table a migration rebuilt)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        for index in INDEXES.values():
            missing = not set(index.triggers) <= present
            if not missing:
                continue
            for sql in [*index.create_sql(), *index.trigger_sql()]:
                cursor.execute(sql)
            cursor.execute(index.rebuild_sql())


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for index in INDEXES.values():
            for sql in index.drop_sql():
                cursor.execute(sql)


def after_migrate(*, using: str, plan=None, **kwargs) -> None:
    connection = connections[using]
    if connection.vendor != "sqlite" or not _migrated(connection):
        return
    install(connection)


def _migrated(connection) -> bool:
    """This app's migration has run (it creates the tables; after that, this keeps them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s",
            [INDEXES["post"].name],
        )
        return cursor.fetchone() is not None
