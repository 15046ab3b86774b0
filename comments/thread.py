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
author's avatar (picture, or initials of the name this reader sees), the "Author",
"Instructor" and "Exemplary" marks, the permalink, the Reply, Edit and Report links, and
the "N replies" toggle that folds a long sub-thread. Nothing here depends on the time of
the request: the page shows exact dates, and static/js/relative-dates.js turns them into
"3 hours ago" in the browser, so a cached page never goes stale.

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

from accounts import avatars
from accounts.models import User
from accounts.people import shown_name
from accounts.roles import instructors_q
from comments.fragments import fragment_parts
from comments.models import Comment, DiscussionSettings, ThreadRow, page_url

APPROVED = Comment.Status.APPROVED.value
PENDING = Comment.Status.PENDING.value
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
# A comment gets a "N replies" toggle when this many replies or more sit below it and it
# starts a thread or a branch of one (two direct replies or more). Fewer replies are
# quicker to scroll past than to fold, and a toggle on each link of a one-reply chain
# ("9 replies", "8 replies", ...) would bury the conversation in toggles.
FOLD_FROM = 4
# The side, in CSS px, of an uploaded picture beside a comment (as .avatar in site.css).
AVATAR_SIZE = 32
NEUTRAL_AVATAR = '<span class="avatar avatar-neutral" aria-hidden="true"></span>'


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
    wrote the post, who the instructors are (read when the page is assembled), whether
    this reader sees who wrote anonymous comments (only instructors do), and which
    comments show the exemplary mark (participation/exemplary.py decides)."""

    post_author_id: int | None = None
    instructor_ids: frozenset[int] = frozenset()
    identities: bool = False
    exemplary_ids: frozenset[int] = frozenset()

    @classmethod
    def for_post(
        cls, post, *, identities: bool = False, exemplary: frozenset[int] = frozenset()
    ) -> Marks:
        """The marks for ``post``'s discussion (one query)."""
        instructors = User.objects.filter(instructors_q()).values_list("pk", flat=True)
        # On an anonymous post, "Author" beside a name would say who wrote it.
        post_author = None if post.anonymous and not identities else post.author_id
        return cls(post_author, frozenset(instructors), identities, exemplary)

    def of(self, row: ThreadRow) -> tuple[str, str]:
        """The ``<li>`` classes and the marks after the name, for a comment."""
        exemplary = ""
        if row.pk in self.exemplary_ids:  # says nothing of who wrote it
            exemplary = (
                f' <a class="comment-badge exemplary-badge"'
                f' href="{reverse("participation:exemplary")}">Exemplary</a>'
            )
        if row.anonymous:
            if not self.identities:
                return " comment-anonymous", exemplary  # another mark would tell who wrote it
            anonymous = (
                ' <span class="comment-badge anonymous-badge">anonymous to classmates</span>'
            )
        else:
            anonymous = ""
        user_id = row.user_id
        if user_id is None:
            return "", anonymous + exemplary
        classes, marks = "", ""
        if user_id == self.post_author_id:
            classes += " bypostauthor"
            marks += (
                ' <span class="comment-badge author-badge">Author'
                '<span class="visually-hidden"> of the post</span></span>'
            )
        if user_id in self.instructor_ids:
            classes += " byinstructor"
            marks += ' <span class="comment-badge instructor-badge">Instructor</span>'
        return classes, marks + anonymous + exemplary

    def avatar(self, row: ThreadRow, shown: str) -> str:
        """The avatar beside the name ``shown`` (accounts/avatars.py): the member's
        picture, or its initials on its colour, or a neutral one where the name is hidden
        (an anonymous comment) or has no letter."""
        if row.anonymous and not self.identities:
            return NEUTRAL_AVATAR
        if row.avatar_small and row.avatar_large:
            return avatars.Avatar(shown, row.avatar_small, row.avatar_large).html(AVATAR_SIZE)
        letters = avatars.initials(shown)
        if not letters:
            return NEUTRAL_AVATAR
        return (
            f'<span class="avatar avatar-{avatars.tone(shown)}" aria-hidden="true">'
            f"{escape(letters)}</span>"
        )

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
    with its replies, so the DOM nests as the tree does; a long sub-thread's list sits
    in an open ``<details>`` whose summary says "N replies" (FOLD_FROM), which folds it
    with or without JavaScript. Comments at ``deepest_level`` get no Reply link; those
    in ``editable`` get an Edit link;
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
        {},
        marks or Marks(),
        _date_formatter(timezone.get_current_timezone()),
        _report_url_parts() if reportable else None,
    )
    # For each level of the current path: the toggle its replies sit under, or "".
    toggles: list[str] = []
    previous_level = -1
    for entry, replies, direct in with_reply_counts(entries):
        level = entry.row.level
        if level > previous_level:
            if previous_level >= 0:
                yield f'{toggles[previous_level]}<ol class="children">'
        else:
            yield "</li>" + _closing(toggles, previous_level, level)
        del toggles[level:]
        toggles.append(_toggle(entry, links, replies) if _folds(level, replies, direct) else "")
        yield _comment_html(entry, links)
        previous_level = level
    if previous_level >= 0:
        yield "</li>" + _closing(toggles, previous_level, 0)


