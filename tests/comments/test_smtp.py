"""Email really leaves through SMTP: a server on 127.0.0.1 receives the instructors' email."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse

from comments.forms import issue_stamp
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://blog.example.edu"
    yield inbox
    controller.stop()


def test_a_held_comment_reaches_the_instructor_over_smtp(
    client, post, instructor, smtp_server, django_capture_on_commit_callbacks
):
    data = {
        "name": "Maya",
        "email": "maya@example.edu",
        "body": "Over the wire.",
        "issued": issue_stamp(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(post.get_absolute_url(), data).status_code == 302

    [(recipients, message)] = smtp_server.messages
    assert recipients == [instructor.email]
    assert message["Subject"].strip() == f"Please moderate: “{post.title}”"  # folded header
    body = message.get_content()
    assert "Over the wire." in body
    assert "Approve it: https://blog.example.edu/comments/moderate/" in body


def test_a_reported_comment_reaches_the_instructor_once_over_smtp(
    post, instructor, smtp_server, django_capture_on_commit_callbacks
):
    comment = make_comment(post, body="Reported over the wire.")
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    for name in ("ana", "ben"):
        reader = Client()
        reader.force_login(make_user(name))
        with django_capture_on_commit_callbacks(execute=True):
            assert reader.post(url, {"reason": "spam", "note": ""}).status_code == 302

    [(recipients, message)] = smtp_server.messages  # one email per comment, not per report
    assert recipients == [instructor.email]
    assert message["Subject"].strip() == f"A comment on “{post.title}” was reported"
    body = message.get_content()
    assert "Reason: Spam" in body
    assert "Reported over the wire." in body
    assert "https://blog.example.edu/admin/comments/report/" in body
