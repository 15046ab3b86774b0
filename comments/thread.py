"""A post's discussion as the reader sees it, rendered in one flat pass.

The rows come from one query in tree order (CommentQuerySet.thread_rows). One pass
decides what shows: approved comments, the reader's own held comments (marked as
awaiting moderation), and a "This comment was removed." stand-in for a removed
comment that still holds visible replies, so no reply loses its place. A second
pass writes the nested lists by comparing each row's level with the previous one,
as mptt's ``tree_info`` does; there is no recursion and no per-comment template.

Each comment's stored fragment holds only what is the comment's own (its author as
recorded and its sanitised text, see comments/fragments.py); this module adds what
depends on the post, the site and the page: the date in the site's time zone, the
"Post author" and "Instructor" marks, the permalink and the Reply, Edit and Report links.

The Report link is the same for every reader, so the page stays shareable: the post
page shows it only to members, through a class on the section around the thread
(``members-may-report``, set when the page is assembled), and the report view asks
anyone else to log in (comments/reports.py).

The markup is written here, in Python, rather than in a template loop because a
1,000-comment thread then renders in a few milliseconds instead of tens (the
discussion is the page's hot path). Every value is escaped with ``html.escape``
except the stored fragments, which Comment.save made from escaped and sanitised
values; tests/comments/test_thread.py feeds markup through every field to keep it
that way.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from html import escape
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from accounts.people import shown_name
from accounts.roles import instructors_q
from comments.fragments import fragment_parts
from comments.models import Comment, DiscussionSettings, ThreadRow, page_url

APPROVED = Comment.Status.APPROVED.value
PENDING = Comment.Status.PENDING.value
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


class Entry(NamedTuple):
    row: ThreadRow
    kind: str  # "approved", "own-held" or "removed"


@dataclasses.dataclass(frozen=True)
class PagePlan:
    """Which threads a page of the discussion shows, and what its heading counts."""

    approved_count: int
    page: int = 1
    page_count: int = 1
    default_page: int = 1  # the page the post's bare address shows
    tree_ids: list[int] | None = None  # None: every thread
    newest_first: bool = False

    @classmethod
    def for_post(
        cls, post, own_pks: frozenset[int], rules: DiscussionSettings, page: int | str | None
    ) -> PagePlan:
        """Page ``page`` (missing or not a number: the default page; out of range: the
        nearest page), in two queries."""
        newest_first = rules.order == rules.Order.NEWEST
        tree_ids = None
        page_number, page_count, default_page = 1, 1, 1
        if rules.paginate:
            all_ids = Comment.objects.thread_tree_ids(post, own_pks, newest_first=newest_first)
            page_count = max(1, -(-len(all_ids) // rules.threads_per_page))
            default_page = rules.default_page_number(page_count)
            asked = as_page_number(page)
            page_number = default_page if asked is None else min(max(asked, 1), page_count)
            start = (page_number - 1) * rules.threads_per_page
            tree_ids = all_ids[start : start + rules.threads_per_page]
        approved = Comment.objects.filter(post=post).approved().count()
        return cls(approved, page_number, page_count, default_page, tree_ids, newest_first)


@dataclasses.dataclass(frozen=True)
class Thread:
    """One page of a post's discussion, ready to render."""

    entries: list[Entry]
    approved_count: int
    page: int = 1
    page_count: int = 1
    default_page: int = 1  # the page the post's bare address shows

    @classmethod
    def for_post(
        cls,
        post,
        own_pks: frozenset[int] = frozenset(),
        *,
        rules: DiscussionSettings | None = None,
        page: int | str | None = 1,
        plan: PagePlan | None = None,
    ) -> Thread:
        """The threads of one page, in three queries."""
        rules = rules or DiscussionSettings.load()
        plan = plan or PagePlan.for_post(post, own_pks, rules, page)
        rows = Comment.objects.thread_rows(
            post, own_pks, tree_ids=plan.tree_ids, newest_first=plan.newest_first
        )
        entries = visible_entries(rows, own_pks)
        return cls(entries, plan.approved_count, plan.page, plan.page_count, plan.default_page)

    def render(
        self,
        *,
        post,
        deepest_level: int,
        editable: frozenset[int] = frozenset(),
        marks: Marks | None = None,
    ) -> SafeString:
        return render_entries(
            self.entries,
            page_url=page_url(post, self.page, self.default_page),
            deepest_level=deepest_level,
            editable=editable,
            marks=marks or Marks.for_post(post),
        )


