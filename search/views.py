from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from course import visibility
from course.privacy import mark_private_unless_public
from search import query as search_query
from search import results


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """``/search/?q=…&page=…``: the posts, comments and sources the reader may see that
    match, best first; an empty or unusable search gets the box and a message."""
    if not request.user.is_authenticated and not visibility.course_is_public():
        return redirect_to_login(request.get_full_path())  # a class blog: log in first
    query = search_query.parse(request.GET.get("q"))
    page = None
    if query.searchable:
        page = results.page_of(request.user, query, request.GET.get("page"))
    mark_private_unless_public(request)
    cut = page.paginator.object_list.cut if page else None
    context = {
        "query": query,
        "page": page,
        # "the newest 1,000 posts", for each kind the search cut (results.RANKED_PER_KIND)
        "cut": [f"{results.RANKED_PER_KIND:,} {results.PLURALS[kind]}" for kind in cut or ()],
    }
    return render(request, "search/results.html", context)
