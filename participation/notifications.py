"""Email about private feedback and grades, sent once the transaction has committed.

- A post's author hears of feedback and of a grade on their post.
- The instructors who wrote in an exchange hear of the author's answer.

Each recipient's preference (Preferences.email_feedback) is respected. Links lead
to the post's private section through settings.SITE_URL. Sending never fails the
request: a mail server that is down is logged, and what was written stays saved.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from coursblog.text import single_line
from participation.models import Grade, Preferences, PrivateFeedback

logger = logging.getLogger(__name__)

SECTION = "private-feedback"


def section_url(post) -> str:
    return f"{settings.SITE_URL}{post.get_absolute_url()}#{SECTION}"


def _wants_email(users: list[User]) -> list[User]:
    """Those of ``users`` with an address who did not turn feedback email off (one query)."""
    users = [user for user in users if user.email]
    declined = set(
        Preferences.objects.filter(user__in=users, email_feedback=False).values_list(
            "user_id", flat=True
        )
    )
    return [user for user in users if user.pk not in declined]


def _message(template: str, context: dict, recipient: User) -> EmailMessage:
    context = {
        **context,
        "recipient": recipient,
        "preferences_url": f"{settings.SITE_URL}{reverse('participation:preferences')}",
    }
    subject = single_line(render_to_string(f"participation/email/{template}_subject.txt", context))
    body = render_to_string(f"participation/email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def feedback_posted(feedback: PrivateFeedback) -> None:
    """Tell the other side of the exchange, after the transaction commits."""
    transaction.on_commit(lambda: _send(_about_feedback(feedback)), robust=True)


def grade_posted(grade: Grade) -> None:
    transaction.on_commit(lambda: _send(_about_grade(grade)), robust=True)


def _about_feedback(feedback: PrivateFeedback) -> list[EmailMessage]:
    post = feedback.post
    if feedback.author_id == post.author_id:
        # The author answered: the instructors who wrote in this exchange hear of it.
        started = feedback.parent or feedback
        ids = {started.author_id, *started.replies.values_list("author_id", flat=True)}
        ids -= {post.author_id, None}
        recipients = list(User.objects.filter(pk__in=ids))
        template = "answer"
    else:
        recipients = [post.author]
        template = "feedback"
    context = {"feedback": feedback, "post": post, "url": section_url(post)}
    return [_message(template, context, user) for user in _wants_email(recipients)]


def _about_grade(grade: Grade) -> list[EmailMessage]:
    post = grade.post
    context = {"grade": grade, "post": post, "url": section_url(post)}
    return [_message("grade", context, user) for user in _wants_email([post.author])]


def _send(messages: list[EmailMessage]) -> None:
    if not messages:
        return
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception:  # what was written is saved: a mail problem may not fail the request
        logger.exception("Could not send %d feedback email(s)", len(messages))
