"""What counts as participation: the one definition of every number on the
participation page, "Your posts" and the scores sent to the LMS.

- A **post published** is a published post (not a draft, not waiting for review,
  not scheduled for later), counted in the week it was published.
- A **comment written** is an approved comment written by a member (``Comment.user``,
  never a name: a comment shown anonymously to classmates still counts for its
  writer) on a published post. Held, spam and trashed comments never count.
- A **reply to a classmate** is such a comment that answers someone else: the
  comment it replies to was written by someone else, or, for a comment that starts
  a thread, the post was. Answering oneself never counts, on one's own post or
  anywhere else.
- A **long reply** is a reply to a classmate of at least the course's minimum
  words per reply: what the weekly requirement counts.
- A **reply received** is an approved comment on a published post by someone else
  (a classmate, an instructor, a guest) that answers the member.
- **Words written** are the words of the posts and comments counted above.

Private feedback and grades are not comments and count nowhere here.

Every count is made by the database, grouped by member and week, in two queries
whatever the size of the class: one for posts, one for comments (written and received,
from a single pass over them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from accounts.models import User
from accounts.roles import STUDENTS, instructors_q
from comments.models import Comment
from participation.weeks import Period
from participation.words import stored_or_counted
from posts.models import Post


def students() -> QuerySet[User]:
    """The course's students (accounts/roles.py: active members of the Students group who
    are not instructors), by display name."""
    instructors = User.objects.filter(instructors_q()).values("pk")
    return (
        User.objects.filter(is_active=True, groups__name=STUDENTS)
        .exclude(pk__in=instructors)
        .order_by("display_name", "pk")
    )


def counted_post() -> Q:
    """For posts: is it published (Post.objects.published)?"""
    return Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


def counted_comment() -> Q:
    """For comments: is it approved, on a published post?"""
    return Q(
        status=Comment.Status.APPROVED,
        post__status=Post.Status.PUBLISHED,
        post__published_at__lte=timezone.now(),
    )


def counted_posts() -> QuerySet[Post]:
    return Post.objects.filter(counted_post())


def counted_comments() -> QuerySet[Comment]:
    """Approved comments on published posts, by anyone (members: filter on ``user``)."""
    return Comment.objects.filter(counted_comment())


def received_by(member: int) -> Q:
    """For comments annotated with ``answered`` (answered_user): answers to ``member``
    (an id) by someone else, guests included (as COMMENT_COUNTS counts them)."""
    return Q(answered=member) & (Q(user__isnull=True) | ~Q(user=member))


def answered_user() -> Case:
    """The member a comment answers: the writer of its parent, or the post's author."""
    return Case(
        When(parent__isnull=True, then=F("post__author_id")),
        default=F("parent__user_id"),
        output_field=IntegerField(),
    )


def answers_someone_else() -> Q:
    """For comments annotated with ``answered`` (answered_user): does the comment answer
    someone other than its writer? A guest's comment, whose writer is nobody we know,
    is someone else. (COMMENT_COUNTS says the same in SQL.)"""
    return Q(answered__isnull=True) | ~Q(answered=F("user"))


def post_words() -> Coalesce:
    return stored_or_counted("word_count", "body")


def comment_words() -> Coalesce:
    return stored_or_counted("word_count", "body_html")


@dataclasses.dataclass
class WeekCounts:
    """One member's counts for a week (or, added up, for several)."""

    posts: int = 0
    comments: int = 0
    replies: int = 0  # to classmates
    long_replies: int = 0  # replies to classmates of at least the minimum words
    received: int = 0
    words: int = 0
    first: datetime | None = None
    last: datetime | None = None

    @property
    def activity(self) -> int:
        """Posts and comments: what the charts draw."""
        return self.posts + self.comments


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


class _Moment(Func):
    """A datetime column, compared as it is stored. SQLite gives a datetime column numeric
    affinity, so comparing it with a bound first tries to read the bound as a number, for
    every row and every bound (most of the time of the queries below); without the
    affinity (SQLite's no-op unary +) the stored ISO 8601 texts, in UTC, compare as the
    moments do."""

    template = "%(expressions)s"
    output_field = DateTimeField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def _week_of(field: str, period: Period) -> Case | Value:
    """The index of the week in ``period`` that holds ``field`` (rows already in it): a
    binary search over the weeks' bounds, four comparisons for a term of 16 weeks."""
    moment = _Moment(F(field))
    bounds = period.bounds

    def search(first: int, last: int) -> Case | Value:
        if first == last:
            return Value(first)
        middle = (first + last + 1) // 2  # the first week of the upper half
        return Case(
            When(LessThan(moment, bounds[middle - 1]), then=search(first, middle - 1)),
            default=search(middle, last),
            output_field=IntegerField(),
        )

    return search(0, len(period) - 1)


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.starts, f"{field}__lt": period.ends})


def _count_if(condition: Q) -> Sum:
    return Coalesce(Sum(Case(When(condition, then=Value(1)), default=Value(0))), 0)


