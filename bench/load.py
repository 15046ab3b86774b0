"""Load and fault test: every kind of reader and writer on gunicorn and PostgreSQL, one
worker killed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make load-test
    .venv/bin/python -m bench.load --seconds 30 --clients 16      # the full run

It makes a database of its own next to DATABASE_URL's (its name plus "_loadtest"),
serves it with gunicorn in the production configuration and runs four kinds of
client, taken in turn (``--clients 4`` runs one of each):

- anonymous readers: no login and no session, so they get the anonymous page cache;
- guest writers: no login; each comment under a new name and email and from an
  address of its own (X-Forwarded-For, the load test playing the trusted proxy),
  so neither the flood rule (an address and an email) nor a ceiling per address
  counts different people as one, and every comment is a first one, held for
  moderation and shown to its author alone;
- instructors: logged in, approved at once and never flooding: the write load;
- students: logged in, approved at once, one comment per flood interval.

Writers read the post page and post through its real form (the CSRF token, and the
signed issued stamp once it is older than COMMENT_FORM_MIN_SECONDS): replies to
comments they see, and new threads. Halfway through, one gunicorn worker is sent
SIGKILL. The run fails, naming each failure, unless:

- the pid was a worker of this server, it died, and the master replaced it;
- no request went unanswered except those in flight at the kill, no page read got
  anything but a 200 (never a 5xx), every kind of client sent its requests and
  was answered after the kill;
- every comment sent is stored exactly once, by its author, with the status its
  kind gets (guests' held, members' approved), and was acknowledged with that id.
  A comment whose answer the kill cut off is sent again, as a person would: that
  must be acknowledged, or refused as already there (duplicate or flood) because
  the first sending was stored. Nothing is stored that was never sent, no
  comment is half-written and ``check_comment_trees`` finds nothing;
- nobody but its author ever saw a held comment, its author always did, and no
  anonymous reader was given a session.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import io
import json
import math
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from bench.server import Gunicorn, WorkerKill

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "load-test-passphrase"  # noqa: S105 - throwaway accounts on a throwaway database
RESULTS = ROOT / "bench" / "results" / "load-latest.json"
MARKER = "load test "
THREAD_DEPTH = 10
# A request that failed for want of an answer is the kill's doing if it was sent before
# the kill (or this soon after, while the dead worker's sockets were being closed).
KILL_GRACE_SECONDS = 1.0
WRITE_SHARE = 0.3  # of a writer's turns, once its form may be sent
# How the server refuses a comment sent again once the first sending was stored:
# as a duplicate, or (for guests and students) as a flood.
REFUSED_AS_ALREADY_SENT = {409, 429}


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    role: str | None  # "instructor" or "student" for a logged-in member; None for a guest
    writes: bool
    status: str = ""  # what its comments must be stored as
    flood_limited: bool = False


KINDS = (
    Kind("reader", role=None, writes=False),
    Kind("guest", role=None, writes=True, status="pending"),
    Kind("instructor", role="instructor", writes=True, status="approved"),
    Kind("student", role="student", writes=True, status="approved", flood_limited=True),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


@dataclasses.dataclass
class Request:
    """One request and what came of it: a status, or no answer at all (an error)."""

    client: str
    kind: str
    method: str
    started: float  # time.monotonic()
    ended: float
    status: int | None
    error: str = ""


@dataclasses.dataclass
class Write:
    """A comment a client sent (its body is unique): once, or twice when the kill cut off
    the first answer and the client sent it again, as a person would."""

    marker: str
    kind: str
    author: str  # the member's username, or the guest's email
    attempts: list[Request] = dataclasses.field(default_factory=list)
    pk: int | None = None  # the id the acknowledgement named

    @property
    def acknowledged(self) -> bool:
        return self.pk is not None

    @property
    def cut_off(self) -> bool:
        return bool(self.attempts) and self.attempts[0].status is None


@dataclasses.dataclass(frozen=True)
class Stored:
    """A comment in the database with a load-test body."""

    pk: int
    status: str
    author: str  # the member's username, or the guest's email
    by_member: bool


class Ledger:
    """What every client did and saw, recorded from their threads."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.writes: list[Write] = []
        self.failures: list[str] = []  # seen on the way: a leak, a login that failed…
        self._lock = threading.Lock()

    def add_request(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def add_write(self, write: Write) -> None:
        with self._lock:
            self.writes.append(write)

    def fail(self, message: str) -> None:
        with self._lock:
            self.failures.append(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--clients", type=int, default=16, help=f"at least {len(KINDS)}: one of each kind"
    )
    options = parser.parse_args()
    if options.clients < len(KINDS):
        parser.error(f"--clients must be at least {len(KINDS)}, one of each kind")

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The load test needs PostgreSQL: set DATABASE_URL=postgres://…")
    database_url = fresh_database(base_url)
    env = {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(ROOT / "var" / "load-static"),
        "STATIC_MANIFEST": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        # The load test plays the proxy in front, so each guest can have an address of its own.
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
    import django

    django.setup()
    kinds = [KINDS[number % len(KINDS)] for number in range(options.clients)]
    post_url = prepare(kinds)

    with Gunicorn(env) as server:
        ledger, kill, elapsed = run_clients(server, post_url, kinds, options.seconds)
        server_log = list(server.log)
    stored = stored_comments()
    failures = check_run(ledger, kill, kinds) + check_writes(ledger.writes, stored)
    failures += check_database()
    report = summary(ledger, kill, kinds, elapsed, server.workers, stored, failures)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({**report, "server_log": server_log[-50:]}, indent=2))
    print_report(report)
    return 1 if failures else 0


def load_database_url(base_url: str) -> str:
    """DATABASE_URL with the load test's own database: its name plus "_loadtest"."""
    parts = urlsplit(base_url)
    name = parts.path.strip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_loadtest"))


def fresh_database(base_url: str) -> str:
    """Create the load test's database afresh (through the server's "postgres" database,
    so DATABASE_URL's own need not exist)."""
    url = load_database_url(base_url)
    name = urlsplit(url).path.strip("/")
    server = urlsplit(base_url.replace("postgres://", "postgresql://", 1))
    with psycopg.connect(urlunsplit(server._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return url


def prepare(kinds: list[Kind]) -> str:
    """The demo course, deep threads, and an account for each member client."""
    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import make_instructor, make_student
    from comments.models import DiscussionSettings
    from posts.models import Post

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rules = DiscussionSettings.load()
    rules.thread_depth = THREAD_DEPTH
    rules.save()
    for number, kind in enumerate(kinds):
        if kind.role is not None:
            name = client_name(kind, number)
            user = User.objects.create_user(name, f"{name}@example.edu", PASSWORD)
            (make_instructor if kind.role == "instructor" else make_student)(user)
    return Post.objects.get().get_absolute_url()


def client_name(kind: Kind, number: int) -> str:
    return f"{kind.name}-{number}"


def run_clients(
    server, post_url: str, kinds: list[Kind], seconds: int
) -> tuple[Ledger, WorkerKill, float]:
    from django.conf import settings

    from comments.moderation import FLOOD_SECONDS

    ledger = Ledger()
    clients = [
        LoadClient(
            kind,
            client_name(kind, number),
            server.url,
            post_url,
            ledger,
            seed=number,
            form_min_seconds=settings.COMMENT_FORM_MIN_SECONDS,
            flood_seconds=FLOOD_SECONDS,
        )
        for number, kind in enumerate(kinds)
    ]
    # The clock starts once every client has logged in and read the page, so a slow
    # start costs no client its turn to write.
    clock = {}
    ready = threading.Barrier(
        len(clients) + 1, action=lambda: clock.update(began=time.monotonic()), timeout=120
    )
    threads = [
        threading.Thread(target=client.run, args=(ready, clock, seconds)) for client in clients
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    began = clock["began"]
    time.sleep(max(0.0, began + seconds / 2 - time.monotonic()))
    kill = server.kill_worker()
    for thread in threads:
        thread.join()
    for client in clients:
        client.finish(settings.SESSION_COOKIE_NAME)
    if kill.at is not None:
        kill.at -= began  # seconds into the run, as every request's times
    for request in ledger.requests:
        request.started -= began
        request.ended -= began
    return ledger, kill, time.monotonic() - began


COMMENT_ITEM = re.compile(r'<li id="comment-(\d+)" class="([^"]*)"')
COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ISSUED_FIELD = re.compile(r'name="issued" value="([^"]+)"')
GUEST_MARKER = re.compile(re.escape(MARKER) + r"(guest-\d+) #")


def reply_targets(page: str) -> list[str]:
    """The comments on a page that take replies: approved ones, not the reader's held
    comments and not removed ones."""
    return [
        pk
        for pk, classes in COMMENT_ITEM.findall(page)
        if not {"comment-held", "comment-removed"} & set(classes.split())
    ]


def guest_address(client: int, comment: int) -> str:
    """A private address for each guest comment, so neither the flood rule (an address
    and an email) nor a ceiling per address counts different people as one."""
    return f"10.{client % 256}.{comment // 250 % 256}.{comment % 250 + 1}"


def foreign_held_comments(page: str, reader: str) -> set[str]:
    """Guests whose comments (all held) show on a page ``reader`` was given."""
    return set(GUEST_MARKER.findall(page)) - {reader}


class LoadClient:
    """One person: reads the post page and, unless a reader, comments on it."""

    def __init__(
        self,
        kind: Kind,
        name: str,
        base: str,
        post_url: str,
        ledger: Ledger,
        *,
        seed: int,
        form_min_seconds: float,
        flood_seconds: float,
    ) -> None:
        self.kind, self.name, self.base, self.post_url = kind, name, base, post_url
        self.number = seed
        self.ledger = ledger
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.page = ""
        # Each issued stamp seen, with when it arrived: a person types for a while.
        self.stamps: dict[str, float] = {}
        self.form_min_seconds = form_min_seconds
        self.pause = flood_seconds + 1 if kind.flood_limited else 0
        self.next_write = 0.0
        self.sent = 0

    def run(self, ready: threading.Barrier, clock: dict, seconds: float) -> None:
        """Log in (members) and read the page, wait for every client, then go on until
        ``seconds`` after the start."""
        started = (self.kind.role is None or self.log_in()) and self.read(self.post_url)
        ready.wait()
        if not started:
            self.ledger.fail(f"{self.name} could not start")
            return
        deadline = clock["began"] + seconds
        while time.monotonic() < deadline:
            stamp = self.ripe_stamp() if self.kind.writes else None
            turn = self.sent == 0 or self.rng.random() < WRITE_SHARE  # the first as soon as may be
            if stamp and time.monotonic() >= self.next_write and turn:
                self.write(stamp)
            else:
                self.read(self.post_url)

    def finish(self, session_cookie: str) -> None:
        if not self.kind.writes and session_cookie in self.session.cookies:
            self.ledger.fail(f"{self.name}, an anonymous reader, was given a session")
        self.session.close()

    def send(self, method: str, url: str, **kwargs) -> tuple[Request, requests.Response | None]:
        """The request, recorded in the ledger, and its response (None: no answer)."""
        began, response, error = time.monotonic(), None, ""
        try:
            response = self.session.request(
                method, self.base + url, timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException as failure:
            error = repr(failure)[:200]
        status = response.status_code if response is not None else None
        request = Request(self.name, self.kind.name, method, began, time.monotonic(), status, error)
        self.ledger.add_request(request)
        return request, response

    def read(self, url: str) -> str | None:
        _, response = self.send("GET", url)
        if response is None or response.status_code != 200:
            return None
        page = response.text
        if leaked := foreign_held_comments(page, self.name):
            self.ledger.fail(f"{self.name} was shown held comments of {sorted(leaked)} at {url}")
        if url == self.post_url:
            self.page = page
            if (issued := ISSUED_FIELD.search(page)) is not None:
                self.stamps.setdefault(issued.group(1), time.monotonic())
        return page

    def ripe_stamp(self) -> str | None:
        """The newest issued stamp that arrived long enough ago to be sent."""
        if not self.stamps:
            return None
        ripe = time.monotonic() - self.form_min_seconds - 0.5
        ready = [(arrived, stamp) for stamp, arrived in self.stamps.items() if arrived <= ripe]
        if not ready:
            return None
        newest = max(ready)
        self.stamps = {s: arrived for s, arrived in self.stamps.items() if arrived >= newest[0]}
        return newest[1]

    def log_in(self) -> bool:
        _, page = self.send("GET", "/accounts/login/")
        token = CSRF_FIELD.search(page.text) if page is not None else None
        response = None
        if token is not None:
            _, response = self.send(
                "POST",
                "/accounts/login/",
                data={"login": self.name, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
                headers={"Referer": f"{self.base}/accounts/login/"},
            )
        return response is not None and response.status_code == 302

    def write(self, stamp: str) -> None:
        targets = reply_targets(self.page)
        parent = self.rng.choice(targets) if targets and self.rng.random() < 0.7 else ""
        token = CSRF_FIELD.search(self.page)
        marker = f"{MARKER}{self.name} #{self.sent}"
        data = {
            "body": marker,
            "parent": parent,
            "issued": stamp,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        author = self.name
        headers = {}
        if self.kind.role is None:  # a guest: a new person, from an address of their own
            author = f"{self.name}.{self.sent}@example.org"
            data.update(name=f"Guest {self.name} {self.sent}", email=author)
            headers["X-Forwarded-For"] = guest_address(self.number, self.sent)
        self.sent += 1
        write = Write(marker, self.kind.name, author)
        self.ledger.add_write(write)
        request, response = self.send("POST", self.post_url, data=data, headers=headers)
        write.attempts.append(request)
        if request.status is None:  # the kill cut the answer off: send it again
            request, response = self.send("POST", self.post_url, data=data, headers=headers)
            write.attempts.append(request)
        self.next_write = time.monotonic() + self.pause
        location = response.headers.get("Location", "") if response is not None else ""
        if request.status == 302 and (anchor := COMMENT_ANCHOR.search(location)):
            write.pk = int(anchor.group(1))
            if self.kind.role is None:
                self.check_own_held_comment(location, write.pk)

    def check_own_held_comment(self, location: str, pk: int) -> None:
        """Its author sees a held comment where the acknowledgement pointed."""
        url = urlsplit(location)
        page = self.read(urlunsplit(("", "", url.path, url.query, "")))
        if page is None:
            return  # counted as a failed read
        shown = re.search(rf'<li id="comment-{pk}" class="[^"]*\bcomment-held\b', page)
        if not shown or "awaiting moderation" not in page:
            self.ledger.fail(f"{self.name} was not shown their held comment {pk} at {location}")


def in_flight_at_kill(request: Request, kill: WorkerKill) -> bool:
    """Was this request sent before the kill and still waiting for its answer then?"""
    return (
        kill.at is not None
        and request.started <= kill.at + KILL_GRACE_SECONDS
        and request.ended >= kill.at
    )


def check_run(ledger: Ledger, kill: WorkerKill, kinds: list[Kind]) -> list[str]:
    """What went wrong, as the clients and /proc saw it (the database is checked apart)."""
    failures = [f"worker kill: {problem}" for problem in kill.problems]
    if kill.at is None and not kill.problems:
        failures.append("worker kill: no worker was killed")
    failures += ledger.failures
    for request in ledger.requests:
        where = f"{request.client}'s {request.method} at {request.started:.1f} s"
        if request.status is None:
            if not in_flight_at_kill(request, kill):
                failures.append(f"{where} got no answer: {request.error}")
        elif request.method == "GET" and request.status != 200:
            failures.append(f"{where} was answered {request.status}")
    for kind in dict.fromkeys(kinds):
        answered_after = any(
            r.kind == kind.name and r.status is not None and r.started > kill.at
            for r in ledger.requests
            if kill.at is not None
        )
        if kill.at is not None and not answered_after:
            failures.append(f"no {kind.name} was answered after the kill")
        if kind.writes and not any(w.kind == kind.name for w in ledger.writes):
            failures.append(f"no {kind.name} sent a comment")
    return failures


def check_writes(writes: list[Write], stored: dict[str, list[Stored]]) -> list[str]:
    """Every comment sent against what the database holds, by its unique body.

    Each must be stored exactly once, by its author, with its kind's status, and be
    acknowledged under that id; only a comment the kill cut off may instead have
    been refused when sent again, since its first sending was the one stored.
    """
    failures = []
    for write in writes:
        rows = stored.get(write.marker, [])
        last = write.attempts[-1]
        if write.acknowledged:
            if len(rows) != 1:
                failures.append(
                    f"{write.marker!r}, acknowledged as {write.pk}, is stored {len(rows)} times"
                )
            elif rows[0].pk != write.pk:
                failures.append(
                    f"{write.marker!r} was acknowledged as {write.pk}, stored as {rows[0].pk}"
                )
        elif write.cut_off and last.status in REFUSED_AS_ALREADY_SENT:
            if len(rows) != 1:
                failures.append(
                    f"{write.marker!r} was cut off, then refused ({last.status}) as already "
                    f"there, and is stored {len(rows)} times"
                )
        else:
            answer = f"refused with {last.status}" if last.status else "never answered"
            failures.append(f"{write.marker!r} was {answer} and is stored {len(rows)} times")
        expected = KINDS_BY_NAME[write.kind]
        for row in rows[:1]:
            if (row.status, row.author, row.by_member) != (
                expected.status,
                write.author,
                expected.role is not None,
            ):
                failures.append(
                    f"{write.marker!r} is stored {row.status} by {row.author!r} (member: "
                    f"{row.by_member}), not {expected.status} by {write.author!r}"
                )
    sent = {write.marker for write in writes}
    failures += [
        f"{marker!r} is stored but was never sent" for marker in stored if marker not in sent
    ]
    return failures


def stored_comments() -> dict[str, list[Stored]]:
    """The load test's comments in the database, by body."""
    from django.db import connections

    from comments.models import Comment

    connections.close_all()
    stored = collections.defaultdict(list)
    rows = Comment.objects.filter(body__startswith=MARKER).values_list(
        "body", "pk", "status", "user__username", "author_email", "by_member"
    )
    for body, pk, status, username, email, by_member in rows.order_by("pk"):
        stored[body].append(Stored(pk, status, username or email, by_member))
    return dict(stored)


def check_database() -> list[str]:
    """No comment half-written, and every comment tree sound."""
    from django.core.management import CommandError, call_command

    from comments.models import Comment

    failures = []
    half_written = Comment.objects.filter(body_html="") | Comment.objects.filter(fragment_html="")
    if count := half_written.count():
        failures.append(f"{count} comment(s) half-written (no body_html or fragment_html)")
    output = io.StringIO()
    try:
        call_command("check_comment_trees", stdout=output)
    except CommandError as error:
        failures.append(f"check_comment_trees: {error} {output.getvalue().strip()[:500]}")
    return failures


def summary(
    ledger: Ledger,
    kill: WorkerKill,
    kinds: list[Kind],
    elapsed: float,
    workers: int,
    stored: dict[str, list[Stored]],
    failures: list[str],
) -> dict:
    by_kind = {}
    for kind in dict.fromkeys(kinds):
        reads = [r for r in ledger.requests if r.kind == kind.name and r.method == "GET"]
        answered = sorted((r.ended - r.started) * 1000 for r in reads if r.status == 200)
        writes = [w for w in ledger.writes if w.kind == kind.name]
        by_kind[kind.name] = {
            "clients": kinds.count(kind),
            "reads": len(answered),
            "reads_per_second": round(len(answered) / elapsed, 1),
            "read_p50_ms": round(statistics.median(answered), 1) if answered else None,
            "read_p99_ms": round(answered[math.ceil(len(answered) * 0.99) - 1], 1)
            if answered
            else None,
            "comments_sent": len(writes),
            "comments_acknowledged": sum(w.acknowledged for w in writes),
            "comments_cut_off_by_the_kill": sum(w.cut_off for w in writes),
            "of_which_sent_again_and_acknowledged": sum(
                w.cut_off and w.acknowledged for w in writes
            ),
            "expected_status": kind.status or None,
        }
    return {
        "seconds": round(elapsed, 1),
        "clients": len(kinds),
        "workers": workers,
        "kill": dataclasses.asdict(kill),
        "unanswered_at_the_kill": sum(r.status is None for r in ledger.requests),
        "comments_stored": sum(map(len, stored.values())),
        "kinds": by_kind,
        "failures": failures,
        "ok": not failures,
    }


def print_report(report: dict) -> None:
    kill = report["kill"]
    counts = ", ".join(f"{k['clients']} {name}" for name, k in report["kinds"].items())
    print(
        f"{report['clients']} clients ({counts}), {report['seconds']} s, {report['workers']} gunicorn workers"
    )
    if kill["at"] is not None:
        print(
            f"  worker {kill['pid']} killed at {kill['at']:.1f} s: gone after {kill['died_after']} s, "
            f"replaced by {kill['replaced_by']} after {kill['replaced_after']} s; "
            f"{report['unanswered_at_the_kill']} request(s) in flight got no answer"
        )
    for name, k in report["kinds"].items():
        line = (
            f"  {name:>10}: {k['reads']} reads ({k['reads_per_second']}/s, p50 "
            f"{k['read_p50_ms']} ms, p99 {k['read_p99_ms']} ms)"
        )
        if k["expected_status"]:
            line += (
                f", {k['comments_acknowledged']} of {k['comments_sent']} comments acknowledged "
                f"({k['expected_status']})"
            )
            if k["comments_cut_off_by_the_kill"]:
                line += (
                    f"; {k['comments_cut_off_by_the_kill']} cut off by the kill and sent "
                    f"again ({k['of_which_sent_again_and_acknowledged']} acknowledged then, "
                    "the others refused as already stored)"
                )
        print(line)
    if report["ok"]:
        print("OK: every check passed")
        return
    print(f"FAILED: {len(report['failures'])} check(s)")
    for failure in report["failures"][:40]:
        print(f"  - {failure}")


if __name__ == "__main__":
    sys.exit(main())
