from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from images.processing import megabytes, too_many_bytes

NUL_MESSAGE = (
    "The address or form you sent contains a NUL character (an invisible code that "
    "cannot be stored). Remove it and try again."
)


class RefuseNulMiddleware:
    """Answer 400 to any request with a NUL character in its path, query, form values,
    cookies or headers, before any view or database sees it.

    NUL means nothing in text, and PostgreSQL refuses it in any string, so without
    this rule each lookup by slug, search or form field is a 500 waiting to happen.
    (Other control characters are a matter for each field: coursblog/text.py.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if "application/json" in request.headers.get("accept", ""):
                return JsonResponse({"error": NUL_MESSAGE}, status=400)
            context = {"reason": NUL_MESSAGE, "typed": _typed_text(request)}
            return render(request, "400.html", context, status=400)
        return self.get_response(request)


# Form fields that are not something a person typed (or must not be shown back).
_NOT_TYPED = ("csrfmiddlewaretoken", "issued", "parent", "password", "action", "phone")


def _typed_text(request: HttpRequest) -> list[str]:
    """What a refused form held, without the NUL characters, so nothing typed is lost."""
    if request.method != "POST" or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return []
    return [
        value.replace("\x00", "")
        for key, values in request.POST.lists()
        if not key.startswith(_NOT_TYPED) and "-" not in key
        for value in values
        if isinstance(value, str) and len(value.strip()) > 1
    ]


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
    if any("\x00" in value for value in headers if isinstance(value, str)):
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values if isinstance(value, str))
        for query in fields
        for key, values in query.lists()
    )


def allow_framing(request: HttpRequest, origins: list[str]) -> None:
    """Let these origins (and no others) show this response in a frame.

    Every page forbids framing (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``);
    an app that must be embedded (the LMS, lti/) names the origins that may embed it.
    An empty list changes nothing."""
    request.csp_frame_ancestors = list(origins)


def allow_form_action(request: HttpRequest, origins: list[str]) -> None:
    """Let this response's forms post to these origins too (``form-action``)."""
    request.csp_form_action = list(origins)


def _with_sources(policy: str, directive: str, sources: list[str], *, replace: bool) -> str:
    """``policy`` with ``sources`` added to ``directive`` (or in place of its own)."""
    kept, found = [], False
    for part in (part.strip() for part in policy.split(";")):
        if not part:
            continue
        name, _, values = part.partition(" ")
        if name.lower() == directive:
            found = True
            own = [] if replace else [v for v in values.split() if v != "'none'"]
            part = " ".join([directive, *dict.fromkeys([*own, *sources])])
        kept.append(part)
    if not found:
        kept.append(" ".join([directive, *sources]))
    return "; ".join(kept)


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY, the second line of defence against XSS.

    Our pages carry no inline script, so the policy can forbid it outright. A view or
    middleware may widen two directives for one response: allow_framing() and
    allow_form_action().
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = self.policy
        ancestors = getattr(request, "csp_frame_ancestors", None)
        if ancestors:
            policy = _with_sources(policy, "frame-ancestors", ancestors, replace=True)
            # X-Frame-Options cannot name an origin; frame-ancestors says it all.
            del response.headers["X-Frame-Options"]
        form_action = getattr(request, "csp_form_action", None)
        if form_action and policy:
            policy = _with_sources(policy, "form-action", form_action, replace=False)
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


class RequestTooLarge(Exception):
    """A request body is over its limit; ``size`` is None when it was sent in chunks."""

    def __init__(self, limit: int, size: int | None):
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit
        self.size = size

    @property
    def sent(self) -> str:
        """How much was sent, in words: a chunked body is read only up to its limit."""
        return f"over {megabytes(self.limit)}" if self.size is None else megabytes(self.size)


# Where a body may carry an image: the editor's image upload and its post form
# (with a featured image), and a member's picture. Everything else gets the general limit.
UPLOAD_VIEWS = frozenset({"images:upload", "posts:write", "posts:edit", "accounts:avatar"})
# Endpoints the editor's JavaScript calls: they answer in JSON, errors too.
JSON_VIEWS = frozenset({"images:upload", "posts:autosave", "posts:autosave_new"})
CHUNK_BYTES = 64 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request body over its limit with a 413, before anything reads it.

    A body with a Content-Length is judged by it alone. A chunked body (no
    Content-Length) is read here, up to one byte past its limit, and only when the
    server ends the input after it (``wsgi.input_terminated``, as gunicorn does):
    Django itself reads nothing of such a body, so it is handed on as if its length
    had been declared. Must come before any middleware that reads the body (the
    CSRF check reads the form), which is why it sits near the top of MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self.check(request)
        except RequestTooLarge as refused:
            return too_large(request, refused)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            size = int(declared) if declared.isdigit() else 0
            if size > settings.REQUEST_MAX_BYTES and size > (limit := body_limit(request)):
                raise RequestTooLarge(limit, size)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and (
            request.META.get("wsgi.input_terminated")
        ):
            limit = body_limit(request)
            body = read_at_most(request.META["wsgi.input"], limit)
            # What WSGIRequest would have made of a declared length.
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))


def body_limit(request: HttpRequest) -> int:
    """The most bytes this request's body may have, by the view it goes to."""
    if view_name(request) in UPLOAD_VIEWS:
        return settings.UPLOAD_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


def view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def read_at_most(stream, limit: int) -> bytearray:
    """All of ``stream``, or RequestTooLarge as soon as it has given more than ``limit``."""
    body = bytearray()
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - len(body))):
        body += chunk
        if len(body) > limit:
            raise RequestTooLarge(limit, None)
    return body


def too_large(request: HttpRequest, refused: RequestTooLarge) -> HttpResponse:
    """The 413 answer: JSON for the editor's scripts, a page in the site's look otherwise."""
    name = view_name(request)
    sent = refused.sent
    if name in JSON_VIEWS:
        if name == "images:upload":
            error = too_many_bytes(f"This upload is {sent}")
        else:
            error = (
                f"Not saved automatically: this draft is {sent}; "
                f"at most {megabytes(refused.limit)} can be saved at once."
            )
        return JsonResponse({"error": error}, status=413)
    context = {
        "sent": sent,
        "limit": megabytes(refused.limit),
        "image_limit": megabytes(settings.IMAGE_MAX_BYTES) if name in UPLOAD_VIEWS else None,
    }
    return render(request, "413.html", context, status=413)
