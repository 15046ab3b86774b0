"""Whole post pages for readers who see what everybody sees, served from the cache.

Most readers are anonymous and see the same page. Their page is cached as the
pieces of its bytes around the CSRF token; each reader gets the pieces joined with
a token of their own, so the comment form stays protected and the page costs a
cache read and a copy.

Readers who see something of their own (logged in, their held comments, saved
comment details, a pending message, a reply form opened with ?replytocom) get the
page rendered for them. The key holds the discussion's version and the post's
last change, so comments and edits show at once; things that change neither
(an author renaming themselves, a shared source edited in the admin) show within
PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from comments import moderation
from comments.discussion import DETAILS_COOKIE
from comments.models import DiscussionSettings

SHAREABLE_PARAMETERS = {"cpage"}


def shareable(request: HttpRequest, post) -> bool:
    """Would this reader get the same page as every anonymous reader?"""
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if request.user.is_authenticated or not post.is_published:
        return False
    if set(request.GET) - SHAREABLE_PARAMETERS:
        return False
    if DETAILS_COOKIE in request.COOKIES or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return not moderation.own_comment_pks(request.session, post.pk)
    return True


def cache_key(request: HttpRequest, post, rules: DiscussionSettings) -> str:
    layout = f"{rules.thread_depth}.{rules.paginate}.{rules.threads_per_page}.{rules.order}"
    changed = post.updated_at.timestamp()
    return (
        f"post-page:{post.pk}:{post.discussion_version}:{changed}:{layout}:"
        f"{rules.who_can_comment}:{request.GET.get('cpage', '')}"
    )


def serve(
    request: HttpRequest,
    post,
    rules: DiscussionSettings,
    render: Callable[[str], HttpResponse],
) -> HttpResponse:
    """The page from the cache, or ``render(csrf_token)`` (cached when it can be)."""
    if not shareable(request, post):
        return render(get_token(request))
    key = cache_key(request, post, rules)
    page = cache.get(key)
    if page is None:
        token = get_token(request)
        response = render(token)
        if response.status_code != 200 or len(response.content) > settings.PAGE_CACHE_MAX_BYTES:
            return response
        cache.set(key, response.content.split(token.encode()), settings.PAGE_CACHE_SECONDS)
        return response
    response = HttpResponse(get_token(request).encode().join(page))
    response["Vary"] = "Cookie"
    return response
