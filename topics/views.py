from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from taggit.models import Tag

from course.privacy import mark_private_unless_public
from posts.models import Post, PostQuerySet
from posts.views import POSTS_PER_PAGE
from topics.models import Topic


def listed(posts: PostQuerySet, request: HttpRequest) -> dict:
    """A page of the posts the reader may read, newest first, as the home page lists them."""
    posts = (
        posts.listed_for(request.user)
        .select_related("author", "featured_image")
        .with_comment_counts()
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    mark_private_unless_public(request)
    return {"page": page, "posts": page.object_list}


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    """The course's topics, each with how many of its posts the reader may read."""
    readable = Post.objects.listed_for(request.user).filter(topics=OuterRef("pk"))
    count = readable.order_by().values("topics").annotate(n=Count("pk")).values("n")
    topics = Topic.objects.annotate(post_count=Coalesce(Subquery(count), 0))
    mark_private_unless_public(request)
    return render(request, "topics/topic_list.html", {"topics": topics})


@require_safe
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    context = {"topic": topic, **listed(Post.objects.filter(topics=topic), request)}
    return render(request, "topics/topic_detail.html", context)


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    context = {"tag": tag, **listed(Post.objects.filter(tags=tag), request)}
    return render(request, "topics/tag_detail.html", context)
