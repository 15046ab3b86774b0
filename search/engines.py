"""The two ways of searching, behind one interface: PostgreSQL's full-text search and
SQLite's FTS5. Both answer the same questions, so the results page is the same:

- ``matching(kind, allowed, query, newest=N)``: SQL and parameters selecting the N
  newest rows of that kind that ``allowed`` lets the reader find (a filter on the
  kind's own columns, search/results.py decides) and that match, as ``result_kind,
  pk, rank`` (higher ranks first; all 0 unless ``ranked``), ready to combine with the
  other kinds. Only those N are ranked: the cost of a search has a bound however
  common its words;
- ``marked(kind, query)``: annotations giving each row of that kind its title and a
  snippet of its text with the matches marked, ``marked_title`` and ``marked_text``
  (search/snippets.py turns the marks into safe HTML), so the rows a results page
  shows come with their snippets in the same query.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import Expression, F, Model, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from comments.models import Comment
from posts.models import Post, Source
from search import fts5, vectors
from search.models import BY_KIND as DOCUMENT_MODELS
from search.query import Query
from search.snippets import ELLIPSIS, START, STOP

TEXT = {"post": ("title", "body"), "comment": ("", "body"), "source": ("title", "authors")}
SNIPPET_WORDS = 30


class Engine:
    comment_post_prefix = "post__"  # how a comment's filter reaches its post's columns

    def __init__(self, using: str = "default"):
        self.using = using

    def _sql(self, queryset: QuerySet) -> tuple[str, tuple]:
        """``queryset``'s SQL and parameters, for this engine's database."""
        return queryset.query.get_compiler(using=self.using).as_sql()


class Postgres(Engine):
    comment_post_prefix = "post_"  # the documents carry the post's columns (search/models.py)

    def _query(self, query: Query) -> SearchQuery:
        return SearchQuery(query.websearch(), search_type="websearch", config=vectors.CONFIG)

    def matching(
        self, kind: str, allowed: Q, query: Query, *, newest: int, ranked: bool = True
    ) -> tuple[str, tuple]:
        # The documents carry the columns ``allowed`` reads (search/models.py): the
        # search reads the documents that match and no other table's rows. For a common
        # word PostgreSQL walks the documents newest first and stops at ``newest``; for
        # a rare one it finds them all through the GIN index and sorts them.
        search = self._query(query)
        rank = SearchRank(F("document"), search) if ranked else Value(0.0)
        found = (
            DOCUMENT_MODELS[kind]
            .objects.filter(allowed, document=search)
            .annotate(result_kind=Value(kind), found_pk=F("pk"), rank=rank)
            .values_list("result_kind", "found_pk", "rank")
            .order_by("-pk")[:newest]
        )
        sql, params = self._sql(found)
        return f"SELECT result_kind, found_pk AS pk, rank FROM ({sql}) AS documents", params  # noqa: S608

    def marked(self, kind: str, query: Query) -> dict[str, Expression]:
        search = self._query(query)
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
        return {"marked_title": title, "marked_text": text}


class Sqlite(Engine):  # the FTS5 tables hold text only: the filters read the rows
    def matching(
        self, kind: str, allowed: Q, query: Query, *, newest: int, ranked: bool = True
    ) -> tuple[str, tuple]:
        index = fts5.INDEXES[kind].name
        # FTS5 gives its matches newest (highest rowid) first, and each is kept if its row
        # passes ``allowed``: a lookup by id per match, up to ``newest`` kept, rather than
        # listing every row the reader may see (100,000 comments: 400 ms) first.
        row = _model(kind).objects.filter(allowed, pk=RawSQL("f.rowid", ())).values("pk")
        row = row.order_by()
        rows, params = self._sql(row)
        # bm25 (FTS5's rank) is lower for better matches.
        rank = "-f.rank" if ranked else "0"
        sql = (
            f"SELECT '{kind}' AS result_kind, f.rowid AS pk, {rank} AS rank "  # noqa: S608
            f"FROM {index} f WHERE {index} MATCH %s AND EXISTS ({rows}) "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        return sql, (query.fts5(), *params, newest)

    def marked(self, kind: str, query: Query) -> dict[str, Expression]:
        index = fts5.INDEXES[kind]
        title_field, text_field = TEXT[kind]
        marks = f"char({ord(START)}), char({ord(STOP)})"
        text = index.columns.index(text_field)
        # FTS5 marks a row only in a query of its index that matches: one per row shown.
        of_row = f"FROM {index.name} WHERE {index.name} MATCH %s AND rowid = {index.table}.id"
        snippet = f"snippet({index.name}, {text}, {marks}, '{ELLIPSIS}', {SNIPPET_WORDS})"
        title = f"highlight({index.name}, 0, {marks})"
        return {
            "marked_title": (
                RawSQL(f"SELECT {title} {of_row}", [query.fts5()])  # noqa: S611 - names of ours
                if title_field
                else Value("")
            ),
            "marked_text": RawSQL(f"SELECT {snippet} {of_row}", [query.fts5()]),  # noqa: S611
        }


def _model(kind: str) -> type[Model]:
    return {"post": Post, "comment": Comment, "source": Source}[kind]


def engine(using: str = "default") -> Postgres | Sqlite:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return Postgres(using)
    if vendor == "sqlite":
        return Sqlite(using)
    raise NotImplementedError(f"Search needs PostgreSQL or SQLite, not {vendor}.")
