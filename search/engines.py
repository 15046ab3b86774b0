"""The two ways of searching, behind one interface: PostgreSQL's full-text search and
SQLite's FTS5. Both answer the same questions, so the results page is the same:

- ``matching(kind, candidates, query)``: SQL and parameters selecting the rows of
  ``candidates`` (a queryset of what the reader may see, search/results.py decides)
  that match, as ``result_kind, pk, rank`` (higher ranks first; all 0 unless
  ``ranked``), ready to combine with the other kinds. It is SQL rather than a
  queryset because it joins the index tables, which are not models;
- ``snippets(kind, pks, query)``: {pk: (title, text)} with the matches marked
  (search/snippets.py turns the marks into safe HTML).
"""

from __future__ import annotations

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
)
from django.db import connections
from django.db.models import QuerySet, Value

from comments.models import Comment
from posts.models import Post, Source
from search import fts5, vectors
from search.query import Query
from search.snippets import ELLIPSIS, START, STOP

TEXT = {"post": ("title", "body"), "comment": ("", "body"), "source": ("title", "authors")}
SNIPPET_WORDS = 30


class Postgres:
    def _query(self, query: Query) -> SearchQuery:
        return SearchQuery(query.websearch(), search_type="websearch", config=vectors.CONFIG)

    def matching(self, kind: str, candidates: QuerySet, query: Query, *, ranked: bool = True):
        documents = vectors.DOCUMENTS[kind].name
        rows, params = _ids_sql(candidates)
        rank = "ts_rank(d.document, q.query)" if ranked else "0"
        sql = (
            f"SELECT '{kind}' AS result_kind, d.id AS pk, {rank} AS rank "  # noqa: S608
            f"FROM {documents} d, websearch_to_tsquery(%s::regconfig, %s) q(query) "
            f"WHERE d.document @@ q.query AND d.id IN ({rows})"
        )
        return sql, [vectors.CONFIG, query.websearch(), *params]

    def snippets(self, kind: str, pks: list[int], query: Query) -> dict[int, tuple[str, str]]:
        model, search = _model(kind), self._query(query)
        title_field, text_field = TEXT[kind]
        marks = {"start_sel": START, "stop_sel": STOP}
        text = SearchHeadline(
            text_field,
            search,
            config=vectors.CONFIG,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=f" {ELLIPSIS} ",
            **marks,
        )
        title = (
            SearchHeadline(title_field, search, config=vectors.CONFIG, highlight_all=True, **marks)
            if title_field
            else Value("")
        )
        rows = model.objects.filter(pk__in=pks).annotate(_title=title, _text=text)
        return {pk: (t, s) for pk, t, s in rows.values_list("pk", "_title", "_text")}


class Sqlite:
    def matching(self, kind: str, candidates: QuerySet, query: Query, *, ranked: bool = True):
        index = fts5.INDEXES[kind].name
        rows, params = _ids_sql(candidates)
        # bm25 (FTS5's rank) is lower for better matches. The + keeps SQLite from handing
        # the id list to FTS5, which would run the search once per id (minutes, not ms).
        rank = "-f.rank" if ranked else "0"
        sql = (
            f"SELECT '{kind}' AS result_kind, f.rowid AS pk, {rank} AS rank "  # noqa: S608
            f"FROM {index} f WHERE {index} MATCH %s AND +f.rowid IN ({rows})"
        )
        return sql, [query.fts5(), *params]

    def snippets(self, kind: str, pks: list[int], query: Query) -> dict[int, tuple[str, str]]:
        index = fts5.INDEXES[kind]
        title_field, text_field = TEXT[kind]
        marks = f"char({ord(START)}), char({ord(STOP)})"
        text = index.columns.index(text_field)
        title = f"highlight({index.name}, 0, {marks})" if title_field else "''"
        placeholders = ", ".join(["%s"] * len(pks))
        sql = (
            f"SELECT rowid, {title}, "  # noqa: S608 - names and numbers of ours only
            f"snippet({index.name}, {text}, {marks}, '{ELLIPSIS}', {SNIPPET_WORDS}) "
            f"FROM {index.name} WHERE {index.name} MATCH %s AND rowid IN ({placeholders})"
        )
        with connections[_model(kind).objects.db].cursor() as cursor:
            cursor.execute(sql, [query.fts5(), *pks])
            return {pk: (t, s) for pk, t, s in cursor.fetchall()}


def _ids_sql(candidates: QuerySet) -> tuple[str, tuple]:
    """The SQL selecting the ids of ``candidates``, and its parameters."""
    return candidates.order_by().values("pk").query.sql_with_params()


def _model(kind: str):
    return {"post": Post, "comment": Comment, "source": Source}[kind]


def engine(using: str = "default") -> Postgres | Sqlite:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return Postgres()
    if vendor == "sqlite":
        return Sqlite()
    raise NotImplementedError(f"Search needs PostgreSQL or SQLite, not {vendor}.")
