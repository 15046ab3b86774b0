"""Reports sent at the same moment, on PostgreSQL: one email per comment, one report per member."""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from comments.models import Report
from tests.factories import make_comment, make_post, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

READERS = 8


def send_together(clients: list[Client], url: str) -> list[int]:
    start = threading.Barrier(len(clients))

    def send(client: Client) -> int:
        start.wait()
        try:
            return client.post(url, {"reason": "spam", "note": ""}).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(send, clients))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_members_reporting_at_once_send_one_email():
    assert connection.vendor == "postgresql"
    comment = make_comment(make_post())
    clients = [logged_in(make_user(f"reader{n}")) for n in range(READERS)]
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    with mock.patch("comments.notifications.comment_reported") as emailed:
        statuses = send_together(clients, url)
    assert statuses == [302] * READERS
    assert Report.objects.filter(comment=comment).count() == READERS
    assert emailed.call_count == 1


def test_one_member_sending_twice_at_once_keeps_one_report():
    comment = make_comment(make_post())
    reader = make_user("reader")
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    with mock.patch("comments.notifications.comment_reported") as emailed:
        statuses = send_together([logged_in(reader), logged_in(reader)], url)
    assert statuses == [302, 302]
    assert Report.objects.filter(comment=comment, reporter=reader).count() == 1
    assert emailed.call_count == 1
