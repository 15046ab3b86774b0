"""The load test's verdict: what must have happened for a run to pass."""

import ipaddress

import pytest

from bench.load import (
    KINDS,
    KINDS_BY_NAME,
    Ledger,
    Request,
    Stored,
    Write,
    check_run,
    check_writes,
    foreign_held_comments,
    guest_address,
    load_database_url,
    reply_targets,
)
from bench.server import WorkerKill

KILLED = WorkerKill(pid=4321, at=5.0, died_after=0.05, replaced_after=0.1, replaced_by=[4400])


def request(kind="reader", method="GET", started=1.0, status=200, ended=None):
    return Request(f"{kind}-0", kind, method, started, ended or started + 0.1, status)


def busy_ledger() -> Ledger:
    """Every kind answered before and after the kill, every writer with a comment."""
    ledger = Ledger()
    for kind in KINDS:
        ledger.add_request(request(kind.name, started=1.0))
        ledger.add_request(request(kind.name, started=8.0))
        if kind.writes:
            ledger.add_write(Write(f"load test {kind.name}-0 #0", kind.name, f"{kind.name}-0"))
    return ledger


def test_a_busy_run_with_a_real_kill_passes():
    assert check_run(busy_ledger(), KILLED, list(KINDS)) == []


def test_a_run_fails_unless_a_worker_was_killed():
    assert check_run(busy_ledger(), WorkerKill(), list(KINDS)) == [
        "worker kill: no worker was killed"
    ]
    not_replaced = WorkerKill(pid=4321, at=5.0, problems=["the master did not replace it"])
    assert check_run(busy_ledger(), not_replaced, list(KINDS)) == [
        "worker kill: the master did not replace it"
    ]


@pytest.mark.parametrize(
    ("late", "failure"),
    [
        (request(status=502, started=2.0), "reader-0's GET at 2.0 s was answered 502"),
        (request(status=404, started=2.0), "reader-0's GET at 2.0 s was answered 404"),
        (request(status=None, started=2.0), "reader-0's GET at 2.0 s got no answer: "),
        (request(status=None, started=6.5, ended=7.0), "reader-0's GET at 6.5 s got no answer: "),
    ],
    ids=["5xx", "4xx", "no answer before the kill", "no answer after the kill"],
)
def test_a_page_read_must_be_answered_200(late, failure):
    ledger = busy_ledger()
    ledger.add_request(late)

    assert check_run(ledger, KILLED, list(KINDS)) == [failure]


def test_requests_in_flight_at_the_kill_may_go_unanswered():
    ledger = busy_ledger()
    ledger.add_request(request(status=None, started=4.9, ended=5.01))
    ledger.add_request(request("instructor", "POST", status=None, started=4.0, ended=5.2))

    assert check_run(ledger, KILLED, list(KINDS)) == []


def test_every_kind_must_be_served_after_the_kill_and_every_writer_must_write():
    ledger = busy_ledger()
    ledger.requests = [r for r in ledger.requests if not (r.kind == "guest" and r.started > 5)]
    ledger.writes = [w for w in ledger.writes if w.kind != "student"]

    assert check_run(ledger, KILLED, list(KINDS)) == [
        "no guest was answered after the kill",
        "no student sent a comment",
    ]


def test_failures_seen_on_the_way_fail_the_run():
    ledger = busy_ledger()
    ledger.fail("reader-0 was shown held comments of ['guest-1'] at /p/")

    assert check_run(ledger, KILLED, list(KINDS)) == [
        "reader-0 was shown held comments of ['guest-1'] at /p/"
    ]


def sent(kind, *statuses, pk=None):
    """A comment of ``kind`` sent once (or again, after no answer) with these answers."""
    write = Write(f"load test {kind}-0 #0", kind, f"{kind}-0")
    write.attempts = [request(kind, "POST", status=status) for status in statuses]
    write.pk = pk
    return write


def row(kind, pk=7, status=None, author=None):
    expected = KINDS_BY_NAME[kind]
    return Stored(pk, status or expected.status, author or f"{kind}-0", expected.role is not None)


