"""The course's discussion policy: who may comment, which comments wait, which are refused.

The rules follow WordPress's discussion settings and check_comment(), in its order:
the post's author and the instructors are trusted; a disallowed word sends a
comment to the trash; otherwise a comment is held when every comment must be
approved, when it has too many links, when it contains a moderation word, or when
a guest has no approved comment yet. The actions (approve, spam, trash, restore)
are methods of Comment. Views and the admin call these and decide nothing.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from accounts.roles import is_instructor
from comments.models import Comment, DiscussionSettings
from course import term

# The reader's own comments, so a held comment shows to its author (same session).
OWN_COMMENTS_SESSION_KEY = "comments:own"
OWN_COMMENTS_REMEMBERED = 50
FLOOD_SECONDS = 15
LINK = re.compile(r"<a\s", re.IGNORECASE)


class CommentingClosed(Exception):
    """Nobody may comment on this post now; the message says why."""


class MembersOnly(CommentingClosed):
    """Only logged-in course members may comment."""


class Refused(Exception):
    """A comment refused for how it was sent (too fast, twice); ``code`` says which."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


DUPLICATE = "Duplicate comment detected; it looks as though you've already said that!"
TOO_QUICKLY = "You are posting comments too quickly. Wait a few seconds and send it again."
ADDRESS_CEILING = (
    "Too many comments have come from your network address in the last few minutes. "
    "Please wait a while and send your comment again, or log in if you are in the course."
)


def comments_closed_reason(post, rules: DiscussionSettings) -> str:
    """Why ``post`` takes no comments now, or "" when it does."""
    if not post.is_published:
        return "This post is not published, so it cannot take comments yet."
    if not post.comments_open:
        return "Comments are closed on this post."
    if rules.close_after_days_enabled and post.published_at < timezone.now() - timedelta(
        days=rules.close_after_days
    ):
        return f"Comments close {rules.close_after_days} days after a post is published."
    return ""


def check_can_comment(post, user, rules: DiscussionSettings | None = None) -> None:
    """Raise CommentingClosed (or MembersOnly) unless ``user`` may comment on ``post``."""
    rules = rules or DiscussionSettings.load()
    if reason := comments_closed_reason(post, rules) or term.locked_reason(user):
        raise CommentingClosed(reason)
    if rules.who_can_comment == rules.WhoCanComment.MEMBERS and not user.is_authenticated:
        raise MembersOnly("Only course members can comment here. Log in to join the discussion.")


def can_reply_to(parent: Comment) -> bool:
    """Replies go only under approved comments, as in WordPress."""
    return parent.status == Comment.Status.APPROVED


def reply_parent(parent: Comment | None, rules: DiscussionSettings) -> Comment | None:
    """Where a reply to ``parent`` goes: a reply to a comment at the deepest level
    attaches beside it, at that level (WordPress's thread depth)."""
    while parent is not None and parent.level >= rules.deepest_level:
        parent = parent.parent
    return parent


@dataclasses.dataclass(frozen=True)
class Verdict:
    status: str
    reason: str  # why the comment was held or trashed, for the instructor


def judge(comment: Comment, rules: DiscussionSettings) -> Verdict:
    """The status a new (or edited) comment gets, and why."""
    approved = Comment.Status.APPROVED
    if comment.user_id is not None and (
        comment.user_id == comment.post.author_id or is_instructor(comment.user)
    ):
        return Verdict(approved, "")
    if word := matching_word(rules.disallowed_words, comment):
        return Verdict(Comment.Status.TRASH, f"it contains the disallowed word “{word}”")
    if rules.hold_all:
        return Verdict(Comment.Status.PENDING, "every comment waits for approval")
    links = len(LINK.findall(comment.body_html or ""))
    if rules.hold_link_count and links >= rules.hold_link_count:
        return Verdict(Comment.Status.PENDING, f"it has {links} links")
    if word := matching_word(rules.moderation_words, comment):
        return Verdict(Comment.Status.PENDING, f"it contains the moderation word “{word}”")
    guest = comment.user_id is None
    if guest and rules.require_previous_approval and not previously_approved(comment):
        return Verdict(Comment.Status.PENDING, "it is this guest's first comment")
    return Verdict(approved, "")


def apply_verdict(comment: Comment, rules: DiscussionSettings) -> Verdict:
    """Render ``comment``'s body (the link count reads it), judge it, and give it the
    verdict's status and reason, unsaved: every path that writes a comment calls this."""
    comment.render_body()
    verdict = judge(comment, rules)
    comment.status, comment.held_reason = verdict.status, verdict.reason
    return verdict


def matching_word(words: str, comment: Comment) -> str:
    """The first of ``words`` (one per line) found in any field of the comment, or ""."""
    haystack = "\n".join(
        str(value or "").casefold()
        for value in (
            comment.author_name,
            comment.author_email,
            comment.author_url,
            comment.body,
            comment.ip_address,
            comment.user_agent,
        )
    )
    for line in words.splitlines():
        word = line.strip()
        if word and word.casefold() in haystack:
            return word
    return ""


