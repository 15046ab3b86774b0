"""Email about the discussion, sent once the comment's transaction has committed.

- The post's author hears of each new approved comment on their post.
- The instructors hear of each held comment, with signed links to approve it,
  mark it as spam or trash it (each opens a page that acts on POST).
- The instructors hear of a reported comment once, with the member's reason, when
  its first report comes in (comments/reports.py).
- A commenter who ticked "Notify me of replies" hears of each approved reply in
  the thread under their comment; every such email has a signed unsubscribe link
  (and RFC 8058 one-click headers).

Links use settings.SITE_URL. Mail goes through Django's email backend: the console
in development, SMTP in production.
"""

from __future__ import annotations

import logging
from datetime import UTC

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import people
from accounts.models import User
from accounts.roles import instructors_q
from comments.models import Comment, DiscussionSettings
from coursblog.html import plain_text
from coursblog.text import single_line
from course import visibility

logger = logging.getLogger(__name__)

MODERATION_SALT = "comments.moderate-from-email"
MODERATION_LINK_DAYS = 7
UNSUBSCRIBE_SALT = "comments.unsubscribe"
MODERATION_ACTIONS = {"approve": "Approve", "spam": "Mark as spam", "trash": "Move to trash"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def moderation_url(comment: Comment, action: str, instructor: User) -> str:
    """A signed link that acts once, on the comment as it is now: it carries the
    comment's moderation state, and stops working when that state moves."""
    claim = {"c": comment.pk, "a": action, "u": instructor.pk, "s": moderation_state(comment)}
    token = signing.dumps(claim, salt=MODERATION_SALT)
    return absolute(reverse("comments:moderate", kwargs={"token": token}))


def moderation_state(comment: Comment) -> str:
    """The comment's status and when it was last moderated: what a link was sent for."""
    when = comment.moderated_at
    return f"{comment.status}@{when.astimezone(UTC).isoformat() if when else 'never'}"


def read_moderation_token(token: str) -> dict:
    """The comment, action and instructor a moderation link names. Raises BadSignature."""
    return signing.loads(token, salt=MODERATION_SALT, max_age=MODERATION_LINK_DAYS * 86400)


def unsubscribe_url(comment: Comment) -> str:
    token = signing.dumps(
        {"c": comment.pk, "e": comment.author_email.lower()}, salt=UNSUBSCRIBE_SALT
    )
    return absolute(reverse("comments:unsubscribe", kwargs={"token": token}))


def read_unsubscribe_token(token: str) -> dict:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def comment_posted(comment: Comment, reason: str = "") -> None:
    """A new comment was saved: tell whoever should hear of it."""
    if comment.status == Comment.Status.PENDING:
        _tell_instructors(comment, reason)
    elif comment.status == Comment.Status.APPROVED:
        comment_approved(comment)


def on_comment_published(sender, comment: Comment, **kwargs) -> None:
    """Receiver of comments.models.comment_published (a held comment was approved)."""
    comment_approved(comment)


def comment_approved(comment: Comment) -> None:
    """A comment became public: its post's author and the thread's subscribers hear of it."""
    rules = DiscussionSettings.load()
    messages = []
    if rules.notify_post_author:
        messages += _for_post_author(comment)
    messages += _for_subscribers(comment)
    _send(messages)


def _excerpt(comment: Comment) -> str:
    text = plain_text(comment.body_html)
    return text if len(text) <= 600 else text[:600].rsplit(" ", 1)[0] + " …"


def _context(comment: Comment, *, reader, **extra) -> dict:
    """What an email about ``comment`` says to ``reader`` (a member, or None for a
    guest): the author's name as that reader may see it (accounts/people.py)."""
    identities = reader is not None and people.sees_identities(reader)
    return {
        "comment": comment,
        "author_name": people.comment_author_name(comment, identities),
        "post": comment.post,
        "excerpt": _excerpt(comment),
        "comment_url": absolute(comment.get_absolute_url()),
        **extra,
    }


def _message(template: str, context: dict, to: list[str], headers=None) -> EmailMessage:
    # A header is one line: whatever a title or a name holds, the subject cannot break it.
    subject = single_line(render_to_string(f"comments/email/{template}_subject.txt", context))
    body = render_to_string(f"comments/email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, to=to, headers=headers or {})


def _for_post_author(comment: Comment) -> list[EmailMessage]:
    author = comment.post.author
    if not author.email or comment.user_id == author.pk:
        return []
    context = _context(comment, reader=author, recipient=author)
    return [_message("new_comment", context, [author.email])]


def _for_subscribers(comment: Comment) -> list[EmailMessage]:
    """One email per address that asked to hear of replies above this comment."""
    seen = {comment.author_email.lower(), ""}
    if comment.post.author.email:
        seen.add(comment.post.author.email.lower())  # already told as the post's author
    messages = []
    ancestors = comment.get_ancestors(ascending=True).filter(
        notify_replies=True, status=Comment.Status.APPROVED
    )
    for subscription in ancestors.select_related("user"):
        address = subscription.author_email.lower()
        if address in seen:
            continue
        seen.add(address)
        reader = subscription.user if subscription.user_id else AnonymousUser()
        if not visibility.may_read(reader, comment.post):
            continue  # the post is no longer theirs to read: nothing of it by email
        url = unsubscribe_url(subscription)
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        context = _context(
            comment,
            reader=subscription.user,
            subscription=subscription,
            unsubscribe_url=url,
        )
        messages.append(_message("reply", context, [subscription.author_email], headers))
    return messages


def instructors() -> list[User]:
    """The course's instructors who have an email address."""
    return list(User.objects.filter(instructors_q()).exclude(email="").distinct())


def _tell_instructors(comment: Comment, reason: str) -> None:
    if not DiscussionSettings.load().notify_instructors:
        return
    messages = []
    for instructor in instructors():
        links = {
            action: moderation_url(comment, action, instructor) for action in MODERATION_ACTIONS
        }
        context = _context(
            comment, reader=instructor, reason=reason, links=links, recipient=instructor
        )
        messages.append(_message("held", context, [instructor.email]))
    _send(messages)


def comment_reported(report) -> None:
    """A member reported a comment no one else had: each instructor hears of it once.
    The reporter's name is for the instructors' eyes only (this email, the desk)."""
    comment = report.comment
    desk = absolute(reverse("admin:comments_report_changelist"))
    messages = []
    for instructor in instructors():
        if instructor.pk == report.reporter_id:
            continue  # an instructor who reported knows
        context = _context(
            comment,
            reader=instructor,
            report=report,
            reporter_name=report.reporter.display_name,
            desk_url=desk,
            recipient=instructor,
        )
        messages.append(_message("reported", context, [instructor.email]))
    _send(messages)


def _send(messages: list[EmailMessage]) -> None:
    if not messages:
        return
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception:  # the comment is saved: no mail problem may fail the request or lose it
        logger.exception("Could not send %d discussion email(s)", len(messages))
