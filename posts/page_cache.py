"""Whole post pages for readers who see what everybody sees, served from the cache.

Most readers are anonymous and see the same page. Each process keeps such pages
(up to PAGE_CACHE_BYTES) as the pieces of their bytes around the CSRF token; a
reader gets the pieces written out with a token of their own, so the comment form
stays protected and the page costs no copying at all. The pages live in the
process, not in the shared cache: building one is cheap once the discussion is
in the shared cache, and a lookup here needs no network and no unpickling.

Readers who see something of their own (logged in, their held comments, saved
comment details, a pending message, a reply form opened with ?replytocom) get the
page rendered for them. The key is made of versions that every relevant write
raises: the discussion's, the post's last change and the site's (settings, people,
roles, sources, which posts are listed for the previous/next links), plus the
discussion renderer's. So comments, edits and renames show at once; only what time
alone changes (comments closing N days after publication, a post scheduled for later
becoming a neighbour) shows within PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from comments import moderation
from comments.discussion import DETAILS_COOKIE, renderer_version, site_version_of
from course import visibility
from posts.models import PageState, Post

SHAREABLE_PARAMETERS = {"cpage"}


def may_share(request: HttpRequest) -> bool:
    """Could this request get the page every anonymous reader gets (before the post is known)?"""
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if set(request.GET) - SHAREABLE_PARAMETERS:
        return False
    if DETAILS_COOKIE in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.user.is_authenticated


def shareable(request: HttpRequest, post_pk: int) -> bool:
    """Would this reader get the same page as every anonymous reader?"""
    if not may_share(request):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return not moderation.own_comment_pks(request.session, post_pk)
    return True


def cache_key(request: HttpRequest, state: PageState) -> str:
    return (
        f"post-page:{state.pk}:{state.discussion_version}:{state.updated_at.timestamp()}:"
        f"{state.site_version}:{renderer_version()}:{request.GET.get('cpage', '')}"
    )


def cached(request: HttpRequest, slug: str) -> HttpResponse | None:
    """The page from this process's store, if this reader may have it and it is there.

    The fast path: one small query for the post's versions, and no rendering."""
    if not may_share(request):
        return None
    state = Post.objects.page_state(slug)
    if state is None or not state.is_public or not shareable(request, state.pk):
        return None
    pieces = _pages.get(cache_key(request, state))
    if pieces is None:
        return None
    response = HttpResponse()
    token = get_token(request).encode()
    for number, piece in enumerate(pieces):
        if number:
            response.write(token)
        response.write(piece)
    response["Content-Length"] = str(sum(map(len, pieces)) + len(token) * (len(pieces) - 1))
    response["Vary"] = "Cookie"
    return response


def render_and_keep(
    request: HttpRequest, post: Post, render: Callable[[str], HttpResponse]
) -> HttpResponse:
    """``render(csrf_token)``, kept for the next anonymous reader when it can be shared."""
    token = get_token(request)
    response = render(token)
    if (
        not visibility.is_public(post)
        or not shareable(request, post.pk)
        or response.status_code != 200
        or response.streaming
        or len(response.content) > settings.PAGE_CACHE_MAX_BYTES
    ):
        return response
    state = PageState(
        post.pk, post.discussion_version, post.updated_at, True, site_version_of(post)
    )
    _pages.put(cache_key(request, state), response.content.split(token.encode()))
    return response


class _ProcessPages:
    """A small least-recently-used store of page pieces, bounded in bytes and in age."""

    def __init__(self) -> None:
        self._pages: OrderedDict[str, tuple[float, list[bytes]]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> list[bytes] | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > settings.PAGE_CACHE_SECONDS:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return found[1]

    def put(self, key: str, pieces: list[bytes]) -> None:
        size = sum(map(len, pieces))
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (time.monotonic(), pieces)
            self._size += size
            while self._size > settings.PAGE_CACHE_BYTES and self._pages:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: str) -> None:
        _, pieces = self._pages.pop(key)
        self._size -= sum(map(len, pieces))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0


_pages = _ProcessPages()
