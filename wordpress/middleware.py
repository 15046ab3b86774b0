from __future__ import annotations

from collections.abc import Callable

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.urls import Resolver404, resolve

from course import visibility
from course.privacy import mark_private
from posts.models import Post
from wordpress import links


class OldLinksMiddleware:
    """301 from a WordPress address of an imported post to its new one.

    It never shadows the site's own pages: ``/?p=`` is a WordPress-only parameter
    of the home page, and any other old path is only looked at when nothing here
    answers it (a 404 for a path no URL pattern of ours matches). An old id or path
    we do not know, or one of a post the reader may not read, stays a plain 404.

    The redirect is permanent, and so may be cached by browsers and proxies, only when
    it leads to a public post; any other is a private 302 (the reader's rights may
    change, and a shared cache must not keep it).
    """

    WORDPRESS_ID_PARAMETERS = ("p", "page_id")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path_info == "/"
            and request.method in ("GET", "HEAD")
            and any(name in request.GET for name in self.WORDPRESS_ID_PARAMETERS)
        ):
            found = links.target_for_id_query(request.user, request.GET)
            if found is None:
                raise Http404("No imported WordPress post has that id.")
            return _redirect(request, *found)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            found = self._target(request)
            if found is not None:
                return _redirect(request, *found)
        return response

    def _target(self, request: HttpRequest) -> tuple[str, Post | None] | None:
        try:
            resolve(request.path_info)
            return None  # one of our own pages said 404: it stands
        except Resolver404:
            pass
        found = links.target_for_path(request.user, request.path_info, request.GET)
        return None if found is None or found[0] == request.path else found


def _redirect(request: HttpRequest, target: str, post: Post | None) -> HttpResponse:
    if post is None or visibility.is_public(post):
        return HttpResponsePermanentRedirect(target)
    mark_private(request)
    return HttpResponseRedirect(target)