@dataclasses.dataclass(frozen=True)
class Marks:
    """What the page says about each comment's author beyond the comment itself: who
    wrote the post, who the instructors are (read when the page is assembled), and
    whether this reader sees who wrote anonymous comments (only instructors do)."""

    post_author_id: int | None = None
    instructor_ids: frozenset[int] = frozenset()
    identities: bool = False

    @classmethod
    def for_post(cls, post, *, identities: bool = False) -> Marks:
        """The marks for ``post``'s discussion (one query)."""
        instructors = User.objects.filter(instructors_q()).values_list("pk", flat=True)
        # On an anonymous post, "Post author" beside a name would say who wrote it.
        post_author = None if post.anonymous and not identities else post.author_id
        return cls(post_author, frozenset(instructors), identities)

    def of(self, row: ThreadRow) -> tuple[str, str]:
        """The ``<li>`` classes and the marks after the name, for a comment."""
        if row.anonymous:
            if not self.identities:
                return " comment-anonymous", ""  # a mark would tell who wrote it
            anonymous = (
                ' <span class="comment-badge anonymous-badge">anonymous to classmates</span>'
            )
        else:
            anonymous = ""
        user_id = row.user_id
        if user_id is None:
            return "", anonymous
        classes, marks = "", ""
        if user_id == self.post_author_id:
            classes += " bypostauthor"
            marks += ' <span class="comment-badge author-badge">Post author</span>'
        if user_id in self.instructor_ids:
            classes += " byinstructor"
            marks += ' <span class="comment-badge instructor-badge">Instructor</span>'
        return classes, marks + anonymous

    def name(self, row: ThreadRow) -> str:
        """The author's name as this reader sees it (accounts/people.py)."""
        name = row.member_name if row.member_name else row.author_name
        return shown_name(name, row.anonymous, self.identities)


def stream_thread(
    post,
    own_pks: frozenset[int],
    plan: PagePlan,
    *,
    deepest_level: int,
    editable: frozenset[int] = frozenset(),
    marks: Marks | None = None,
    chunk_size: int = 200,
) -> Iterator[str]:
    """A page of a long discussion as it is read from the database, in pieces of
    ``chunk_size`` comments, so a worker never holds the whole of it."""
    rows = Comment.objects.iter_thread_rows(
        post, own_pks, tree_ids=plan.tree_ids, newest_first=plan.newest_first
    )
    html = iter_html(
        iter_visible(rows, own_pks),
        page_url=page_url(post, plan.page, plan.default_page),
        deepest_level=deepest_level,
        editable=editable,
        marks=marks or Marks.for_post(post),
    )
    while piece := "".join(itertools.islice(html, chunk_size * 3)):
        yield piece


def as_page_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def visible_entries(rows: Iterable[ThreadRow], own_pks: frozenset[int]) -> list[Entry]:
    return list(iter_visible(rows, own_pks))


def iter_visible(rows: Iterable[ThreadRow], own_pks: frozenset[int]) -> Iterator[Entry]:
    """Choose what shows, in tree order; stand-ins only where a reply needs one."""
    path: list[list] = []  # [row, shown] for each ancestor of the current row
    for row in rows:
        del path[row.level :]
        if row.status == APPROVED:
            kind = "approved"
        elif row.status == PENDING and row.pk in own_pks:
            kind = "own-held"
        else:
            path.append([row, False])
            continue
        for ancestor in path:
            if not ancestor[1]:
                yield Entry(ancestor[0], "removed")
                ancestor[1] = True
        yield Entry(row, kind)
        path.append([row, True])


def render_entries(
    entries: Iterable[Entry],
    *,
    page_url: str,
    deepest_level: int = 9,
    editable: frozenset[int] = frozenset(),
    marks: Marks | None = None,
    reportable: bool = True,
) -> SafeString:
    """The ``<li>`` elements of the top-level ``<ol class="comment-list">``."""
    html = iter_html(
        entries,
        page_url=page_url,
        deepest_level=deepest_level,
        editable=editable,
        marks=marks,
        reportable=reportable,
    )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped or pre-sanitised


