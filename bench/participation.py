"""The participation page on a real-sized class, in a database of its own.

    make bench-participation          # or: .venv/bin/python -m bench.participation
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-participation

Builds a 15-week term with 200 students, 3,000 posts (one a week each) and 30,000
comments (a tenth of them replies in threads, some held, spam or trashed) in a fresh
database: var/bench-participation.sqlite3, or, when DATABASE_URL names PostgreSQL, a
database coursblog_bench_participation on that server. Then it measures, as an
instructor in process: the term view of the participation page (totals, and week by
week), its CSV, one student's page and participation.grades.term_scores; for each,
the SQL queries, the time (median of BENCH_REPEAT after warming up, with the spread)
and the size. It prints a table and writes bench/results/participation-latest.json.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import environment

STUDENTS, WEEKS, COMMENTS_PER_POST = 200, 15, 10
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
RESULTS = ROOT / "bench" / "results" / "participation-latest.json"
TERM_STARTS = date(2025, 1, 6)  # a Monday
WORDS = [
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "is",
    "was",
    "that",
    "it",
    "for",
    "on",
    "as",
    "with",
    "by",
    "his",
    "he",
    "at",
    "from",
    "this",
    "be",
    "history",
    "soviet",
    "china",
    "split",
    "revolution",
    "treaty",
    "power",
    "war",
    "peace",
    "empire",
    "border",
    "party",
    "press",
]


environment.prepare("participation", TIME_ZONE=os.environ.get("TIME_ZONE", "America/New_York"))

import django

django.setup()

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import STUDENTS as STUDENTS_GROUP
from accounts.roles import make_instructor, sync_roles
from comments.models import Comment
from participation.grades import term_scores
from participation.models import CommentWords, Expectations, PostWords
from posts.models import Post


def text(count: int) -> str:
    return " ".join(random.choice(WORDS) for _ in range(count))


def build_class() -> User:
    """The class, written straight to the database (bulk inserts: minutes become seconds).
    Word counts are stored as saving would store them."""
    random.seed(214)
    call_command("migrate", verbosity=0)
    groups = sync_roles()
    password = make_password("bench-password")
    students = User.objects.bulk_create(
        User(
            username=f"student{n}",
            first_name=f"Student{n}",
            last_name=f"Number {n}",
            display_name=f"Student {n:03d}",
            email=f"student{n}@example.edu",
            password=password,
        )
        for n in range(STUDENTS)
    )
    groups[STUDENTS_GROUP].user_set.add(*students)
    instructor = User.objects.create_user("instructor", "instructor@example.edu", "bench-password")
    make_instructor(instructor)
    expectations = Expectations.load()
    expectations.posts_per_week, expectations.replies_per_week = 1, 2
    expectations.min_words_per_reply = 30
    expectations.term_starts = TERM_STARTS
    expectations.term_ends = TERM_STARTS + timedelta(weeks=WEEKS, days=-1)
    expectations.save()

    start = datetime(2025, 1, 6, 14, tzinfo=UTC)
    posts, post_words = [], []
    for week in range(WEEKS):
        for number, student in enumerate(students):
            count = random.randint(300, 900)
            body = "".join(f"<p>{text(count // 6)}</p>" for _ in range(6))
            when = start + timedelta(weeks=week, hours=random.randint(0, 140))
            posts.append(
                Post(
                    author=student,
                    title=f"Week {week + 1} by {student.display_name}",
                    slug=f"w{week}-s{number}",
                    body=body,
                    status=Post.Status.PUBLISHED,
                    published_at=when,
                )
            )
            post_words.append(count // 6 * 6)
    posts = Post.objects.bulk_create(posts, batch_size=500)
    PostWords.objects.bulk_create(
        PostWords(post=post, words=words, chars=len(post.body))
        for post, words in zip(posts, post_words, strict=True)
    )

    comments, comment_words = [], []
    tree_id = 0
    statuses = (
        [Comment.Status.APPROVED] * 95
        + [Comment.Status.PENDING] * 3
        + [Comment.Status.SPAM, Comment.Status.TRASH]
    )
    for post in posts:
        made = 0
        while made < COMMENTS_PER_POST:
            tree_id += 1
            replies = min(random.choice((0, 0, 0, 1, 2)), COMMENTS_PER_POST - made - 1)
            writers = [random.choice(students) for _ in range(replies + 1)]
            if replies:
                writers[1] = post.author  # the author answers
            for position, writer in enumerate(writers):
                count = random.randint(15, 120)
                body = text(count)
                comments.append(
                    Comment(
                        post=post,
                        user=writer,
                        by_member=True,
                        author_name=writer.display_name,
                        author_email=writer.email,
                        body=body,
                        body_html=f"<p>{body}</p>",
                        status=random.choice(statuses),
                        created=post.published_at + timedelta(hours=random.randint(1, 160)),
                        tree_id=tree_id,
                        level=0 if position == 0 else 1,
                        lft=1 if position == 0 else 2 * position,
                        rght=2 * replies + 2 if position == 0 else 2 * position + 1,
                    )
                )
                comment_words.append(count)
            made += replies + 1
    comments = Comment.objects.bulk_create(comments, batch_size=1000)
    # Replies point at the thread's first comment (bulk_create gives ids in order).
    roots = {}
    replies = []
    for comment in comments:
        if comment.level == 0:
            roots[comment.tree_id] = comment.pk
        else:
            comment.parent_id = roots[comment.tree_id]
            replies.append(comment)
    Comment.objects.bulk_update(replies, ["parent"], batch_size=1000)
    CommentWords.objects.bulk_create(
        (
            CommentWords(comment=c, words=w, chars=len(c.body))
            for c, w in zip(comments, comment_words, strict=True)
        ),
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would have, on a live site
            cursor.execute("ANALYZE")
    return instructor


def database_cpu_seconds() -> float:
    """CPU time used so far by the PostgreSQL backend serving this connection (when the
    server runs on this machine), from /proc; 0 on SQLite, which runs in this process."""
    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(call) -> dict:
    """Queries, then wall-clock time and CPU time over REPEAT calls after two to warm up.
    CPU time is this process's (on SQLite that includes the database's work) plus, on a
    local PostgreSQL, its backend's: on a busy machine it is what the work costs, where
    the wall clock also counts the waiting for a turn on a processor."""
    for _ in range(2):
        call()
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        size = call()
    times = []
    began_cpu, began_database = time.process_time(), database_cpu_seconds()
    for _ in range(REPEAT):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    cpu = (time.process_time() - began_cpu) * 1000 / REPEAT
    database = (database_cpu_seconds() - began_database) * 1000 / REPEAT
    ordered = sorted(times)
    return {
        "queries": len(executed),
        "median_ms": round(statistics.median(ordered), 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
        "cpu_ms": round(cpu + database, 1),
        "database_cpu_ms": round(database, 1),
        "bytes": size,
    }


def main() -> None:
    began = time.perf_counter()
    instructor = build_class()
    built_in = time.perf_counter() - began
    counts = {
        "students": STUDENTS,
        "posts": Post.objects.count(),
        "comments": Comment.objects.count(),
        "approved_comments": Comment.objects.approved().count(),
    }
    print(f"Database: {connection.vendor} ({settings_name()}); TIME_ZONE={os.environ['TIME_ZONE']}")
    print(
        f"Class: {counts['students']} students, {counts['posts']:,} posts, "
        f"{counts['comments']:,} comments ({counts['approved_comments']:,} approved); "
        f"built in {built_in:.1f} s"
    )
    client = Client()
    client.force_login(instructor)
    student = User.objects.get(username="student7")

    def get(url: str, params=None):
        def call():
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        return call

    def scores():
        return len(term_scores())

    report = reverse("participation:report")
    cases = {
        "participation page, term, totals": get(report),
        "participation page, term, week by week": get(report, {"view": "weeks"}),
        "participation CSV, term": get(reverse("participation:export")),
        "one student's page, term": get(reverse("participation:student", args=[student.pk])),
        "term_scores() for the LMS": scores,
    }
    results = {
        "database": connection.vendor,
        "class": counts,
        "build_seconds": round(built_in, 1),
        "repeat": REPEAT,
        "load": os.getloadavg(),
        "cases": {},
    }
    print(f"Machine load before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"\n{'':40} {'queries':>7} {'median':>10} {'min':>10} {'max':>10} {'CPU':>10} {'size':>9}"
    )
    print(f"{'':48} {'wall clock, ' + str(REPEAT) + ' runs':^32} {'mean':>10}")
    for name, call in cases.items():
        found = measure(call)
        results["cases"][name] = found
        print(
            f"{name:40} {found['queries']:>7} {found['median_ms']:>7} ms {found['min_ms']:>7} ms "
            f"{found['max_ms']:>7} ms {found['cpu_ms']:>7} ms {found['bytes']:>9,}"
        )
    results["load_after"] = os.getloadavg()
    print(f"Machine load after: {os.getloadavg()[0]:.1f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")


def settings_name() -> str:
    return connection.settings_dict["NAME"]


if __name__ == "__main__":
    main()
