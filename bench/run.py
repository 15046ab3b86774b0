"""The benchmark: Coursblog's post page against plain django-mptt, in one run.

    make bench                       # or: .venv/bin/python -m bench.run

Loads the shared 100, 1,000 and 5,000-comment threads (../shared/bench, or
BENCH_THREADS_DIR) into its own database (var/bench.sqlite3, or DATABASE_URL), then
measures, for each: the post page's SQL queries, its in-process render time
uncached and cached (median of BENCH_REPEAT GETs after warm-up, with the spread),
its size, and the same for the page a plain django-mptt site would serve with
{% recursetree %} (bench/baseline.py: a plain site's columns, body|linebreaks, the
post URL reversed once); the ratios are the baseline's median over ours. Under gunicorn with the production configuration it measures the
1,000-comment page with wrk: Coursblog cold (no cache) and warm, the baseline,
and a static file of the same size; and the workers' memory after the
5,000-comment page. Last, the write path: posting replies into the 5,000-comment
thread alone and, on PostgreSQL, with 8 concurrent writers. It prints a table and
writes bench/results/latest.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "STATIC_MANIFEST": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}
for _name, _value in BENCH_ENV.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
sys.path.insert(0, str(ROOT))

import django

django.setup()

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.signing import Signer
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from accounts.roles import make_instructor
from bench import baseline as plain_mptt
from bench.server import Gunicorn
from comments.forms import FORM_SIGNER_SALT
from comments.models import Comment, DiscussionSettings
from coursblog.management.commands.load_bench_thread import load_thread
from posts import page_cache

SIZES = (100, 1000, 5000)
THREADS_DIR = Path(os.environ.get("BENCH_THREADS_DIR", ROOT.parent / "shared" / "bench"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WRK_TIMEOUT = 60
WRITES = int(os.environ.get("BENCH_WRITES", "100"))
RESULTS = ROOT / "bench" / "results" / "latest.json"
ISSUED = Signer(salt=FORM_SIGNER_SALT).sign(str(int(time.time()) - 60))


def main() -> None:
    if not (THREADS_DIR / "thread-1000.json").exists():
        sys.exit(f"The benchmark threads are not at {THREADS_DIR}; set BENCH_THREADS_DIR.")
    started = time.time()
    results = {
        "machine": machine(),
        "database": connection.vendor,
        "baseline": plain_mptt.DESCRIPTION,
        "sizes": {},
    }
    print(f"Database: {connection.vendor}; machine load before: {results['machine']['load']}")
    posts = prepare()
    for size in SIZES:
        results["sizes"][size] = in_process(posts[size])
        print_size(size, results["sizes"][size])
    results["first_page_5000"] = first_page_bytes(posts[5000])
    results["server"] = under_gunicorn(posts)
    results["writes"] = write_path(posts[5000])
    results["seconds"] = round(time.time() - started, 1)
    results["machine"]["load_after"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    print_summary(results)
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load": os.getloadavg(),
        "platform": platform.platform(),
    }


def prepare() -> dict:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    rules = DiscussionSettings.load()
    rules.paginate = False  # the whole discussion on one page, as the peers render it
    rules.thread_depth = 10
    rules.save()
    posts = {}
    for size in SIZES:
        path = THREADS_DIR / f"thread-{size}.json"
        began = time.perf_counter()
        posts[size] = load_thread(json.loads(path.read_text()), slug=f"thread-{size}")
        took = time.perf_counter() - began
        print(f"thread-{size}: {posts[size].get_absolute_url()} (ready in {took:.1f} s)")
    return posts


def fetch(client: Client, url: str) -> bytes:
    """The whole body, streamed or not (reading a stream is part of serving it)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def clear_caches() -> None:
    cache.clear()
    page_cache._pages.clear()


def timed_gets(client: Client, url: str, *, clear_cache: bool) -> tuple[list[float], bytes]:
    for _ in range(3):  # warm up imports, connections and template caches
        fetch(client, url)
    times = []
    content = b""
    for _ in range(REPEAT):
        if clear_cache:
            clear_caches()
        began = time.perf_counter()
        content = fetch(client, url)
        times.append((time.perf_counter() - began) * 1000)
    return times, content


def spread(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2),
    }


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return len(captured)


