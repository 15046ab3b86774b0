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
from django.db.models import Q
from django.utils.safestring import SafeString

from accounts import people
from comments.models import Comment, approved_filter
from posts.models import Citation, Post, Source, listed_filter
from search import engines
from search.query import Query
from search.snippets import highlighted

RESULTS_PER_PAGE = 10
KINDS = ("post", "comment", "source")
# A search ranks at most this many matches of each kind, the newest written (highest
# id, the order both indexes read cheaply): ranking reads every match it ranks, and a word
# in a fifth of 100,000 comments took 400 ms to rank in full (make bench-search). A
# course rarely has that many posts or comments matching one search; when it does, the
# page says which kinds it cut.
RANKED_PER_KIND = 1000
PLURALS = {"post": "posts", "comment": "comments", "source": "sources"}


@dataclasses.dataclass(frozen=True)
class Result:
    kind: str  # "post", "comment" or "source"
    url: str
    title: SafeString  # with the matches marked
    snippet: SafeString
    context: str = ""  # the post a comment is on; a source's authors
    author: people.ShownAuthor | None = None
    date: object = None


def candidates(reader, *, comment_post_prefix: str = "post__") -> dict[str, Q]:
    """Per kind, the filter selecting every row ``reader`` may find, on the kind's own
    columns. A comment reaches its post's through ``comment_post_prefix``: its relation on
    the Comment model, or "post_" on the search documents, which carry copies
    (search/models.py). So the one rule filters the rows or their documents."""
    return {
        "post": listed_filter(reader),
        "comment": approved_filter() & listed_filter(reader, prefix=comment_post_prefix),
        "source": Q(
            pk__in=Citation.objects.filter(listed_filter(reader, prefix="post__")).values("source")
        ),
    }


