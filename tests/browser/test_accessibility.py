"""axe-core finds no serious accessibility problems; the page reads well on a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from comments.models import Comment, Report
from course.models import CourseSettings
from tests.browser.pages import log_in, log_in_to_the_admin
from tests.factories import make_comment, make_post
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


PHONE = {"width": 320, "height": 640}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "state",
    [
        "guest", "reply-with-errors", "member", "home", "login", "signup", "editor",
        "editor-errors", "editor-link-dialog", "phone-menu", "phone-post", "phone-home",
        "archives", "month", "admin-comments", "admin-reply",
        "report", "report-errors", "reported-desk",
        "search", "search-problem",
    ],
)  # fmt: skip
def test_pages_have_no_serious_accessibility_violations(demo, new_page, state, scheme):
    page = new_page(viewport=PHONE if state.startswith("phone") else None, color_scheme=scheme)
    if state in ("phone-home", "archives"):
        page.goto("/" if state == "phone-home" else "/archives/")
    elif state == "month":
        page.goto(f"/archives/{demo.published_at.year}/{demo.published_at.month}/")
    elif state == "phone-menu":
        log_in(page, "instructor")
        page.goto("/")
        page.locator("#site-menu > summary").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    elif state.startswith("admin"):
        held = make_comment(
            demo, body="Held.", status=Comment.Status.PENDING, ip_address="192.0.2.1"
        )
        log_in_to_the_admin(page, "/admin/comments/comment/")
        if state == "admin-comments":  # the inline reply form open under the row
            page.get_by_role("link", name="Approve and reply").click()
            expect(page.locator("#comment-inline-body")).to_be_focused()
        else:  # the reply page, as without JavaScript
            page.goto(f"/admin/comments/comment/{held.pk}/reply/")
    elif state.startswith("report"):
        target = Comment.objects.get(body__startswith="Agree with Caroline")
        log_in(page, "instructor" if state == "reported-desk" else "caroline")
        if state == "reported-desk":
            Report.objects.create(
                comment=target, reporter=User.objects.get(username="caroline"), reason="spam"
            )
            page.goto("/admin/comments/report/")
        else:
            page.goto(f"/comments/{target.pk}/report/")
        if state == "report-errors":
            page.click("form.report-form button.submit")
            expect(page.locator(".form-errors")).to_be_visible()
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
    expect(page.locator("main")).to_be_visible()
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
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


@pytest.mark.parametrize("javascript", [True, False], ids=["with script", "without"])
def test_the_post_page_has_no_horizontal_scroll_at_320_pixels(demo, new_page, javascript):
    """The whole post page, a ten-deep thread and a neighbour's long title included."""
    parent = Comment.objects.get(body__startswith="Agree with Caroline")
    for depth in range(9):
        parent = make_comment(demo, parent=parent, body=f"Depth {depth + 2}: " + "word " * 30)
    make_post(title="A newer essay with a title long enough to wrap " + "y" * 40)
    page = new_page(javascript=javascript, viewport=PHONE)
    page.goto(demo.get_absolute_url())
    expect(page.locator(".post-navigation .nav-next")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    text_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.entry-content p')).fontSize)"
    )
    assert text_size >= 16, "body text stays readable on a phone"