@override_settings(ROOT_URLCONF="bench.urls")
def in_process(post) -> dict:
    client = Client()
    url = post.get_absolute_url()
    baseline_url = f"/bench/recursetree/{post.slug}/"
    uncached, page = timed_gets(client, url, clear_cache=True)
    clear_caches()
    cold_queries = queries_of(client, url)
    warm_queries = queries_of(client, url)
    cached, _ = timed_gets(client, url, clear_cache=False)
    baseline, baseline_page = timed_gets(client, baseline_url, clear_cache=False)
    baseline_queries = queries_of(client, baseline_url)
    shown = len(re.findall(rb'<li id="comment-', page))
    return {
        "comments_shown": shown,
        "queries_uncached": cold_queries,
        "queries_cached": warm_queries,
        "bytes": len(page),
        "uncached": spread(uncached),
        "cached": spread(cached),
        "baseline": {**spread(baseline), "queries": baseline_queries, "bytes": len(baseline_page)},
        "ratio_uncached": round(statistics.median(baseline) / statistics.median(uncached), 1),
        "ratio_cached": round(statistics.median(baseline) / statistics.median(cached), 1),
    }


def first_page_bytes(post) -> dict:
    """The 5,000-comment post with the default settings: 50 threads a page."""
    rules = DiscussionSettings.load()
    rules.paginate = True
    rules.save()
    try:
        url = post.get_absolute_url()
        return {
            "landing_page_bytes": len(fetch(Client(), url)),
            "page_1_bytes": len(fetch(Client(), f"{url}?cpage=1")),
        }
    finally:
        rules.paginate = False
        rules.save()


def wrk(url: str, seconds: int = WRK_SECONDS) -> dict:
    # wrk drops answers slower than its timeout (2 s by default) from every figure, which
    # would flatter us against a slow baseline: wait for them.
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", f"--timeout={WRK_TIMEOUT}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        percentile: to_ms(value, unit)
        for percentile, value, unit in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)", output)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": rate,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def to_ms(value: str, unit: str) -> float:
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def under_gunicorn(posts) -> dict:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt install wrk): skipping the gunicorn measurements.")
        return {}
    page_url = posts[1000].get_absolute_url()
    static_copy = Path(settings.STATIC_ROOT) / "bench" / "page-1000.html"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(fetch(Client(), page_url))
    result = {}
    with Gunicorn({"DISCUSSION_CACHE_SECONDS": "0", "PAGE_CACHE_SECONDS": "0"}) as server:
        result["workers"] = server.workers
        result["cold"] = wrk(server.url + page_url)
        result["baseline"] = wrk(server.url + f"/bench/recursetree/{posts[1000].slug}/")
    with Gunicorn({}) as server:
        wrk(server.url + page_url, seconds=2)  # every worker renders and caches it once
        result["warm"] = wrk(server.url + page_url)
        result["static"] = wrk(server.url + f"/static/bench/{static_copy.name}")
        for _ in range(4 * server.workers):
            with urllib.request.urlopen(server.url + posts[5000].get_absolute_url()) as answer:  # noqa: S310
                answer.read()
        memory = server.worker_memory()
        result["worker_memory_after_5000"] = memory
        result["worker_peak_mib"] = round(max(m["peak_mib"] for m in memory), 1)
        result["worker_rss_mib"] = round(max(m["rss_mib"] for m in memory), 1)
    cold, warm, base, static = (
        result[k]["requests_per_second"] for k in ("cold", "warm", "baseline", "static")
    )
    result["throughput_ratio_cold"] = round(cold / base, 1)
    result["throughput_ratio_warm"] = round(warm / base, 1)
    result["warm_vs_static"] = round(warm / static, 2)
    print_server(result)
    return result


def write_path(post) -> dict:
    writers = [make_writer(n) for n in range(8)]
    candidates = list(post.comments.filter(level__lt=9).values_list("pk", flat=True))
    alone = post_replies(writers[0], post, candidates, WRITES)
    result = {"alone": alone}
    if connection.vendor == "postgresql":
        timings: list[float] = []
        lock = threading.Lock()

        def write(writer):
            try:
                samples = post_replies(writer, post, candidates, WRITES // 4, raw=True)
                with lock:
                    timings.extend(samples)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=write, args=(w,)) for w in writers]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result["concurrent_8"] = {
            **percentiles(timings),
            "writes": len(timings),
            "seconds": round(time.perf_counter() - began, 2),
        }
    result["tree_problems"] = len(Comment.objects.tree_problems())
    print_writes(result)
    return result


