"""Real-browser tests: Debian's Chromium driven by Playwright.

Playwright's own browser download does not work on these machines, so the tests
launch the system `chromium` and skip, saying why, where it is not installed
(`make browser-deps` or `.ci/run` installs it).
"""

import os
import shutil

import pytest

from tests.tools import needs

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# made by the test itself (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    try:
        import playwright  # noqa: F401

        have_playwright = True
    except ImportError:
        have_playwright = False
    marks = [
        needs(CHROMIUM is not None, "no Chromium: install Debian's chromium (make browser-deps)"),
        needs(have_playwright, "playwright is not installed (make install-dev)"),
    ]
    for item in items:
        if "browser" in item.keywords:
            for mark in marks:
                item.add_marker(mark)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class CSPWatcher:
    """Collects Content-Security-Policy violations and page errors reported by the browser."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message):
        if message.type == "error" and (
            "Content Security Policy" in message.text or "Refused to" in message.text
        ):
            self.problems.append(message.text)


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts (separate sessions); CSP violations fail the test."""
    contexts, watchers = [], []

    def open_page(*, javascript: bool = True, viewport=None, color_scheme: str = "light"):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            viewport=viewport or {"width": 1280, "height": 900},
            color_scheme=color_scheme,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watchers.append(CSPWatcher(page))
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems = [problem for watcher in watchers for problem in watcher.problems]
    assert problems == [], problems


@pytest.fixture
def demo(transactional_db, live_server):
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from posts.models import Post

    return Post.objects.get()
