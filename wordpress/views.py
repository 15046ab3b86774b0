from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from posts.models import Post
from wordpress import links


@require_safe
def comment_link(request: HttpRequest) -> JsonResponse:
    """Where an old ``#comment-<WordPress id>`` of an imported post now is.

    The fragment of an old link never reaches the server, so the old-link redirect
    marks its target (``?from=wordpress``) and static/js/wordpress-links.js asks here.
    """
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=_number(request, "post"))
    url = links.comment_url(post, str(_number(request, "comment")))
    if url is None:
        raise Http404("No comment with that WordPress id on this post.")
    return JsonResponse({"url": url})


def _number(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404(f"“{name}” must be a number.")
    return int(value)
