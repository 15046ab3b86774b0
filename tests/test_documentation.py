"""The documentation states the figures the code holds, and the counts the tests pin.

Each figure has one source: a constant in the code, a setting's production default,
or tests/figures.py for the query counts that the query tests pin. Each sentence of
README.md and docs/deploy.md that states a figure is checked here against its
source, so a change to either side that leaves the other behind fails, naming the
sentence.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from comments.forms import REFUSAL_STATUS
from comments.management.commands.empty_comment_trash import TRASH_DAYS
from comments.models import DiscussionSettings
from comments.moderation import FLOOD_SECONDS
from comments.thread import FOLD_FROM
from images import processing
from tests import figures

ROOT = Path(__file__).resolve().parent.parent
WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
WORDS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13}
WORDS |= {"fourteen": 14}
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800}
UNITS |= {"px": 1, "MB": 1024 * 1024, "megapixels": 1_000_000}
# A number as the documentation writes it: "1,500", "7" or "seven".
N = r"(?P<n>[\d,]+|[a-z]+)"


@dataclasses.dataclass(frozen=True)
class Default:
    """A setting's production default (or gunicorn.conf.py's), read in a clean process."""

    name: str


@dataclasses.dataclass(frozen=True)
class Figure:
    what: str
    doc: str | tuple[str, ...]  # where it is stated (in one of them, at least)
    pattern: str  # the sentence, whitespace collapsed; N marks the figure, (?P<unit>…) its unit
    source: object  # the value, or Default("NAME")

    @property
    def docs(self) -> tuple[str, ...]:
        return (self.doc,) if isinstance(self.doc, str) else self.doc


def _field(name: str):
    return DiscussionSettings._meta.get_field(name)


FIGURES = [
    # How the post page's queries are counted: tests/figures.py.
    Figure(
        "queries, nothing cached",
        "docs/deploy.md",
        rf"{N} for an anonymous reader when nothing is cached",
        figures.POST_PAGE_QUERIES_COLD,
    ),
    Figure(
        "queries, whole discussion on one page",
        "docs/deploy.md",
        rf"{N} with the whole discussion on one page",
        figures.POST_PAGE_QUERIES_COLD_ONE_PAGE,
    ),
    Figure(
        "queries, page kept by the process",
        "docs/deploy.md",
        rf"{N} when this process keeps the page",
        figures.POST_PAGE_QUERIES_WARM,
    ),
    Figure(
        "queries, logged-in reader",
        "docs/deploy.md",
        rf"{N} for a logged-in reader",
        figures.POST_PAGE_QUERIES_MEMBER,
    ),
    Figure(
        "queries, participation page",
        "README.md",
        rf"the term view takes {N} queries",
        figures.PARTICIPATION_PAGE_QUERIES,
    ),
    Figure(
        "queries, participation counts",
        "README.md",
        rf"grouped by member and week .{{0,120}}?in {N} queries whatever the class",
        figures.PARTICIPATION_COUNTING_QUERIES,
    ),
    # The discussion rules.
    Figure(
        "threads a page",
        "README.md",
        rf"paged by top-level thread \({N} a page",
        _field("threads_per_page").default,
    ),
    Figure(
        "least thread depth",
        "README.md",
        rf"thread depth \({N}–",
        _field("thread_depth").validators[0].limit_value,
    ),
    Figure(
        "greatest thread depth",
        "README.md",
        rf"thread depth \(\d+–{N};",
        _field("thread_depth").validators[1].limit_value,
    ),
    Figure(
        "replies before a thread folds",
        "README.md",
        rf"a branch with {N} replies or more below it",
        FOLD_FROM,
    ),
    Figure(
        "form too fast",
        "README.md",
        rf"a form sent within {N} (?P<unit>second)s?",
        Default("COMMENT_FORM_MIN_SECONDS"),
    ),
    Figure(
        "form expired",
        "README.md",
        rf"or after {N} (?P<unit>hour)s? is refused",
        Default("COMMENT_FORM_MAX_SECONDS"),
    ),
    Figure("flood interval", "README.md", rf"a {N}-second flood limit", FLOOD_SECONDS),
    Figure(
        "flood status",
        "README.md",
        rf"flood limit (?:per person )?\({N}\)",
        REFUSAL_STATUS["flood"],
    ),
    Figure(
        "duplicate status",
        "README.md",
        rf"duplicate check \({N}[,)]",
        REFUSAL_STATUS["duplicate"],
    ),
    Figure("trash kept", "README.md", rf"in the trash for {N} days", TRASH_DAYS),
    Figure("trash kept", "docs/deploy.md", rf"\(comments trashed {N} days ago\)", TRASH_DAYS),
    Figure(
        "streamed above",
        "README.md",
        rf"discussions over {N} comments stream",
        Default("STREAM_COMMENTS_ABOVE"),
    ),
    # Images.
    Figure(
        "upload size",
        "README.md",
        rf"at most {N} (?P<unit>MB) and",
        Default("IMAGE_MAX_BYTES"),
    ),
    Figure(
        "upload pixels",
        "README.md",
        rf"and {N} (?P<unit>megapixels)",
        Default("IMAGE_MAX_PIXELS"),
    ),
    Figure("image side", "README.md", rf"capped at {N} (?P<unit>px)", processing.MAX_SIDE),
    Figure(
        "rendition widths",
        "README.md",
        r"renditions at (?P<list>[\d,]+(?:, [\d,]+)* and [\d,]+) px",
        processing.RENDITION_WIDTHS,
    ),
    # Settings, in README's Configuration table and in docs/deploy.md.
    Figure(
        "CONN_MAX_AGE",
        "README.md",
        rf"\| `CONN_MAX_AGE` \| `{N}`",
        Default("CONN_MAX_AGE"),
    ),
    Figure(
        "CONN_MAX_AGE",
        "docs/deploy.md",
        rf"`CONN_MAX_AGE={N}` \(the default without `DEBUG`\)",
        Default("CONN_MAX_AGE"),
    ),
    Figure(
        "COMMENT_FORM_MIN_SECONDS",
        "README.md",
        rf"`COMMENT_FORM_MIN_SECONDS`, `COMMENT_FORM_MAX_SECONDS` \| `{N}`",
        Default("COMMENT_FORM_MIN_SECONDS"),
    ),
    Figure(
        "COMMENT_FORM_MAX_SECONDS",
        "README.md",
        rf"`COMMENT_FORM_MAX_SECONDS` \| `\d+`, `{N}`",
        Default("COMMENT_FORM_MAX_SECONDS"),
    ),
    Figure(
        "DISCUSSION_CACHE_SECONDS",
        "README.md",
        rf"`PAGE_CACHE_BYTES` \| {N} (?P<unit>day)",
        Default("DISCUSSION_CACHE_SECONDS"),
    ),
    Figure(
        "PAGE_CACHE_SECONDS",
        "README.md",
        rf"`PAGE_CACHE_BYTES` \| \w+ \w+, {N} (?P<unit>minute)s",
        Default("PAGE_CACHE_SECONDS"),
    ),
    Figure(
        "PAGE_CACHE_SECONDS",
        ("README.md", "docs/deploy.md"),
        rf"`PAGE_CACHE_SECONDS`(?:, | \(){N} (?P<unit>minute)s",
        Default("PAGE_CACHE_SECONDS"),
    ),
    Figure(
        "PAGE_CACHE_BYTES",
        "README.md",
        rf"`PAGE_CACHE_BYTES` \| \w+ \w+, \d+ minutes, {N} (?P<unit>MB)",
        Default("PAGE_CACHE_BYTES"),
    ),
    Figure(
        "PAGE_CACHE_BYTES",
        "docs/deploy.md",
        rf"`PAGE_CACHE_BYTES`, {N} (?P<unit>MB) by default",
        Default("PAGE_CACHE_BYTES"),
    ),
    Figure(
        "STREAM_COMMENTS_ABOVE",
        "README.md",
        rf"\| `STREAM_COMMENTS_ABOVE` \| `{N}`",
        Default("STREAM_COMMENTS_ABOVE"),
    ),
    Figure(
        "DISCUSSION_SETTINGS_SECONDS",
        ("README.md", "docs/deploy.md"),
        rf"`DISCUSSION_SETTINGS_SECONDS` \({N}(?: (?P<unit>second)s)?\)",
        Default("DISCUSSION_SETTINGS_SECONDS"),
    ),
    Figure(
        "REQUEST_MAX_BYTES",
        "README.md",
        rf"\| `REQUEST_MAX_BYTES` \| \d+ MB \({N}\)",
        Default("REQUEST_MAX_BYTES"),
    ),
    Figure(
        "REQUEST_MAX_BYTES",
        "docs/deploy.md",
        rf"{N} (?P<unit>MB) \(`REQUEST_MAX_BYTES`\) for forms",
        Default("REQUEST_MAX_BYTES"),
    ),
    Figure(
        "IMAGE_MAX_BYTES",
        "README.md",
        rf"\| `IMAGE_MAX_BYTES` \| \d+ MB \({N}\)",
        Default("IMAGE_MAX_BYTES"),
    ),
    Figure(
        "IMAGE_MEMORY_BUDGET_MB",
        "README.md",
        rf"\| `IMAGE_MEMORY_BUDGET_MB` \| `{N}`",
        Default("IMAGE_MEMORY_BUDGET_MB"),
    ),
    Figure(
        "GUEST_COMMENTS_PER_ADDRESS",
        "README.md",
        rf"`GUEST_COMMENTS_PER_ADDRESS_MINUTES` \| `{N}`, `\d+`",
        Default("GUEST_COMMENTS_PER_ADDRESS"),
    ),
    Figure(
        "GUEST_COMMENTS_PER_ADDRESS_MINUTES",
        "README.md",
        rf"`GUEST_COMMENTS_PER_ADDRESS_MINUTES` \| `\d+`, `{N}`",
        Default("GUEST_COMMENTS_PER_ADDRESS_MINUTES"),
    ),
    Figure(
        "GUNICORN_THREADS",
        "docs/deploy.md",
        rf"`GUNICORN_THREADS` \({N}\)",
        Default("threads"),
    ),
    Figure(
        "worker recycling",
        "docs/deploy.md",
        rf"recycled every ~{N} requests",
        Default("max_requests"),
    ),
]

DEFAULTS_SCRIPT = """
import json, runpy, django
django.setup()
from django.conf import settings
names = json.loads(input())
values = {name: getattr(settings, name) for name in names if hasattr(settings, name)}
values["CONN_MAX_AGE"] = settings.DATABASES["default"]["CONN_MAX_AGE"]
values.update(runpy.run_path("gunicorn.conf.py"))
print(json.dumps({name: values[name] for name in names}))
"""


@pytest.fixture(scope="module")
def defaults() -> dict:
    """The production defaults: settings and gunicorn.conf.py read with nothing set."""
    names = sorted({f.source.name for f in FIGURES if isinstance(f.source, Default)})
    result = subprocess.run(
        [sys.executable, "-c", DEFAULTS_SCRIPT],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "coursblog.settings"},
        input=json.dumps(names),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# "four small queries", "one query": a count of queries, wherever the documentation states one.
COUNT_WORDS = "|".join(word for word in WORDS if word not in ("a", "an"))
QUERY_COUNT = re.compile(rf"\b(?:[\d,]+|{COUNT_WORDS}) (?:[a-z]+ )?quer(?:y|ies)\b", re.I)
QUERY_FIGURES = [figure for figure in FIGURES if figure.what.startswith("queries")]


def doc_text(doc: str) -> str:
    """The document with its line breaks and runs of spaces made single spaces."""
    return " ".join((ROOT / doc).read_text(encoding="utf-8").split())


def number(text: str) -> int:
    text = text.replace(",", "")
    return int(text) if text.isdigit() else WORDS[text]


def stated(figure: Figure) -> list:
    """Every value the documents state where the figure's sentence appears."""
    values = []
    matches = (m for doc in figure.docs for m in re.finditer(figure.pattern, doc_text(doc)))
    for match in matches:
        found = match.groupdict()
        if found.get("list"):
            values.append(tuple(number(n) for n in re.split(r", | and ", found["list"])))
        else:
            values.append(number(found["n"]) * UNITS.get(found.get("unit") or "", 1))
    return values


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{' or '.join(f.docs)}: {f.what}")
def test_the_documentation_states_the_true_figure(figure, defaults):
    expected = defaults[figure.source.name] if isinstance(figure.source, Default) else figure.source
    values = stated(figure)

    where = " or ".join(figure.docs)
    assert values, f"{where} no longer states {figure.what} (looked for: {figure.pattern})"
    wrong = [value for value in values if value != expected]
    assert wrong == [], (
        f"{where} states {figure.what} as {wrong[0] if wrong else ''}, but it is "
        f"{expected}: correct the sentence matching {figure.pattern}"
    )


@pytest.mark.parametrize("doc", ["README.md", "docs/deploy.md"])
def test_every_query_count_the_documentation_states_is_checked(doc):
    text = doc_text(doc)
    checked = [
        match.span()
        for figure in QUERY_FIGURES
        if doc in figure.docs
        for match in re.finditer(figure.pattern, text)
    ]
    unchecked = [
        match.group()
        for match in QUERY_COUNT.finditer(text)
        if not any(start <= match.start() < end for start, end in checked)
    ]
    assert unchecked == [], (
        f"{doc} states query counts no test checks: {unchecked}. State them in the sentences "
        "FIGURES checks, with a count from tests/figures.py, or add a Figure for them."
    )


@pytest.mark.parametrize(("text", "value"), [("seven", 7), ("1,500", 1500), ("2", 2), ("a", 1)])
def test_figures_are_read_as_written(text, value):
    assert number(text) == value
