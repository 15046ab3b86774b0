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
from datetime import datetime
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from comments.models import Comment, DiscussionSettings, ThreadRow

APPROVED = Comment.Status.APPROVED.value
PENDING = Comment.Status.PENDING.value
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Entry:
    row: ThreadRow
    kind: str  # "approved", "own-held" or "removed"


@dataclasses.dataclass(frozen=True)
class Thread:
    """One page of a post's discussion, ready to render."""

    entries: list[Entry]
    approved_count: int
    page: int = 1
    page_count: int = 1

    @classmethod
    def for_post(
        cls,
        post,
        own_pks: frozenset[int] = frozenset(),
        *,
        rules: DiscussionSettings | None = None,
        page: int | str | None = 1,
    ) -> Thread:
        """The threads of page ``page`` (a bad or missing page number means the first;
        one past the end, the last), in three queries."""
        rules = rules or DiscussionSettings.load()
        newest_first = rules.order == rules.Order.NEWEST
        tree_ids = None
        page_number, page_count = 1, 1
        if rules.paginate:
            all_ids = Comment.objects.thread_tree_ids(post, own_pks, newest_first=newest_first)
            page_count = max(1, -(-len(all_ids) // rules.threads_per_page))
            page_number = min(max(as_page_number(page), 1), page_count)
            start = (page_number - 1) * rules.threads_per_page
            tree_ids = all_ids[start : start + rules.threads_per_page]
        rows = Comment.objects.thread_rows(
            post, own_pks, tree_ids=tree_ids, newest_first=newest_first
        )
        approved = Comment.objects.filter(post=post).approved().count()
        return cls(visible_entries(rows, own_pks), approved, page_number, page_count)

    def render(
        self,
        *,
        post,
        deepest_level: int,
        editable: frozenset[int] = frozenset(),
    ) -> SafeString:
        return render_entries(
            self.entries,
            page_url=page_url(post, self.page),
            post_author_id=post.author_id,
            deepest_level=deepest_level,
            editable=editable,
        )


def as_page_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def page_url(post, page: int) -> str:
    """The address of one page of a post's discussion."""
    url = post.get_absolute_url()
    return url if page <= 1 else f"{url}?cpage={page}"


def thread_page(comment: Comment, rules: DiscussionSettings | None = None) -> int:
    """The page of the discussion that holds ``comment``'s thread."""
    rules = rules or DiscussionSettings.load()
    if not rules.paginate:
        return 1
    newest_first = rules.order == rules.Order.NEWEST
    earlier = Comment.objects.filter(post_id=comment.post_id, parent__isnull=True).in_discussion()
    if newest_first:
        earlier = earlier.filter(tree_id__gt=comment.tree_id)
    else:
        earlier = earlier.filter(tree_id__lt=comment.tree_id)
    return earlier.count() // rules.threads_per_page + 1


def visible_entries(rows: list[ThreadRow], own_pks: frozenset[int]) -> list[Entry]:
    """Choose what shows, in tree order; stand-ins only where a reply needs one."""
    entries: list[Entry] = []
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
                entries.append(Entry(ancestor[0], "removed"))
                ancestor[1] = True
        entries.append(Entry(row, kind))
        path.append([row, True])
    return entries


def render_entries(
    entries: list[Entry],
    *,
    page_url: str,
    post_author_id: int | None,
    deepest_level: int = 9,
    editable: frozenset[int] = frozenset(),
) -> SafeString:
    """The ``<li>`` elements of the top-level ``<ol class="comment-list">``.

    Each comment's ``<li id="comment-<pk>">`` contains an ``<ol class="children">``
    with its replies, so the DOM nests as the tree does. Comments at
    ``deepest_level`` get no Reply link; those in ``editable`` get an Edit link.
    """
    tz = timezone.get_current_timezone()
    page_url = escape(page_url)
    query = "&amp;" if "?" in page_url else "?"
    links = _Links(page_url, f"{page_url}{query}", deepest_level, editable)
    parts: list[str] = []
    previous_level = -1
    for entry in entries:
        level = entry.row.level
        if level > previous_level:
            if previous_level >= 0:
                parts.append('<ol class="children">')
        else:
            parts.append("</li>")
            parts.append("</ol></li>" * (previous_level - level))
        parts.append(_comment_html(entry, links, post_author_id, tz))
        previous_level = level
    if previous_level >= 0:
        parts.append("</li>" + "</ol></li>" * previous_level)
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped or pre-sanitised


@dataclasses.dataclass(frozen=True)
class _Links:
    page_url: str  # escaped
    reply_prefix: str  # escaped page URL followed by "?" or "&amp;"
    deepest_level: int
    editable: frozenset[int]


def _comment_html(entry: Entry, links: _Links, post_author_id: int | None, tz) -> str:
    row = entry.row
    pk = row.pk
    depth = row.level + 1
    if entry.kind == "removed":
        return (
            f'<li id="comment-{pk}" class="comment depth-{depth} comment-removed">'
            f'<div id="div-comment-{pk}" class="comment-body">'
            '<p class="comment-removed-note">This comment was removed.</p></div>'
        )
    name = escape(row.author_name)
    if row.user_id is None and row.author_url.startswith(("https://", "http://")):
        author = (
            f'<a href="{escape(row.author_url)}" rel="external nofollow ugc" class="url">{name}</a>'
        )
    else:
        author = name
    classes = f"comment depth-{depth}"
    badge = ""
    if row.user_id is not None and row.user_id == post_author_id:
        classes += " bypostauthor"
        badge = ' <span class="author-badge">Post author</span>'
    created = row.created.astimezone(tz)
    note = ""
    actions = []
    if entry.kind == "own-held":
        classes += " comment-held"
        note = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>'
    elif row.level < links.deepest_level:
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
    return (
        f'<li id="comment-{pk}" class="{classes}">'
        f'<article id="div-comment-{pk}" class="comment-body">'
        f'<footer class="comment-meta"><div class="comment-author"><b class="fn">{author}</b>'
        f'{badge} <span class="says">says:</span></div>'
        f'<div class="comment-metadata"><a href="{links.page_url}#comment-{pk}">'
        f'<time datetime="{created.isoformat(timespec="seconds")}">{display_date(created)}</time>'
        f"</a></div>{note}</footer>"
        f'<div class="comment-content">{row.body_html}</div>{reply}</article>'
    )


def display_date(moment: datetime) -> str:
    """ "November 9, 2018 at 3:15 pm", as WordPress shows comment dates."""
    hour = moment.hour % 12 or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    day = f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"
    return f"{day} at {hour}:{moment.minute:02d} {meridiem}"