@pytest.mark.parametrize(
    ("write", "rows", "failures"),
    [
        (sent("guest", 302, pk=7), [row("guest")], []),
        (sent("instructor", 302, pk=7), [row("instructor")], []),
        (sent("student", None, 302, pk=7), [row("student")], []),
        (sent("guest", None, 429), [row("guest")], []),
        (sent("instructor", None, 409), [row("instructor")], []),
        (
            sent("guest", 302, pk=7),
            [],
            ["'load test guest-0 #0', acknowledged as 7, is stored 0 times"],
        ),
        (
            sent("guest", 302, pk=7),
            [row("guest"), row("guest", pk=8)],
            ["'load test guest-0 #0', acknowledged as 7, is stored 2 times"],
        ),
        (
            sent("student", 302, pk=7),
            [row("student", pk=9)],
            ["'load test student-0 #0' was acknowledged as 7, stored as 9"],
        ),
        (
            sent("guest", 302, pk=7),
            [row("guest", status="approved")],
            [
                "'load test guest-0 #0' is stored approved by 'guest-0' (member: False), "
                "not pending by 'guest-0'"
            ],
        ),
        (
            sent("student", 302, pk=7),
            [row("student", status="pending")],
            [
                "'load test student-0 #0' is stored pending by 'student-0' (member: True), "
                "not approved by 'student-0'"
            ],
        ),
        (
            sent("student", 429),
            [],
            ["'load test student-0 #0' was refused with 429 and is stored 0 times"],
        ),
        (
            sent("student", 429),
            [row("student")],
            ["'load test student-0 #0' was refused with 429 and is stored 1 times"],
        ),
        (
            sent("guest", None, 429),
            [],
            [
                "'load test guest-0 #0' was cut off, then refused (429) as already there, "
                "and is stored 0 times"
            ],
        ),
        (
            sent("instructor", None, 302, pk=7),
            [row("instructor"), row("instructor", pk=8)],
            ["'load test instructor-0 #0', acknowledged as 7, is stored 2 times"],
        ),
    ],
    ids=[
        "guest held",
        "instructor approved",
        "cut off, sent again, acknowledged",
        "cut off, sent again, refused as a flood",
        "cut off, sent again, refused as a duplicate",
        "acknowledged, lost",
        "acknowledged, stored twice",
        "acknowledged under another id",
        "guest approved",
        "member held",
        "refused",
        "refused, stored anyway",
        "refused as already there, but not there",
        "sent again and stored twice",
    ],
)
def test_every_comment_sent_is_stored_once_as_its_kind_requires(write, rows, failures):
    assert check_writes([write], {write.marker: rows} if rows else {}) == failures


def test_nothing_is_stored_that_was_never_sent():
    assert check_writes([], {"load test guest-5 #2": [row("guest")]}) == [
        "'load test guest-5 #2' is stored but was never sent"
    ]


def test_replies_go_only_to_approved_comments():
    page = (
        '<li id="comment-1" class="comment depth-1">'
        '<li id="comment-2" class="comment depth-2 comment-held">'
        '<li id="comment-3" class="comment depth-1 comment-removed">'
        '<li id="comment-4" class="comment depth-10 post-author">'
    )
    assert reply_targets(page) == ["1", "4"]


def test_held_comments_belong_on_their_authors_pages_only():
    page = "<p>load test guest-1 #0</p><p>load test guest-12 #3</p><p>load test student-2 #0</p>"

    assert foreign_held_comments(page, "guest-1") == {"guest-12"}
    assert foreign_held_comments(page, "reader-0") == {"guest-1", "guest-12"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/postgres",
            "postgres://postgres@127.0.0.1:5432/postgres_loadtest",
        ),
        ("postgres://postgres@127.0.0.1:5432/h3", "postgres://postgres@127.0.0.1:5432/h3_loadtest"),
    ],
)
def test_the_load_test_uses_a_database_of_its_own(url, expected):
    assert load_database_url(url) == expected


def test_each_guest_comment_comes_from_an_address_of_its_own():
    addresses = {guest_address(client, comment) for client in range(20) for comment in range(600)}

    assert len(addresses) == 20 * 600
    assert all(ipaddress.ip_address(address).is_private for address in addresses)
