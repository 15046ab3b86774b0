"""Load and fault test: many readers and writers on gunicorn and PostgreSQL, one worker killed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make load-test
    .venv/bin/python -m bench.load --seconds 30 --clients 16      # the full run

It makes a database of its own next to DATABASE_URL's (coursblog_loadtest), serves
it with gunicorn in the production configuration, and runs client threads that
log in, read the post page and post comments through the real form (CSRF token,
issued stamp): replies at random depths and new threads. Halfway through, one
gunicorn worker is killed by its pid. Afterwards every comment the server
acknowledged must be in the database exactly once, no unacknowledged one more than
once, none half-written, and every comment tree sound. Exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sys
import threading
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOAD_DATABASE = "coursblog_loadtest"
PASSWORD = "load-test-passphrase"  # noqa: S105 - a throwaway account on a throwaway database
RESULTS = ROOT / "bench" / "results" / "load-latest.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-kill", action="store_true", help="do not kill a worker")
    options = parser.parse_args()

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
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
    import django

    django.setup()
    post_url, usernames = prepare(options.clients)

    from bench.server import Gunicorn

    with Gunicorn(env) as server:
        report = run_clients(server, post_url, usernames, options)
    report.update(verify(report))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, default=str))
    print_report(report)
    return 0 if report["ok"] else 1


def fresh_database(base_url: str) -> str:
    with psycopg.connect(
        base_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as db:
        db.execute(f"DROP DATABASE IF EXISTS {LOAD_DATABASE} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {LOAD_DATABASE}")
    return re.sub(r"/[^/]*$", f"/{LOAD_DATABASE}", base_url)


def prepare(clients: int) -> tuple[str, list[str]]:
    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import make_instructor
    from comments.models import DiscussionSettings
    from posts.models import Post

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rules = DiscussionSettings.load()
    rules.thread_depth = 10
    rules.save()
    usernames = []
    for number in range(clients):
        user = User.objects.create_user(f"loader{number}", f"loader{number}@example.edu", PASSWORD)
        make_instructor(user)  # trusted and never flooding: every post is a write
        usernames.append(user.username)
    return Post.objects.get().get_absolute_url(), usernames


def run_clients(server, post_url: str, usernames: list[str], options) -> dict:
    deadline = time.monotonic() + options.seconds
    lock = threading.Lock()
    outcome = {"reads": 0, "read_errors": 0, "writes": {}, "write_errors": 0, "errors": []}

    def client(username: str, seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        try:
            log_in(session, server.url, username)
            page = session.get(server.url + post_url, timeout=30).text
            issued = re.search(r'name="issued" value="([^"]+)"', page).group(1)
            ready = time.monotonic() + 3.5  # the form must be older than COMMENT_FORM_MIN_SECONDS
        except (requests.RequestException, AttributeError) as error:
            with lock:
                outcome["errors"].append(f"{username} could not start: {error!r}")
            return
        while time.monotonic() < deadline:
            action = "read_errors"
            try:
                if rng.random() < 0.7 or time.monotonic() < ready:
                    response = session.get(server.url + post_url, timeout=30)
                    with lock:
                        if response.status_code == 200:
                            outcome["reads"] += 1
                            page = response.text
                        else:
                            outcome["read_errors"] += 1
                    continue
                action = "write_errors"
                marker = f"load test {username} {time.time_ns()}"
                ids = re.findall(r'<li id="comment-(\d+)" class="comment depth-([0-9]+)[ "]', page)
                ids = [pk for pk, depth in ids if int(depth) < 10]
                parent = rng.choice(ids) if ids and rng.random() < 0.7 else ""
                token = session.cookies.get("csrftoken") or ""
                form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                with lock:
                    outcome["writes"][marker] = None
                response = session.post(
                    server.url + post_url,
                    {
                        "body": marker,
                        "parent": parent,
                        "issued": issued,
                        "csrfmiddlewaretoken": form.group(1) if form else token,
                    },
                    allow_redirects=False,
                    timeout=30,
                )
                acknowledged = response.status_code == 302 and "#comment-" in response.headers.get(
                    "Location", ""
                )
                with lock:
                    outcome["writes"][marker] = acknowledged
                    if not acknowledged:
                        outcome["write_errors"] += 1
                        outcome["errors"].append(f"write answered {response.status_code}")
            except requests.RequestException as error:
                with lock:
                    outcome[action] += 1
                    outcome["errors"].append(repr(error)[:200])

    threads = [
        threading.Thread(target=client, args=(name, number))
        for number, name in enumerate(usernames)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    killed = None
    if not options.no_kill:
        time.sleep(options.seconds / 2)
        workers = server.worker_pids()
        if workers:
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    acknowledged = sum(1 for state in outcome["writes"].values() if state)
    return {
        "seconds": round(elapsed, 1),
        "clients": len(usernames),
        "workers": server.workers,
        "killed_worker": killed,
        "reads": outcome["reads"],
        "reads_per_second": round(outcome["reads"] / elapsed, 1),
        "writes_acknowledged": acknowledged,
        "writes_per_second": round(acknowledged / elapsed, 1),
        "read_errors": outcome["read_errors"],
        "write_errors": outcome["write_errors"],
        "error_samples": outcome["errors"][:10],
        "markers": outcome["writes"],
    }


def log_in(session: requests.Session, base: str, username: str) -> None:
    page = session.get(f"{base}/accounts/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    response.raise_for_status()


def verify(report: dict) -> dict:
    from django.db import connections

    from comments.models import Comment

    connections.close_all()
    markers = report.pop("markers")
    stored = {}
    for body in Comment.objects.filter(body__startswith="load test ").values_list(
        "body", flat=True
    ):
        stored[body] = stored.get(body, 0) + 1
    lost = [m for m, acknowledged in markers.items() if acknowledged and stored.get(m, 0) != 1]
    doubled = [m for m in markers if stored.get(m, 0) > 1]
    unknown = [m for m in stored if m not in markers]
    half_written = (
        Comment.objects.filter(body_html="").count()
        + Comment.objects.filter(fragment_html="").count()
    )
    problems = [str(p) for p in Comment.objects.tree_problems()]
    failed_but_stored = sum(1 for m, ack in markers.items() if not ack and stored.get(m))
    return {
        "acknowledged_not_stored_once": lost[:10],
        "stored_twice": doubled[:10],
        "stored_but_never_sent": unknown[:10],
        "unacknowledged_but_stored": failed_but_stored,
        "half_written": half_written,
        "tree_problems": problems[:10],
        "comments_in_database": Comment.objects.count(),
        "ok": not (lost or doubled or unknown or half_written or problems)
        and report["writes_acknowledged"] > 0,
    }


def print_report(report: dict) -> None:
    killed = report["killed_worker"]
    print(
        f"{report['clients']} clients, {report['seconds']} s, {report['workers']} gunicorn workers"
        + (f", worker {killed} killed halfway:" if killed else ":")
    )
    print(
        f"  reads {report['reads']} ({report['reads_per_second']}/s), "
        f"writes {report['writes_acknowledged']} ({report['writes_per_second']}/s), "
        f"errors: {report['read_errors']} reads, {report['write_errors']} writes"
    )
    print(
        f"  afterwards: every acknowledged comment stored once: "
        f"{not report['acknowledged_not_stored_once']}; none stored twice: "
        f"{not report['stored_twice']}; half-written: {report['half_written']}; "
        f"tree problems: {len(report['tree_problems'])}; unacknowledged but stored: "
        f"{report['unacknowledged_but_stored']}"
    )
    for sample in report["error_samples"]:
        print(f"  error: {sample}")
    print("OK" if report["ok"] else "FAILED")


if __name__ == "__main__":
    sys.exit(main())
