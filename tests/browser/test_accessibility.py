"""axe-core finds no serious accessibility problems; the page reads well on a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from course.models import CourseSettings
from tests.browser.pages import log_in
from tests.factories import make_comment
from tests.tools import needs

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    needs(AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"),
]


def serious_violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate() is not subject to the page's CSP
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize(
    "state",
    [
        "guest", "reply-with-errors", "member", "home", "login", "signup", "editor",
        "editor-errors", "editor-link-dialog", "phone-menu", "search", "search-problem",
    ],
)  # fmt: skip
def test_pages_have_no_serious_accessibility_violations(demo, new_page, state):
    page = new_page(viewport={"width": 320, "height": 640} if state == "phone-menu" else None)
    if state == "phone-menu":
        log_in(page, "instructor")
        page.goto("/")
        page.locator("#site-menu > summary").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    elif state == "home":
        page.goto("/")
    elif state.startswith("search"):
        page.goto("/")
        page.fill("#site-search", "soviet" if state == "search" else '" * -')
        page.press("#site-search", "Enter")
        expect(page.locator(".search-count, .search-problem")).to_be_visible()
        assert "/search/?q=" in page.url
    elif state == "login":
        page.goto("/accounts/login/")
    elif state == "signup":
        settings = CourseSettings.load()
        settings.join_code = "HIST-214"
        settings.save()
        page.goto("/accounts/signup/")
        page.click("form.stacked-form button.submit")
        expect(page.locator(".field-error").first).to_be_visible()
    elif state.startswith("editor"):
        log_in(page, "anderson")
        page.goto(f"/write/{demo.pk}/")
        expect(page.locator(".rich-text-toolbar")).to_be_visible()
        if state == "editor-errors":
            page.fill("#id_title", "")
            page.click("button[value=save]")
            expect(page.locator(".form-errors")).to_be_visible()
        elif state == "editor-link-dialog":
            page.locator(".rich-text-surface .ProseMirror p").first.dblclick()
            page.keyboard.press("Control+k")
            page.fill("#link-dialog-href", "not an address")
            page.press("#link-dialog-href", "Enter")
            expect(page.get_by_role("alert")).to_be_visible()
    else:
        if state == "member":
            log_in(page, "caroline")
        page.goto(demo.get_absolute_url())
        if state == "reply-with-errors":
            page.click(".comment-reply-link >> nth=0")
            page.click("#commentform button.submit")
            expect(page.locator(".form-errors")).to_be_visible()
    assert serious_violations(page) == []


def test_a_deep_thread_fits_a_phone_screen(demo, new_page):
    parent = Comment.objects.get(body__startswith="Agree with Caroline")
    for depth in range(9):
        parent = make_comment(
            demo,
            parent=parent,
            body=f"Depth {depth + 2} reply with a long unbroken word " + "x" * 60,
        )
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto(demo.get_absolute_url())
    expect(page.locator(f"#comment-{parent.pk}")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    box = page.locator(f"#comment-{parent.pk} .comment-content").bounding_box()
    assert box["width"] >= 150, "the deepest reply still has room to be read"