def _closing(toggles: list[str], deeper: int, level: int) -> str:
    """The end of the reply lists (and their toggles) left when the thread goes back from
    a comment at ``deeper`` to one at ``level``."""
    return "".join(
        "</ol></details></li>" if toggles[above] else "</ol></li>"
        for above in range(deeper - 1, level - 1, -1)
    )


def _folds(level: int, replies: int, direct: int) -> bool:
    return replies >= FOLD_FROM and (level == 0 or direct > 1)


def replies_label(count: int) -> str:
    return "1 reply" if count == 1 else f"{count:,} replies"


def _toggle(entry: Entry, links: _Links, replies: int) -> str:
    if entry.kind == "removed":
        whose = "a removed comment"
    else:
        whose = _escaped(links, links.marks.name(entry.row))
    return (
        f'<details class="comment-replies" open><summary>{replies_label(replies)}'
        f'<span class="visually-hidden"> to {whose}</span></summary>'
    )


def with_reply_counts(entries: Iterable[Entry]) -> Iterator[tuple[Entry, int, int]]:
    """Each entry with the number of replies below it (comments shown, not the stand-ins
    for removed ones) and of its direct replies. It reads one top-level thread ahead,
    so a streamed discussion holds one thread at a time, never the page."""
    thread: list[list] = []  # [entry, replies, direct], in order
    path: list[list] = []  # the items of the current entry's ancestors
    for entry in entries:
        level = entry.row.level
        if level == 0 and thread:
            yield from (tuple(item) for item in thread)
            thread = []
        del path[level:]
        if path:
            path[-1][2] += 1
            if entry.kind != "removed":
                for ancestor in path:
                    ancestor[1] += 1
        item = [entry, 0, 0]
        path.append(item)
        thread.append(item)
    yield from (tuple(item) for item in thread)


@dataclasses.dataclass(frozen=True)
class _Links:
    page_url: str  # escaped
    reply_prefix: str  # escaped page URL followed by "?" or "&amp;"
    deepest_level: int
    editable: frozenset[int]
    names: dict[str, str]  # escaped author names: a class has few authors and many comments
    # Their avatars, by name, anonymity and member (a guest may type a member's name).
    avatars: dict[tuple[str, bool, int | None], str]
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
    avatar_key = (shown, row.anonymous, row.user_id)
    avatar = links.avatars.get(avatar_key)
    if avatar is None:
        avatar = links.avatars[avatar_key] = links.marks.avatar(row, shown)
    classes = f"comment depth-{depth}{mark_classes}"
    note = ""
    actions = []
    if entry.kind == "own-held":
        classes += " comment-held"
        note = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>'
    elif row.level < links.deepest_level:
        name = _escaped(links, shown)
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
        author = _escaped(links, shown)
    return (
        f'<li id="comment-{pk}" class="{classes}">'
        f'<article id="div-comment-{pk}" class="comment-body">'
        f'<footer class="comment-meta">{avatar}<div class="comment-author">'
        f'<b class="fn">{author}</b>{marks} <span class="says">says:</span></div>'
        f'<div class="comment-metadata"><a class="comment-permalink"'
        f' href="{links.page_url}#comment-{pk}">{links.date(row.created)}</a></div></footer>'
        f"{content}{note}{reply}</article>"
    )


def _escaped(links: _Links, shown: str) -> str:
    """The author's name as this reader sees it, escaped (once per author and page)."""
    name = links.names.get(shown)
    if name is None:
        name = links.names[shown] = escape(shown)
    return name


def _date_formatter(zone: tzinfo) -> Callable[[datetime], str]:
    """``<time>`` elements for comment dates in the site's time zone. They show the exact
    date, also in their title: static/js/relative-dates.js shows "3 hours ago" instead,
    so the exact date stays on hover and shows when JavaScript is off."""

    def formatted(moment: datetime) -> str:
        local = moment.astimezone(zone)
        machine = local.isoformat(timespec="seconds")
        shown = display_date(local)
        return f'<time datetime="{machine}" title="{shown}" data-relative>{shown}</time>'

    return formatted


def display_date(moment: datetime) -> str:
    """ "November 9, 2018 at 3:15 pm", as WordPress shows comment dates."""
    hour = moment.hour % 12 or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    day = f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"
    return f"{day} at {hour}:{moment.minute:02d} {meridiem}"