def _as_text(aggregate: Min | Max) -> Cast:
    """A week's first or last moment as the database writes it: reading thousands of
    them as datetimes costs more than the query itself, and only each member's first
    and last are wanted (``_moment`` reads those). One database's texts of moments sort
    as the moments do (ISO 8601, in UTC; COMMENT_COUNTS casts the same way)."""
    return Cast(aggregate, CharField())


def _moment(text: str | datetime | None) -> datetime | None:
    """A moment from _as_text: SQLite's text is in UTC without saying so, PostgreSQL's
    ends with its offset."""
    if text is None or isinstance(text, datetime):
        return text
    offset = "+" in text[19:] or "-" in text[19:]
    return datetime.fromisoformat(text if offset else text + "+00:00")


def comment_facts(period: Period) -> QuerySet:
    """One row for each counted comment in ``period``: who wrote it (``user_id``, None
    for a guest), whom it answers (``answered``), its week, its words and when it was
    written."""
    return (
        counted_comments()
        .filter(_in("created", period))
        .annotate(week=_week_of("created", period), answered=answered_user(), words=comment_words())
        .order_by()
        .values("user_id", "answered", "week", "words", "created")
    )


# Both counts of comments from one pass over them: the facts are gathered once (with
# their joins) and grouped twice, by writer and by the member answered. The database
# keeps a common table expression used twice as a table of its own (SQLite 3.35 and
# PostgreSQL 12 onwards), so the comments are read once, not once for each grouping.
# A reply to a classmate answers someone else (answers_someone_else).
COMMENT_COUNTS = """
WITH facts AS ({facts}),
  written AS (
    SELECT *, CASE WHEN answered IS NULL OR answered <> user_id THEN 1 ELSE 0 END AS reply
      FROM facts WHERE user_id IS NOT NULL
  )
SELECT user_id, week, COUNT(*), SUM(reply),
       SUM(CASE WHEN words >= %s THEN reply ELSE 0 END), SUM(words),
       CAST(MIN(created) AS VARCHAR(40)), CAST(MAX(created) AS VARCHAR(40)), 0
  FROM written GROUP BY user_id, week
UNION ALL
SELECT answered, week, 0, 0, 0, 0, NULL, NULL, COUNT(*)
  FROM facts WHERE answered IS NOT NULL AND (user_id IS NULL OR user_id <> answered)
  GROUP BY answered, week
"""


def weekly_counts(
    period: Period, *, min_words: int = 0, members: Iterable[int] | None = None
) -> dict[int, list[WeekCounts]]:
    """{member id: their WeekCounts for each week of ``period``}, in two queries.

    Only members with some activity (or replies received) are keys; ``members``
    limits the counting to those ids.
    """
    counts: dict[int, list[WeekCounts]] = {}

    def week(member: int, index: int) -> WeekCounts:
        if member not in counts:
            counts[member] = [WeekCounts() for _ in period.weeks]
        return counts[member][index]

    posts = counted_posts().filter(_in("published_at", period))
    facts = comment_facts(period)
    if members is not None:
        members = list(members)
        posts = posts.filter(author__in=members)
        facts = facts.filter(Q(user__in=members) | Q(answered__in=members))

    rows = (
        posts.annotate(week=_week_of("published_at", period), words=post_words())
        .order_by()
        .values_list("author_id", "week")
        .annotate(
            count=Count("pk"),
            total_words=Coalesce(Sum("words"), 0),
            first=_as_text(Min("published_at")),
            last=_as_text(Max("published_at")),
        )
    )
    for member, index, count, total_words, first, last in rows:
        found = week(member, index)
        found.posts, found.words = count, found.words + total_words
        found.first, found.last = _earliest(found.first, first), _latest(found.last, last)

    sql, params = facts.query.sql_with_params()
    with connections[facts.db].cursor() as cursor:
        cursor.execute(COMMENT_COUNTS.format(facts=sql), [*params, min_words])
        rows = cursor.fetchall()
    wanted = None if members is None else set(members)
    for member, index, count, replies, long_replies, words, first, last, received in rows:
        if wanted is not None and member not in wanted:
            continue  # a classmate who answered one of ``members``
        found = week(member, index)
        if received:
            found.received = received
            continue
        found.comments, found.replies, found.long_replies = count, int(replies), int(long_replies)
        found.words += int(words)
        found.first, found.last = _earliest(found.first, first), _latest(found.last, last)

    for weeks in counts.values():
        for found in weeks:
            found.first, found.last = _moment(found.first), _moment(found.last)
    return counts


def totals(weeks: list[WeekCounts]) -> WeekCounts:
    firsts = [week.first for week in weeks if week.first is not None]
    lasts = [week.last for week in weeks if week.last is not None]
    return WeekCounts(
        posts=sum(week.posts for week in weeks),
        comments=sum(week.comments for week in weeks),
        replies=sum(week.replies for week in weeks),
        long_replies=sum(week.long_replies for week in weeks),
        received=sum(week.received for week in weeks),
        words=sum(week.words for week in weeks),
        first=min(firsts, default=None),
        last=max(lasts, default=None),
    )
