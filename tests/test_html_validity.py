"""Every kind of page we render is valid HTML5 by the W3C Nu checker (vnu.jar).

The checker comes from npm (`vnu-jar`, installed by `make test`) and needs Java;
the test skips, saying which is missing, where either is absent.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from comments import notifications
from comments.forms import issue_stamp
from comments.models import Comment, DiscussionSettings
from course.models import CourseSettings
from participation import exemplary
from posts.models import Post
from tests.factories import make_comment
from tests.tools import needs
from topics.models import Topic

VNU_JAR = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)
JAVA = shutil.which("java")

pytestmark = [
    pytest.mark.django_db,
    needs(JAVA is not None, "the Nu HTML checker needs Java (apt install default-jre-headless)"),
    needs(VNU_JAR.exists(), "vnu.jar is missing: run `npm ci` (make test does)"),
]


HOSTILE_COMMENTS = [
    # (name, website, text): the shapes that made the post page invalid before
    ("Links", "", '<a href="javascript:alert(1)">a link that loses its address</a>'),
    ("Quote", 'http://example.com/"onmouseover=alert(1)', 'http://example.com/"onmouseover=x'),
    ("Break", "", '<a href="java<br>script:alert(1)">broken scheme</a>'),
    ("Soup", "", '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099'
     '&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">entity soup</a>'),
    ("Spaces", "http://example.com/a b", '<a href="http://exa mple.com/a\nb c">spaces</a>'),
    ('"><script>alert(1)</script>', "https://ex.com/<b>", "<b>name</b> <i>markup</i>"),
    ("<b>Bold</b> &amp; co", "", '<a href="http://ex.com/?a=1&b=<2>">query</a>'),
]  # fmt: skip


def post_hostile_comments(client: Client, url: str) -> None:
    for number, (name, website, text) in enumerate(HOSTILE_COMMENTS):
        client.post(
            url,
            {
                "name": name,
                "email": f"hostile{number}@example.com",
                "url": website,
                "body": text,
                "issued": issue_stamp(),
            },
            REMOTE_ADDR=f"192.0.2.{number}",
        )
    for comment in Comment.objects.filter(author_email__startswith="hostile"):
        comment.approve()


def long_thread_post(author, instructor) -> Post:
    """A thread ten deep with folded branches, avatars in several scripts, an anonymous
    comment and an exemplary one: everything the comment thread can show."""
    post = Post.objects.create(
        title="Long thread", author=author, status="published", body="<p>x</p>"
    )
    parent = make_comment(post, author_name="Ana María López")
    for name in ["王小明", "Ελένη", "***", "Мария Иванова"] * 2 + ["Last"]:
        parent = make_comment(post, parent=parent, author_name=name)
    root = make_comment(post, user=author, author_name=author.display_name)
    for _ in range(4):
        make_comment(post, parent=root, user=instructor, author_name="Instructor")
    make_comment(post, parent=root, user=author, author_name="Shy", anonymous=True)
    exemplary.mark_comment(root, by=instructor)
    return post


def rendered_pages() -> dict[str, str]:
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    post = Post.objects.get()
    url = post.get_absolute_url()
    caroline = Comment.objects.get(body__startswith="Anderson")
    reported = Comment.objects.get(body__startswith="Agree with Caroline")
    guest, member, enforcing = Client(), Client(), Client(enforce_csrf_checks=True)
    writer, instructor = Client(), Client()
    member.force_login(User.objects.get(username="caroline"))
    writer.force_login(User.objects.get(username="anderson"))
    instructor.force_login(User.objects.get(username="instructor"))
    guest.post(
        url,
        {
            "name": "Maya",
            "email": "maya@example.edu",
            "body": "Held <b>one</b>",
            "issued": issue_stamp(),
        },
    )
    closed = Post.objects.create(
        title="Closed", author=post.author, status="published", comments_open=False
    )

    hostile_post = Post.objects.create(
        title="Hostile links", author=post.author, status="published", body="<p>x</p>"
    )
    post_hostile_comments(Client(), hostile_post.get_absolute_url())
    course = CourseSettings.load()
    course.tagline = "Essays & discussion: History <210>"
    course.save()
    month = post.published_at
    long_thread = long_thread_post(post.author, User.objects.get(username="instructor"))
    pages = {
        "post-long-thread": guest.get(long_thread.get_absolute_url()),
        "post-long-thread-instructor": instructor.get(long_thread.get_absolute_url()),
        "post-hostile": guest.get(hostile_post.get_absolute_url()),
        "home": guest.get(reverse("posts:list")),
        "post": guest.get(url),
        "post-replytocom": guest.get(url, {"replytocom": caroline.pk}),
        "post-errors": guest.post(
            url, {"name": "", "email": "x@", "body": "", "parent": caroline.pk}
        ),
        "post-member": member.get(url),
        "post-closed-kept": guest.post(
            closed.get_absolute_url(), {"name": "M", "email": "m@x.io", "body": "kept"}
        ),
        "post-csrf": enforcing.post(url, {"name": "M", "email": "m@x.io", "body": "kept"}),
        "login": guest.get(reverse("account_login")),
        "signup-closed": guest.get(reverse("account_signup")),
        "password-reset": guest.get(reverse("account_reset_password")),
        "not-found": guest.get("/posts/no-such-post/"),
        "author": guest.get(
            reverse("posts:author", kwargs={"pk": User.objects.get(username="anderson").pk})
        ),
        "source": guest.get(reverse("posts:source", kwargs={"pk": post.sources.first().pk})),
        "editor-new": writer.get(reverse("posts:write")),
        "editor-existing": writer.get(reverse("posts:edit", kwargs={"pk": post.pk})),
        "editor-errors": writer.post(reverse("posts:write"), {"title": "", "body": "<p>x</p>"}),
        "preview": writer.get(reverse("posts:preview", kwargs={"pk": post.pk})),
        "your-posts": writer.get(reverse("posts:mine")),
        "review": instructor.get(reverse("posts:review")),
        "archives": guest.get(reverse("posts:archives")),
        "month": guest.get(reverse("posts:month", args=[month.year, month.month])),
        "search": guest.get(reverse("search:results"), {"q": "soviet"}),
        "search-member": member.get(reverse("search:results"), {"q": "anderson"}),
        "search-nothing": guest.get(reverse("search:results"), {"q": "zanzibar"}),
        "search-empty": guest.get(reverse("search:results")),
        "search-problem": guest.get(reverse("search:results"), {"q": '" * -'}),
    }
    Topic.objects.create(name="Diplomacy").posts.add(post)
    pages["topics"] = guest.get(reverse("topics:index"))
    pages["home-with-topics"] = guest.get(reverse("posts:list"))
    course = CourseSettings.load()
    course.join_code = "HIST-214"
    course.save()
    pages["signup-open"] = guest.get(reverse("account_signup"))
    pages["signup-errors"] = guest.post(reverse("account_signup"), {"join_code": "no"})

    held = Comment.objects.get(body__startswith="Held")
    token = notifications.moderation_url(held, "approve", User.objects.get(username="instructor"))
    pages["moderate-confirm"] = guest.get(token.removeprefix(settings.SITE_URL))
    caroline.notify_replies = True
    caroline.save()
    pages["unsubscribe"] = guest.get(
        notifications.unsubscribe_url(caroline).removeprefix(settings.SITE_URL)
    )
    pages["link-expired"] = guest.get(reverse("comments:moderate", kwargs={"token": "nope"}))
    pages["edit-own-comment"] = guest.get(reverse("comments:edit", kwargs={"pk": held.pk}))
    desk = reverse("admin:comments_comment_changelist")
    pages["admin-comments"] = instructor.get(desk, {"status": "all"})
    reply = reverse("admin:comments_comment_reply", args=[held.pk])
    pages["admin-reply"] = instructor.get(reply)
    pages["admin-reply-errors"] = instructor.post(reply, {"body": ""})
    pages["too-late"] = guest.get(reverse("comments:edit", kwargs={"pk": caroline.pk}))
    pages["too-large"] = guest.post(url, {"body": "x" * (settings.REQUEST_MAX_BYTES + 1)})
    report_url = reverse("comments:report", kwargs={"pk": reported.pk})
    pages["report"] = member.get(report_url)
    pages["report-errors"] = member.post(report_url, {"reason": "other", "note": ""})
    member.post(report_url, {"reason": "other", "note": "Off <b>topic</b>\nand more"})
    pages["report-again"] = member.get(report_url)
    pages["report-own"] = member.get(reverse("comments:report", kwargs={"pk": caroline.pk}))
    pages["report-guest"] = guest.post(report_url, {"reason": "spam"})
    pages["reported-desk"] = instructor.get(reverse("admin:comments_report_changelist"))
    rules = DiscussionSettings.load()
    rules.threads_per_page = 1
    rules.who_can_comment = DiscussionSettings.WhoCanComment.MEMBERS
    rules.save()
    pages["paged-members-only"] = guest.get(url, {"cpage": 2})
    statuses = {name: response.status_code for name, response in pages.items()}
    assert statuses == {name: EXPECTED_STATUS.get(name, 200) for name in pages}
    assert "<mark>" in pages["search"].content.decode()  # results, snippets and all
    return {name: response.content.decode() for name, response in pages.items()}


# Error pages are valid HTML too: each page must also be the page it is meant to be.
EXPECTED_STATUS = {
    "post-errors": 400,
    "post-closed-kept": 403,
    "post-csrf": 403,
    "not-found": 404,
    "editor-errors": 400,
    "signup-closed": 200,
    "signup-errors": 200,
    "link-expired": 400,
    "too-late": 403,
    "admin-reply-errors": 400,
    "too-large": 413,
    "report-errors": 400,
    "report-guest": 403,
}


def nu_page_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """The W3C Nu checker's errors for ``pages`` ({name: HTML}), as "name.html:line: message"."""
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    return nu_errors(files)


def nu_errors(files: list[str]) -> list[str]:
    """The Nu checker's errors for ``files`` (paths), as "name:line: message"."""
    result = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr)["messages"] if result.stderr.strip() else []
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
    assert errors or result.returncode == 0, result.stdout
    return errors


def test_pages_are_valid_html5(tmp_path):
    assert nu_page_errors(rendered_pages(), tmp_path) == []
