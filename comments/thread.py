"""A post's discussion as the reader sees it, rendered in one flat pass.

The rows come from one query in tree order (CommentQuerySet.thread_rows). One pass
decides what shows: approved comments, the reader's own held comments (marked as
awaiting moderation), and a "This comment was removed." stand-in for a removed
comment that still holds visible replies, so no reply loses its place. A second
pass writes the nested lists by comparing each row's level with the previous one,
as mptt's ``tree_info`` does; there is no recursion and no per-comment template.

The markup is written here, in Python, rather than in a template loop because a
1,000-comment thread then renders in a few milliseconds instead of tens (the
discussion is the page's hot path). Every value is escaped with ``html.escape``
except ``body_html``, which Comment.save sanitised; tests/comments/test_thread.py
feeds markup through every field to keep it that way.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from html import escape
from typing import NamedTuple

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from comments.models import Comment, DiscussionSettings, ThreadRow

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
    ) -> SafeString:
        return render_entries(
            self.entries,
            page_url=page_url(post, self.page, self.default_page),
            deepest_level=deepest_level,
            editable=editable,
        )


def stream_thread(
    post,
    own_pks: frozenset[int],
    plan: PagePlan,
    *,
    deepest_level: int,
    editable: frozenset[int] = frozenset(),
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
    )
    while piece := "".join(itertools.islice(html, chunk_size * 3)):
        yield piece


def as_page_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def page_url(post, page: int, default_page: int = 1) -> str:
    """The address of one page of a post's discussion (the bare address: the default page)."""
    url = post.get_absolute_url()
    return url if page == default_page else f"{url}?cpage={page}"


def thread_page(comment: Comment, rules: DiscussionSettings | None = None) -> tuple[int, int]:
    """The page of the discussion that holds ``comment``'s thread, and the default page."""
    rules = rules or DiscussionSettings.load()
    if not rules.paginate:
        return 1, 1
    threads = Comment.objects.filter(post_id=comment.post_id, parent__isnull=True).in_discussion()
    if rules.order == rules.Order.NEWEST:
        before = Count("pk", filter=Q(tree_id__gt=comment.tree_id))
    else:
        before = Count("pk", filter=Q(tree_id__lt=comment.tree_id))
    counts = threads.aggregate(before=before, total=Count("pk"))
    page_count = max(1, -(-counts["total"] // rules.threads_per_page))
    default_page = rules.default_page_number(page_count)
    return counts["before"] // rules.threads_per_page + 1, default_page


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
) -> SafeString:
    """The ``<li>`` elements of the top-level ``<ol class="comment-list">``."""
    html = iter_html(entries, page_url=page_url, deepest_level=deepest_level, editable=editable)
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped or pre-sanitised


def iter_html(
    entries: Iterable[Entry],
    *,
    page_url: str,
    deepest_level: int = 9,
    editable: frozenset[int] = frozenset(),
) -> Iterator[str]:
    """The markup of ``entries``, piece by piece.

    Each comment's ``<li id="comment-<pk>">`` contains an ``<ol class="children">``
    with its replies, so the DOM nests as the tree does. Comments at
    ``deepest_level`` get no Reply link; those in ``editable`` get an Edit link.
    """
    page_url = escape(page_url)
    query = "&amp;" if "?" in page_url else "?"
    links = _Links(page_url, f"{page_url}{query}", deepest_level, editable, {})
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
    classes = f"comment depth-{depth}"
    note = ""
    actions = []
    if entry.kind == "own-held":
        classes += " comment-held"
        note = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>'
    elif row.level < links.deepest_level:
        name = links.names.get(row.author_name)
        if name is None:
            name = links.names[row.author_name] = escape(row.author_name)
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
    reply = f'<div class="reply">{" · ".join(actions)}</div>' if actions else ""
    fragment = row.fragment_html.replace(PK_MARK, str(pk)).replace(PAGE_URL_MARK, links.page_url)
    return f'<li id="comment-{pk}" class="{classes}">{fragment}{note}{reply}</article>'


# Stand for the page's address and the comment's id in stored fragments: sanitised
# HTML and the escaped names hold no control characters (and PostgreSQL no NUL), and
# the id is not known before the first save.
PAGE_URL_MARK = "\x02"
PK_MARK = "\x01"
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def comment_fragment(comment: Comment) -> str:
    """The part of a comment's markup that only changes when the comment does.

    Made once, when the comment is saved (Comment.fragment_html), so that serving a
    page only adds the structure and the Reply links. It opens the comment's
    <article> and leaves it open; PAGE_URL_MARK stands for the page's address.
    """
    pk = PK_MARK
    name = escape(CONTROL_CHARACTERS.sub("", comment.author_name))
    if comment.user_id is None and comment.author_url.startswith(("https://", "http://")):
        url = escape(CONTROL_CHARACTERS.sub("", comment.author_url))
        author = f'<a href="{url}" rel="external nofollow ugc" class="url">{name}</a>'
    else:
        author = name
    badge = ""
    if comment.user_id is not None and comment.user_id == comment.post.author_id:
        badge = ' <span class="author-badge">Post author</span>'
    created = timezone.localtime(comment.created)
    return (
        f'<article id="div-comment-{pk}" class="comment-body">'
        f'<footer class="comment-meta"><div class="comment-author"><b class="fn">{author}</b>'
        f'{badge} <span class="says">says:</span></div>'
        f'<div class="comment-metadata"><a href="{PAGE_URL_MARK}#comment-{pk}">'
        f'<time datetime="{created.isoformat(timespec="seconds")}">{display_date(created)}</time>'
        f"</a></div></footer>"
        f'<div class="comment-content">{comment.body_html}</div>'
    )


def display_date(moment: datetime) -> str:
    """ "November 9, 2018 at 3:15 pm", as WordPress shows comment dates."""
    hour = moment.hour % 12 or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    day = f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"
    return f"{day} at {hour}:{moment.minute:02d} {meridiem}"