def iter_html(
    entries: Iterable[Entry],
    *,
    page_url: str,
    deepest_level: int = 9,
    editable: frozenset[int] = frozenset(),
    marks: Marks | None = None,
    reportable: bool = True,
) -> Iterator[str]:
    """The markup of ``entries``, piece by piece.

    Each comment's ``<li id="comment-<pk>">`` contains an ``<ol class="children">``
    with its replies, so the DOM nests as the tree does. Comments at
    ``deepest_level`` get no Reply link; those in ``editable`` get an Edit link;
    with ``reportable`` (not in the static archive), other approved comments get a
    Report link.
    """
    page_url = escape(page_url)
    query = "&amp;" if "?" in page_url else "?"
    links = _Links(
        page_url,
        f"{page_url}{query}",
        deepest_level,
        editable,
        {},
        marks or Marks(),
        _date_formatter(timezone.get_current_timezone()),
        _report_url_parts() if reportable else None,
    )
    previous_level = -1
    for entry in entries:
        level = entry.row.level
        if level > previous_level:
            if previous_level >= 0:
                yield '<ol class="children">'
        else:
            yield "</li>" + "</ol></li>" * (previous_level - level)
        yield _comment_html(entry, links)
        previous_level = level
    if previous_level >= 0:
        yield "</li>" + "</ol></li>" * previous_level


@dataclasses.dataclass(frozen=True)
class _Links:
    page_url: str  # escaped
    reply_prefix: str  # escaped page URL followed by "?" or "&amp;"
    deepest_level: int
    editable: frozenset[int]
    names: dict[str, str]  # escaped author names: a class has few authors and many comments
    marks: Marks
    date: Callable[[datetime], str]
    report_url: tuple[str, str] | None  # the report view's address around the pk; None: no link


def _report_url_parts() -> tuple[str, str]:
    """The report view's address before and after the comment's pk (reversed once per
    page, not once per comment)."""
    before, _, after = reverse("comments:report", kwargs={"pk": 0}).rpartition("/0/")
    return escape(f"{before}/"), escape(f"/{after}")


def _comment_html(entry: Entry, links: _Links) -> str:
    row = entry.row
    pk = row.pk
    depth = row.level + 1
    if entry.kind == "removed":
        return (
            f'<li id="comment-{pk}" class="comment depth-{depth} comment-removed">'
            f'<div id="div-comment-{pk}" class="comment-body">'
            '<p class="comment-removed-note">This comment was removed.</p></div>'
        )
    mark_classes, marks = links.marks.of(row)
    shown = links.marks.name(row)
    classes = f"comment depth-{depth}{mark_classes}"
    note = ""
    actions = []
    if entry.kind == "own-held":
        classes += " comment-held"
        note = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>'
    elif row.level < links.deepest_level:
        name = links.names.get(shown)
        if name is None:
            name = links.names[shown] = escape(shown)
        actions.append(
            f'<a rel="nofollow" class="comment-reply-link"'
            f' href="{links.reply_prefix}replytocom={pk}#respond" data-commentid="{pk}"'
            f' data-replyto="Reply to {name}" aria-label="Reply to {name}">Reply</a>'
        )
    if pk in links.editable:
        actions.append(
            f'<a class="comment-edit-link" href="{reverse("comments:edit", kwargs={"pk": pk})}">'
            "Edit or delete"
            '<span class="visually-hidden"> your comment</span></a>'
        )
    report = ""
    if entry.kind == "approved" and links.report_url and pk not in links.editable:
        before, after = links.report_url
        separator = " · " if actions else ""
        # Shown to members only (see the module docstring); identical for every reader.
        report = (
            f'<span class="comment-report">{separator}<a rel="nofollow" href="{before}{pk}{after}">'
            'Report<span class="visually-hidden"> this comment</span></a></span>'
        )
    reply = f'<div class="reply">{" · ".join(actions)}{report}</div>' if actions or report else ""
    author, content = fragment_parts(row.fragment_html) or ("", "")
    if row.user_id is not None or row.anonymous:  # a member's name is theirs now
        author = links.names.get(shown) or links.names.setdefault(shown, escape(shown))
    return (
        f'<li id="comment-{pk}" class="{classes}">'
        f'<article id="div-comment-{pk}" class="comment-body">'
        f'<footer class="comment-meta"><div class="comment-author"><b class="fn">{author}</b>'
        f'{marks} <span class="says">says:</span></div>'
        f'<div class="comment-metadata"><a href="{links.page_url}#comment-{pk}">'
        f"{links.date(row.created)}</a></div></footer>"
        f"{content}{note}{reply}</article>"
    )


def _date_formatter(zone: tzinfo) -> Callable[[datetime], str]:
    """``<time>`` elements for comment dates in the site's time zone."""

    def formatted(moment: datetime) -> str:
        local = moment.astimezone(zone)
        machine = local.isoformat(timespec="seconds")
        return f'<time datetime="{machine}">{display_date(local)}</time>'

    return formatted


def display_date(moment: datetime) -> str:
    """ "November 9, 2018 at 3:15 pm", as WordPress shows comment dates."""
    hour = moment.hour % 12 or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    day = f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"
    return f"{day} at {hour}:{moment.minute:02d} {meridiem}"