def previously_approved(comment: Comment) -> bool:
    """WordPress's "comment author must have a previously approved comment".

    Only guest comments count, so typing a member's name and email earns a guest
    nothing, even once the member's account is gone.
    """
    return Comment.objects.filter(
        by_member=False,
        author_name=comment.author_name,
        author_email__iexact=comment.author_email,
        status=Comment.Status.APPROVED,
    ).exists()


def commenter_keys(comment: Comment) -> list[str]:
    """What identifies the comment's author for the pace rules, as lock keys: a member
    by account; a guest by email and by network address."""
    if comment.user_id is not None:
        return [f"user:{comment.user_id}"]
    keys = [f"email:{comment.author_email.casefold()}"]
    if comment.ip_address:
        keys.append(f"ip:{comment.ip_address}")
    return keys


def check_pace(comment: Comment) -> None:
    """Raise Refused if the comment repeats one, comes too soon after the author's
    last, or its guest's address has sent too many lately; in that order, as
    WordPress checks duplicates before flooding.

    Call it holding the author's lock (comments.tree.lock_commenters) in the
    transaction that saves the comment, so simultaneous sends cannot all pass.
    """
    if is_duplicate(comment):
        raise Refused(DUPLICATE, "duplicate")
    if is_flooding(comment):
        raise Refused(TOO_QUICKLY, "flood")
    if over_address_ceiling(comment):
        raise Refused(ADDRESS_CEILING, "address_ceiling")


def is_flooding(comment: Comment) -> bool:
    """The same person commented less than FLOOD_SECONDS ago (instructors never flood).

    A member is known by their account; a guest by IP address and email together,
    so classmates behind one school address do not block each other (the address
    as a whole has its own ceiling, over_address_ceiling).
    """
    if comment.user_id is not None and is_instructor(comment.user):
        return False
    recent = Comment.objects.filter(created__gte=timezone.now() - timedelta(seconds=FLOOD_SECONDS))
    if comment.user_id is not None:
        return recent.filter(user_id=comment.user_id).exists()
    return recent.filter(
        user__isnull=True, ip_address=comment.ip_address, author_email__iexact=comment.author_email
    ).exists()


def over_address_ceiling(comment: Comment) -> bool:
    """A guest's network address has sent GUEST_COMMENTS_PER_ADDRESS comments within
    GUEST_COMMENTS_PER_ADDRESS_MINUTES (whatever names and emails they gave).
    Members and instructors are never held to it."""
    limit = settings.GUEST_COMMENTS_PER_ADDRESS
    if comment.user_id is not None or not comment.ip_address or limit <= 0:
        return False
    since = timezone.now() - timedelta(minutes=settings.GUEST_COMMENTS_PER_ADDRESS_MINUTES)
    recent = Comment.objects.filter(
        user__isnull=True, by_member=False, ip_address=comment.ip_address, created__gte=since
    )
    return recent.count() >= limit


def is_duplicate(comment: Comment) -> bool:
    """The same author already said exactly this in the same place (not counting trash)."""
    same_place = Comment.objects.filter(
        post_id=comment.post_id, parent_id=comment.parent_id, body=comment.body
    ).exclude(status=Comment.Status.TRASH)
    if comment.user_id is not None:
        return same_place.filter(user_id=comment.user_id).exists()
    return same_place.filter(user__isnull=True, author_email__iexact=comment.author_email).exists()


def remember_own_comment(session: SessionBase, comment: Comment) -> None:
    """Note a comment as the reader's own, by post ({"post id": [comment ids]})."""
    own = session.get(OWN_COMMENTS_SESSION_KEY)
    own = own if isinstance(own, dict) else {}
    key = str(comment.post_id)
    pks = [pk for pk in own.get(key, []) if pk != comment.pk]
    own[key] = [*pks, comment.pk][-OWN_COMMENTS_REMEMBERED:]
    session[OWN_COMMENTS_SESSION_KEY] = own


def own_comment_pks(session: SessionBase, post_id: int) -> frozenset[int]:
    """The reader's own comments on one post (their session's)."""
    own = session.get(OWN_COMMENTS_SESSION_KEY)
    return frozenset(own.get(str(post_id), ())) if isinstance(own, dict) else frozenset()


def can_change_own_comment(comment: Comment, user, session: SessionBase, rules) -> bool:
    """A commenter edits or deletes their comment within the edit window: a member by
    account, a guest by the session that posted it."""
    if timezone.now() - comment.created > timedelta(minutes=rules.edit_window_minutes):
        return False
    if term.locked_reason(user):
        return False
    if comment.status in (Comment.Status.SPAM, Comment.Status.TRASH):
        return False
    if comment.user_id is not None:
        return user.is_authenticated and user.pk == comment.user_id
    return comment.pk in own_comment_pks(session, comment.post_id)


def held_comment_count() -> int:
    return Comment.objects.held().count()
