"""What a search shows a reader: only what they may see, ranked, a page at a time.

- posts: those the reader's listings show (Post.objects.listed_for: published, and
  readable by them, course/visibility.py);
- comments: approved comments on those posts;
- sources: those cited by those posts (the rule of the source pages, posts/views.py).

Only titles and texts are searched, never authors' names: a name search must not find
what someone posted anonymously to classmates, and results show authors as
accounts/people.py decides. Private feedback (participation) is not searched.
"""

from __future__ import annotations

import dataclasses

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from accounts import people
from comments.models import Comment
from posts.models import Citation, Post, Source
from search import engines
from search.query import Query
from search.snippets import highlighted

RESULTS_PER_PAGE = 10
KINDS = ("post", "comment", "source")


@dataclasses.dataclass(frozen=True)
class Result:
    kind: str  # "post", "comment" or "source"
    url: str
    title: SafeString  # with the matches marked
    snippet: SafeString
    context: str = ""  # the post a comment is on; a source's authors
    author: people.ShownAuthor | None = None
    date: object = None


def candidates(reader) -> dict[str, QuerySet]:
    """Per kind, every row ``reader`` may find."""
    posts = Post.objects.listed_for(reader).order_by()
    return {
        "post": posts,
        "comment": Comment.objects.approved().filter(post__in=posts.values("pk")),
        "source": Source.objects.filter(
            pk__in=Citation.objects.filter(post__in=posts.values("pk")).values("source")
        ),
    }


class Matches:
    """Everything that matches, best first, as a Paginator reads it: ``count()`` and
    slices of ``{"result_kind", "pk", "rank"}`` rows. One query each."""

    def __init__(self, reader, query: Query, using: str = "default"):
        self.engine, self.using = engines.engine(using), using
        self.parts = candidates(reader)
        self.query = query

    def _union(self, *, ranked: bool) -> tuple[str, list]:
        parts = [
            self.engine.matching(kind, rows, self.query, ranked=ranked)
            for kind, rows in self.parts.items()
        ]
        sql = " UNION ALL ".join(
            f"SELECT * FROM ({part}) AS found_{kind}"  # noqa: S608 - the engines' SQL
            for (part, _), kind in zip(parts, self.parts, strict=True)
        )
        return sql, [param for _, params in parts for param in params]

    def count(self) -> int:
        union, params = self._union(ranked=False)
        return self._fetch(f"SELECT count(*) FROM ({union}) AS found", params)[0][0]  # noqa: S608

    def __getitem__(self, window: slice) -> list[dict]:
        union, params = self._union(ranked=True)
        start, stop = window.start or 0, window.stop
        sql = (
            f"SELECT result_kind, pk, rank FROM ({union}) AS found "  # noqa: S608
            "ORDER BY rank DESC, result_kind, pk DESC LIMIT %s OFFSET %s"
        )
        rows = self._fetch(sql, [*params, stop - start, start])
        return [{"result_kind": kind, "pk": pk, "rank": rank} for kind, pk, rank in rows]

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        connection = connections[self.using]
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A common word's search looks costly to the planner, which then compiles
                # it (JIT): 70 ms of a 550 ms search on 10,000 posts, for nothing.
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, params)
            return cursor.fetchall()


def page_of(reader, query: Query, number) -> Page:
    """The results page ``number`` (as the address has it: bad or too far is the nearest
    page), its object_list made of Results."""
    page = Paginator(Matches(reader, query), RESULTS_PER_PAGE).get_page(number)
    page.object_list = results(reader, query, list(page.object_list))
    return page


def results(reader, query: Query, rows: list[dict]) -> list[Result]:
    """``rows`` (result_kind, pk, rank) as Results, in their order: a few queries per kind."""
    engine = engines.engine()
    made: dict[tuple[str, int], Result] = {}
    for kind in KINDS:
        pks = [row["pk"] for row in rows if row["result_kind"] == kind]
        if not pks:
            continue
        marked = engine.snippets(kind, pks, query)
        made |= {(kind, r_pk): r for r_pk, r in MAKERS[kind](reader, pks, marked).items()}
    keys = [(row["result_kind"], row["pk"]) for row in rows]
    return [made[key] for key in keys if key in made]  # gone since they were counted: left out


def _posts(reader, pks, marked) -> dict[int, Result]:
    posts = Post.objects.filter(pk__in=pks).select_related("author")
    return {
        post.pk: Result(
            "post",
            post.get_absolute_url(),
            highlighted(marked[post.pk][0]),
            highlighted(marked[post.pk][1], html_source=True),
            author=people.post_author(post, reader),
            date=post.published_at,
        )
        for post in posts
    }


def _comments(reader, pks, marked) -> dict[int, Result]:
    comments = list(Comment.objects.filter(pk__in=pks).select_related("post"))
    urls = Comment.objects.page_urls(comments)
    identities = people.sees_identities(reader)
    return {
        comment.pk: Result(
            "comment",
            urls[comment.pk],
            highlighted(marked[comment.pk][0]),
            highlighted(marked[comment.pk][1]),
            context=comment.post.title,
            author=people.ShownAuthor(
                people.shown_name(comment.author_name, comment.anonymous, identities)
            ),
            date=comment.created,
        )
        for comment in comments
    }


def _sources(reader, pks, marked) -> dict[int, Result]:
    return {
        source.pk: Result(
            "source",
            source.get_absolute_url(),
            highlighted(marked[source.pk][0]),
            highlighted(marked[source.pk][1]),
            context=source.year,
        )
        for source in Source.objects.filter(pk__in=pks)
    }


MAKERS = {"post": _posts, "comment": _comments, "source": _sources}
