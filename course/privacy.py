"""Pages that show what not everyone may read say so: to caches and to search engines.

A view calls ``mark_private(request)`` when its page shows anything that is not public
(course/visibility.py decides what is). The page then carries
``<meta name="robots" content="noindex">`` (base.html, through the ``private_page``
context variable), and ``PrivatePagesMiddleware`` adds ``X-Robots-Tag: noindex`` and
``Cache-Control: private``. Pages rendered for a logged-in reader are
``Cache-Control: private`` too: they are theirs. Only public post pages ever enter
the anonymous page cache (posts/page_cache.py checks the same rule).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from course import visibility

_FLAG = "private_page"


def mark_private(request: HttpRequest) -> None:
    setattr(request, _FLAG, True)


def mark_private_unless_public(request: HttpRequest) -> None:
    """For listings: private when the course is not public, or the reader may read more
    than the public (a logged-in reader on a course with class-only posts)."""
    if request.user.is_authenticated or not visibility.course_is_public():
        mark_private(request)


def is_private(request: HttpRequest) -> bool:
    return getattr(request, _FLAG, False)


def private_page(request: HttpRequest) -> dict:
    """Context processor: ``private_page`` for base.html's robots meta element."""
    return {"private_page": lambda: is_private(request)}


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request):
            response.headers["X-Robots-Tag"] = "noindex"
            patch_cache_control(response, private=True)
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
