"""The WordPress import's speed and memory, on generated WXR files.

    make bench-wxr                   # or: .venv/bin/python -m bench.wxr

Writes WXR files of 1,100 comments (20 posts) and of 5,000 and 50,000 comments
(50 and 500 posts, 100 comments each), threaded at random up to 10 levels with
some replies listed before their parents, and imports each into a new SQLite
database (var/bench-wxr-*.sqlite3) with `manage.py import_wxr` in a child process.
It reports each import's time (and CPU time) and the child's peak memory (ru_maxrss): the
same peak for 5,000 and 50,000 comments shows the import runs in constant memory.
Results go to bench/results/wxr.json.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
RESULTS = ROOT / "bench" / "results" / "wxr.json"
WORDS = [
    "the",
    "split",
    "between",
    "Moscow",
    "and",
    "Beijing",
    "grew",
    "from",
    "ideology",
    "border",
    "disputes",
    "and",
    "rivalry",
    "over",
    "leadership",
    "of",
    "the",
    "communist",
    "world",
    "Mao",
    "Khrushchev",
    "revisionism",
]


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def comment_xml(rng: random.Random, wp_id: int, parent: int, minute: int) -> str:
    body = "\n\n".join(paragraph(rng, rng.randint(8, 40)) for _ in range(rng.randint(1, 3)))
    return f"""
		<wp:comment>
			<wp:comment_id>{wp_id}</wp:comment_id>
			<wp:comment_author><![CDATA[Student {wp_id % 40}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[student{wp_id % 40}@example.edu]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.{wp_id % 250}]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2018-11-{1 + minute // 1440 % 28:02d} {minute // 60 % 24:02d}:{minute % 60:02d}:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2018-11-{1 + minute // 1440 % 28:02d} {minute // 60 % 24:02d}:{minute % 60:02d}:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{body}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{rng.choice("1111111110")}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""


def write_wxr(path: Path, posts: int, comments_per_post: int, seed: int = 1) -> int:
    """A WXR file of ``posts`` posts with ``comments_per_post`` comments each."""
    rng = random.Random(seed)
    next_id = 1000
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Benchmark blog</title><link>https://bench.example.edu</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_blog_url>https://bench.example.edu</wp:base_blog_url>\n"
            "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>prof</wp:author_login>"
            "<wp:author_email>prof@example.edu</wp:author_email>"
            "<wp:author_display_name><![CDATA[The Professor]]></wp:author_display_name>"
            "</wp:author>\n"
        )
        for number in range(1, posts + 1):
            body = "\n\n".join(paragraph(rng, 60) for _ in range(8))
            out.write(
                f"<item><title>Essay {number}</title>"
                f"<link>https://bench.example.edu/2018/11/05/essay-{number}/</link>"
                f"<dc:creator>prof</dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{number}</wp:post_id>"
                f"<wp:post_date>2018-11-05 09:00:00</wp:post_date>"
                f"<wp:post_date_gmt>2018-11-05 14:00:00</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:post_name>essay-{number}</wp:post_name>"
                f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f"<wp:post_password></wp:post_password>"
                f'<category domain="category" nicename="essays"><![CDATA[{escape("Essays")}]]></category>'
            )
            ids, depth_of, entries = [], {}, []
            for index in range(comments_per_post):
                wp_id = next_id
                next_id += 1
                parents = [p for p in ids[-30:] if depth_of[p] < 9]
                parent = rng.choice(parents) if parents and rng.random() < 0.7 else 0
                depth_of[wp_id] = depth_of[parent] + 1 if parent else 0
                ids.append(wp_id)
                entries.append(comment_xml(rng, wp_id, parent, number * 1000 + index))
            rng.shuffle(entries)  # replies before their parents, as files can have them
            out.write("".join(entries))
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return posts * comments_per_post


def import_in_child(path: Path, database: Path) -> dict:
    """Import ``path`` into a new SQLite database in a child process: time and peak RSS."""
    database.unlink(missing_ok=True)
    # Production settings (DEBUG off: no query log); without ALLOWED_HOSTS no key is needed.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "0"}
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        env.pop(name, None)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.wxr", "--child", str(path)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def child(path: str) -> None:
    """In the child: import, then print the time and this process's peak memory."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
    django.setup()
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_wxr", path, stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    summary = [line for line in out.getvalue().splitlines() if line.startswith("Comments:")]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "seconds": round(seconds, 2),
        # What the import itself used of the processor: the wall time above grows when
        # other work shares the machine's two cores; this does not.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }
    print(json.dumps({**result, "summary": summary[0] if summary else ""}))


def main() -> None:
    VAR.mkdir(exist_ok=True)
    results = {}
    for name, posts, per_post in [("1100", 20, 55), ("5000", 50, 100), ("50000", 500, 100)]:
        path = VAR / f"bench-wxr-{name}.xml"
        comments = write_wxr(path, posts, per_post)
        result = import_in_child(path, VAR / f"bench-wxr-{name}.sqlite3")
        result.update(comments=comments, file_mib=round(path.stat().st_size / 2**20, 1))
        results[name] = result
        print(
            f"{comments:>6} comments ({result['file_mib']} MB file): {result['seconds']:>6} s "
            f"({result['cpu_seconds']} s of CPU), peak memory {result['peak_rss_mib']} MiB · "
            f"{result['summary']}"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