def make_writer(number: int) -> Client:
    user, created = User.objects.get_or_create(username=f"bench-writer-{number}")
    if created:
        make_instructor(user)  # trusted and never flooding: every post is a write
    client = Client()
    client.force_login(user)
    return client


def post_replies(client: Client, post, candidates: list[int], count: int, raw: bool = False):
    rng = random.Random(count)
    timings = []
    for number in range(count):
        data = {
            "body": f"Benchmark reply {time.time_ns()} {number}",
            "parent": rng.choice(candidates),
            "issued": ISSUED,  # a form shown a minute ago: not "too fast", not expired
        }
        began = time.perf_counter()
        response = client.post(post.get_absolute_url(), data)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 302, response.status_code
    return timings if raw else percentiles(timings)


def percentiles(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 2),
    }


def print_size(size: int, r: dict) -> None:
    print(
        f"{size:>5} comments: {r['queries_uncached']} queries ({r['queries_cached']} cached), "
        f"{r['bytes'] / 1024:.0f} KiB; uncached {r['uncached']['median_ms']} ms "
        f"[{r['uncached']['min_ms']}–{r['uncached']['max_ms']}], cached {r['cached']['median_ms']} ms; "
        f"recursetree {r['baseline']['median_ms']} ms ({r['baseline']['queries']} queries): "
        f"{r['ratio_uncached']}× faster uncached, {r['ratio_cached']}× cached"
    )


def print_server(r: dict) -> None:
    for name in ("cold", "warm", "baseline", "static"):
        w = r[name]
        print(
            f"gunicorn {name:>8}: {w['requests_per_second']:8.1f} req/s, p50 {w['p50_ms']} ms, "
            f"p99 {w['p99_ms']} ms, non-2xx {w['non_2xx']}"
            + (f", socket errors: {w['socket_errors']}" if w["socket_errors"] else "")
        )
    print(
        f"worker memory after the 5,000-comment page: {r['worker_rss_mib']} MiB (peak {r['worker_peak_mib']} MiB)"
    )


def print_writes(r: dict) -> None:
    print(f"one reply into the 5,000-comment thread, alone: {r['alone']}")
    if "concurrent_8" in r:
        print(f"… with 8 concurrent writers: {r['concurrent_8']}")
    print(f"tree problems afterwards: {r['tree_problems']}")


def print_summary(results: dict) -> None:
    print(
        "\n| comments | queries (uncached/cached) | page KiB | uncached ms | cached ms | baseline ms (queries, KiB) | ratio uncached | ratio cached |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size, r in results["sizes"].items():
        b = r["baseline"]
        print(
            f"| {size} | {r['queries_uncached']}/{r['queries_cached']} | {r['bytes'] / 1024:.0f} | "
            f"{r['uncached']['median_ms']} ({r['uncached']['min_ms']}–{r['uncached']['max_ms']}) | "
            f"{r['cached']['median_ms']} | {b['median_ms']} ({b['queries']}, {b['bytes'] / 1024:.0f}) | "
            f"{r['ratio_uncached']}× | {r['ratio_cached']}× |"
        )
    print(
        f"\nBaseline: {results['baseline']}. Ratio: the baseline's median time over ours. "
        f"Machine load before {results['machine']['load']}, after {results['machine']['load_after']}."
    )
    pages = results["first_page_5000"]
    print(
        f"\nThe 5,000-comment post with 50 threads a page: the page readers land on (the newest "
        f"threads) {pages['landing_page_bytes'] / 1024:.0f} KiB; page 1 (the oldest, longest "
        f"threads) {pages['page_1_bytes'] / 1024:.0f} KiB"
    )
    server = results.get("server")
    if server:
        print(
            f"\nUnder gunicorn ({server['workers']} workers), the 1,000-comment page: cold "
            f"{server['cold']['requests_per_second']} req/s ({server['throughput_ratio_cold']}× the baseline's "
            f"{server['baseline']['requests_per_second']}), warm {server['warm']['requests_per_second']} req/s "
            f"({server['throughput_ratio_warm']}×; {server['warm_vs_static']} of the static file's "
            f"{server['static']['requests_per_second']}); worker memory {server['worker_rss_mib']} MiB"
        )


if __name__ == "__main__":
    main()
