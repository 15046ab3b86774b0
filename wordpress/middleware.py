from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from wordpress import links


class OldLinksMiddleware:
    """301 from a WordPress address of an imported post to its new one.

    It never shadows the site's own pages: ``/?p=`` is a WordPress-only parameter
    of the home page, and any other old path is only looked at when nothing here
    answers it (a 404 for a path no URL pattern of ours matches). An old id or path
    we do not know stays a plain 404.
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
            target = links.target_for_id_query(request.GET)
            if target is None:
                raise Http404("No imported WordPress post has that id.")
            return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = self._target(request)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        return response

    def _target(self, request: HttpRequest) -> str | None:
        try:
            resolve(request.path_info)
            return None  # one of our own pages said 404: it stands
        except Resolver404:
            pass
        target = links.target_for_path(request.path_info, request.GET)
        return None if target is None or target == request.path else target
