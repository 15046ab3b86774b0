"""The discussion part of a post page: the reply form as this reader gets it, and the
thread page they see. posts.views renders the page; this decides what goes in it."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts import people
from comments import fragments, moderation, reports
from comments import thread as renderer
from comments.forms import CommentForm, find_reply_target
from comments.models import Comment, DiscussionSettings, page_url
from comments.thread import Marks, PagePlan, Thread, as_page_number, stream_thread
from coursblog.http import client_ip
from course.models import SiteVersion
from participation.exemplary import exemplary_comment_ids

# "Save my name, email and website in this browser": a signed cookie, as WordPress keeps.
DETAILS_COOKIE = "comment_author"
DETAILS_SALT = "comments.saved-details"
DETAILS_MAX_AGE = 365 * 24 * 3600


def comment_form(request: HttpRequest, post, rules: DiscussionSettings, data=None) -> CommentForm:
    initial = {}
    if data is None and not request.user.is_authenticated:
        initial = saved_details(request)
    return CommentForm(
        data,
        post=post,
        user=request.user,
        rules=rules,
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        initial=initial,
    )


def saved_details(request: HttpRequest) -> dict:
    details = request.get_signed_cookie(
        DETAILS_COOKIE, default=None, salt=DETAILS_SALT, max_age=DETAILS_MAX_AGE
    )
    if not isinstance(details, str):
        return {}
    name, _, rest = details.partition("\n")
    email, _, url = rest.partition("\n")
    return {"name": name, "email": email, "url": url, "save_details": True}


def remember_details(response: HttpResponse, form: CommentForm) -> None:
    """Keep (or forget) a guest's name, email and website, as they asked."""
    if "save_details" not in form.fields:
        return
    if form.cleaned_data.get("save_details"):
        data = form.cleaned_data
        response.set_signed_cookie(
            DETAILS_COOKIE,
            "\n".join([data["name"], data["email"], data["url"]]),
            salt=DETAILS_SALT,
            max_age=DETAILS_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(DETAILS_COOKIE, samesite="Lax")


def context(
    request: HttpRequest, post, form: CommentForm, rules: DiscussionSettings, *, notice: str = ""
) -> dict:
    """Everything the discussion part of the post template needs."""
    reply_to, reply_notice = _reply_target(request, post, form)
    reply_to_name = ""
    if reply_to is not None:
        reply_to_name = people.comment_author_name(reply_to, people.sees_identities(request.user))
    if form.is_bound and "parent" in form.errors:
        form.data = form.data.copy()
        form.data["parent"] = ""  # resending makes a new comment, not a reply to nowhere
    closed_reason, members_only = "", False
    try:
        moderation.check_can_comment(post, request.user, rules)
    except moderation.MembersOnly as refusal:
        closed_reason, members_only = str(refusal), True
    except moderation.CommentingClosed as closed:
        closed_reason = str(closed)
    own = moderation.own_comment_pks(request.session, post.pk)
    thread = discussion_page(request, post, rules, own)
    return {
        "thread": thread,
        "thread_html": mark_safe(thread.html),  # noqa: S308 - rendered by comments.thread
        "thread_stream": thread.chunks,
        "page_url": page_url(post, thread.page, thread.default_page),
        "pages": [
            (number, page_url(post, number, thread.default_page))
            for number in range(1, thread.page_count + 1)
        ],
        "form": form,
        "reply_to": reply_to,
        "reply_to_name": reply_to_name,
        "notice": notice or reply_notice,
        "closed_reason": closed_reason,
        "members_only": members_only,
        # The thread's Report links are in everyone's markup; members are shown them.
        "may_report": reports.may_report(request.user),
    }


@dataclasses.dataclass(frozen=True)
class DiscussionPage:
    """One rendered page of a discussion: what is cached, and shared between readers."""

    html: str
    approved_count: int
    page: int
    page_count: int
    default_page: int
    # A long discussion comes as pieces of markup, read as they are sent (html is "").
    chunks: Iterator[str] | None = None


def discussion_page(request: HttpRequest, post, rules: DiscussionSettings, own) -> DiscussionPage:
    """The page of the discussion this reader sees, from the cache when it can be shared.

    The cache key is made of versions, not of a list of what the page shows: the
    post's discussion_version (every comment write and moderation action raises it
    in its own transaction), the post's last change (its author, its address), the
    site's version (settings, people, roles), the rules' version and the renderer's.
    So no reader is ever served a page older than what the database holds. Readers
    with their own held or still editable comments get a page rendered for them alone.
    """
    requested = request.GET.get("cpage")
    identities = people.sees_identities(request.user)
    key = cache_key(post, rules, as_page_number(requested), identities=identities)
    editable = changeable_pks(post, request.user, own, rules)
    shared = not own and not editable
    use_cache = settings.DISCUSSION_CACHE_SECONDS > 0
    if use_cache and shared and (cached := cache.get(key)) is not None:
        return cached
    plan = PagePlan.for_post(post, own, rules, requested)
    # Exemplary marks change the page through the post's discussion version (marking) and
    # the site's (an author's preference), so they are part of what is cached.
    exemplary = exemplary_comment_ids(post) if plan.approved_count else frozenset()
    marks = Marks.for_post(post, identities=identities, exemplary=exemplary)
    if plan.approved_count > settings.STREAM_COMMENTS_ABOVE:
        chunks = stream_thread(
            post, own, plan, deepest_level=rules.deepest_level, editable=editable, marks=marks
        )
        return DiscussionPage(
            "", plan.approved_count, plan.page, plan.page_count, plan.default_page, chunks
        )
    page = Thread.for_post(post, own, rules=rules, plan=plan)
    rendered = DiscussionPage(
        html=str(
            page.render(
                post=post, deepest_level=rules.deepest_level, editable=editable, marks=marks
            )
        ),
        approved_count=page.approved_count,
        page=page.page,
        page_count=page.page_count,
        default_page=page.default_page,
    )
    if use_cache and shared and len(rendered.html) <= settings.PAGE_CACHE_MAX_BYTES:
        cache.set(key, rendered, settings.DISCUSSION_CACHE_SECONDS)
    return rendered


def changeable_pks(post, user, own: frozenset[int], rules: DiscussionSettings) -> frozenset[int]:
    """The reader's comments on ``post`` still inside the edit window (a query only for a
    member, or a guest with comments of their own)."""
    if not own and not user.is_authenticated:
        return frozenset()
    mine = Q(pk__in=own, user__isnull=True)
    if user.is_authenticated:
        mine |= Q(user=user)
    since = timezone.now() - timedelta(minutes=rules.edit_window_minutes)
    recent = Comment.objects.filter(mine, post=post, created__gte=since).exclude(
        status__in=(Comment.Status.SPAM, Comment.Status.TRASH)
    )
    return frozenset(recent.values_list("pk", flat=True))


def cache_key(post, rules: DiscussionSettings, page: int | None, *, identities: bool) -> str:
    """The discussion page's cache key: versions that every relevant write raises, and
    whether the reader sees who wrote anonymous comments (instructors do)."""
    return (
        f"discussion:{post.pk}:{post.discussion_version}:{post.updated_at.timestamp()}:"
        f"{site_version_of(post)}:{rules.version}:{renderer_version()}:{page}:{identities:d}"
    )


def site_version_of(post) -> int:
    """The site's version as read with the post (Post.objects.with_page_state), or now."""
    version = getattr(post, "site_version", None)
    if version is None:
        version = post.site_version = SiteVersion.current()
    return version


def renderer_version() -> str:
    """The renderer's own version: its code and the site's time zone. A deploy that
    changes the markup, or the time zone, changes every key, so a cache shared by
    app servers serves no page of the old shape."""
    return f"{_RENDERER_CODE}:{settings.TIME_ZONE}"


_RENDERER_CODE = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (renderer, fragments))
).hexdigest()[:12]


def _reply_target(request: HttpRequest, post, form: CommentForm):
    """The comment being replied to, from a sent form or from ?replytocom=<pk>."""
    if form.is_bound:
        form.is_valid()  # validated already on the normal path; cached
        return form.cleaned_data.get("parent"), ""
    raw = request.GET.get("replytocom", "")
    try:
        reply_to = find_reply_target(post, raw)
    except ValidationError as error:
        return None, f"{error.messages[0]} You can leave a new comment below."
    if reply_to is not None:
        form.initial["parent"] = reply_to.pk
    return reply_to, ""