class Matches:
    """What matches (of each kind, the RANKED_PER_KIND newest), best first, as a
    Paginator reads it: ``count()`` and slices of ``{"result_kind", "pk", "rank"}``
    rows. A slice and the count are one query (the counts ride along with each row);
    ``count()`` alone costs one more only when no slice came first or the slice was past
    the end. ``cut``: the kinds that had more matches than were ranked, as the last
    slice read them (None before one)."""

    def __init__(self, reader, query: Query, using: str = "default"):
        self.engine, self.using = engines.engine(using), using
        self.allowed = candidates(reader, comment_post_prefix=self.engine.comment_post_prefix)
        self.query = query
        self._total: int | None = None
        self.cut: list[str] | None = None
        self._slices: dict[int, tuple[int, list[dict]]] = {}  # start: (stop, rows)

    def _union(self, *, newest: int, ranked: bool) -> tuple[str, list]:
        parts = [
            self.engine.matching(kind, allowed, self.query, newest=newest, ranked=ranked)
            for kind, allowed in self.allowed.items()
        ]
        sql = " UNION ALL ".join(
            f"SELECT * FROM ({part}) AS found_{kind}"  # noqa: S608 - the engines' SQL
            for (part, _), kind in zip(parts, self.allowed, strict=True)
        )
        return sql, [param for _, params in parts for param in params]

    def count(self) -> int:
        if self._total is None:
            union, params = self._union(newest=RANKED_PER_KIND, ranked=False)
            sql = f"SELECT count(*) FROM ({union}) AS found"  # noqa: S608
            self._total = self._fetch(sql, params)[0][0]
        return self._total

    def __getitem__(self, window: slice) -> list[dict]:
        start, stop = window.start or 0, window.stop
        fetched_stop, rows = self._slices.get(start, (start, []))
        if stop > fetched_stop and not (self._total is not None and fetched_stop >= self._total):
            rows = self._load(start, stop)
        return rows[: stop - start]

    def _load(self, start: int, stop: int) -> list[dict]:
        # One more than is ranked of each kind, to learn whether a kind was cut; the
        # extra ones are numbered out (newness) and neither shown nor counted.
        union, params = self._union(newest=RANKED_PER_KIND + 1, ranked=True)
        cut_of_kind = ", ".join(
            f"max(CASE WHEN result_kind = '{kind}' AND newness > %s THEN 1 ELSE 0 END) "
            f"OVER () AS cut_{kind}"
            for kind in KINDS
        )
        sql = f"""
            SELECT result_kind, pk, rank, total, {", ".join(f"cut_{kind}" for kind in KINDS)}
            FROM (
                SELECT result_kind, pk, rank, newness, {cut_of_kind},
                       sum(CASE WHEN newness > %s THEN 0 ELSE 1 END) OVER () AS total
                FROM (
                    SELECT result_kind, pk, rank,
                           row_number() OVER (PARTITION BY result_kind ORDER BY pk DESC)
                           AS newness
                    FROM ({union}) AS matched
                ) AS numbered
            ) AS found
            WHERE newness <= %s
            ORDER BY rank DESC, result_kind, pk DESC LIMIT %s OFFSET %s
        """  # noqa: S608 - the engines' SQL and our kinds
        bound = RANKED_PER_KIND
        # In the order of their placeholders: the cuts, the total, the union, the rest.
        values = [*[bound] * len(KINDS), bound, *params, bound, stop - start, start]
        found = self._fetch(sql, values)
        if found:
            self._total = found[0][3]
            self.cut = [kind for kind, cut in zip(KINDS, found[0][4:], strict=True) if cut]
        elif start == 0:
            self._total, self.cut = 0, []
        rows = [{"result_kind": kind, "pk": pk, "rank": rank} for kind, pk, rank, *_ in found]
        self._slices[start] = (stop, rows)
        return rows

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
    page), its object_list made of Results. One query finds the page and counts all."""
    matches = Matches(reader, query)
    if wanted := _page_number(number):
        matches[(wanted - 1) * RESULTS_PER_PAGE : wanted * RESULTS_PER_PAGE]
    page = Paginator(matches, RESULTS_PER_PAGE).get_page(number)
    page.object_list = results(reader, query, list(page.object_list))
    return page


def _page_number(number) -> int | None:
    """The page the address asks for, if it may exist: Paginator.get_page then reads it
    from what this page's query fetched. Others (not a number, under 1, past every page
    there could be) are left to Paginator, which counts first and picks a page."""
    try:
        wanted = int(number if number is not None else 1)
    except (TypeError, ValueError):
        return 1
    most = -(-len(KINDS) * RANKED_PER_KIND // RESULTS_PER_PAGE)
    return wanted if 1 <= wanted <= most else None


def results(reader, query: Query, rows: list[dict]) -> list[Result]:
    """``rows`` (result_kind, pk, rank) as Results, in their order: one query per kind
    found (two for comments), each row with its snippet."""
    engine = engines.engine()
    made: dict[tuple[str, int], Result] = {}
    for kind in KINDS:
        pks = [row["pk"] for row in rows if row["result_kind"] == kind]
        if not pks:
            continue
        marked = engine.marked(kind, query)
        made |= {(kind, r_pk): r for r_pk, r in MAKERS[kind](reader, pks, marked).items()}
    keys = [(row["result_kind"], row["pk"]) for row in rows]
    return [made[key] for key in keys if key in made]  # gone since they were counted: left out


def _posts(reader, pks, marked) -> dict[int, Result]:
    posts = Post.objects.filter(pk__in=pks).select_related("author").annotate(**marked)
    return {
        post.pk: Result(
            "post",
            post.get_absolute_url(),
            highlighted(post.marked_title),
            highlighted(post.marked_text, html_source=True),
            author=people.post_author(post, reader),
            date=post.published_at,
        )
        for post in posts
    }


def _comments(reader, pks, marked) -> dict[int, Result]:
    comments = list(Comment.objects.filter(pk__in=pks).select_related("post").annotate(**marked))
    urls = Comment.objects.page_urls(comments)
    identities = people.sees_identities(reader)
    return {
        comment.pk: Result(
            "comment",
            urls[comment.pk],
            highlighted(comment.marked_title),
            highlighted(comment.marked_text),
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
            highlighted(source.marked_title),
            highlighted(source.marked_text),
            context=source.year,
        )
        for source in Source.objects.filter(pk__in=pks).annotate(**marked)
    }


MAKERS = {"post": _posts, "comment": _comments, "source": _sources}
