from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from comments import discussion
from comments.models import DiscussionSettings
from posts.models import Post
from posts.views import render_post_page

CSRF_NOTICE = (
    "We could not verify that this form came from this site: its security token was "
    "missing or had expired (this happens when a page is left open for a long time or "
    "cookies are blocked). Nothing was posted. Your text is below; please send it again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse a form without a valid CSRF token, but give back what the user typed.

    For the comment form this re-renders the post page with the text in place and a
    fresh token, so one more click sends it. Anything else gets a plain 403 page.
    """
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name == "posts:detail" and request.method == "POST":
        post = Post.objects.visible_to(request.user).filter(slug=match.kwargs["slug"]).first()
        if post is not None:
            rules = DiscussionSettings.load()
            form = discussion.comment_form(request, post, rules, data=request.POST)
            return render_post_page(
                request, post, form, rules=rules, status=403, notice=CSRF_NOTICE
            )
    return render(request, "403_csrf.html", {"notice": CSRF_NOTICE}, status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the cache answer, else 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # any failure means "not healthy"
        checks["database"] = f"error: {type(error).__name__}"
    try:
        probe = f"healthz:{uuid.uuid4().hex}"
        cache.set(probe, "ok", 10)
        checks["cache"] = "ok" if cache.get(probe) == "ok" else "error: not stored"
        cache.delete(probe)
    except Exception as error:
        checks["cache"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse(checks, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
