"""Coursblog inside the LMS's frame.

Every page forbids framing. The LTI pages (login, launch, deep linking, refusals) may
be framed by the registered platforms' LMS addresses, and every page of a session
that began with a launch by that session's platform; there too the session and CSRF
cookies become ``SameSite=None; Secure; Partitioned`` (lti/cookies.py), so the
member stays logged in inside the frame. Nothing changes while no platform is
registered, nor for anyone who did not come from the LMS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from coursblog.middleware import allow_framing
from lti.cookies import embed_cookie
from lti.launch import lti_cookie_path
from lti.models import Platform

# In the session of a member who came from the LMS: {"platform": pk, "frame_origins": [...]}.
SESSION_KEY = "lti"


def mark_embedded(request: HttpRequest, platform: Platform) -> None:
    """This session began with a launch from ``platform``."""
    request.session[SESSION_KEY] = {"platform": platform.pk, "frame_origins": platform.origins()}


def embedded_session(request: HttpRequest, response: HttpResponse | None = None) -> dict | None:
    """The launch this session began with, if any (without loading a session nobody has)."""
    session = getattr(request, "session", None)
    name = settings.SESSION_COOKIE_NAME
    if session is None or (
        name not in request.COOKIES and (response is None or name not in response.cookies)
    ):
        return None
    return session.get(SESSION_KEY)


class LtiEmbeddingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        embedded = embedded_session(request, response)
        if embedded:
            allow_framing(request, embedded["frame_origins"])
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                cookie = response.cookies.get(name)
                if cookie is not None and cookie.value:
                    embed_cookie(response, name)
        elif request.path_info.startswith(lti_cookie_path()):
            allow_framing(request, Platform.objects.frame_origins())
        return response
