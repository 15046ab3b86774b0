"""RSS feeds: the latest posts, and each post's approved comments."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from comments.models import Comment
from coursblog.html import plain_text
from course.models import CourseSettings
from posts.models import Post

FEED_ITEMS = 20


def latest(posts):
    """The newest published of ``posts``, with what a feed item shows of each."""
    return (
        posts.published()
        .select_related("author")
        .prefetch_related("topics", "tags")
        .order_by("-published_at")[:FEED_ITEMS]
    )


class LatestPostsFeed(Feed):
    description = "The latest posts of the course blog."

    def title(self) -> str:
        return CourseSettings.load().title

    def link(self) -> str:
        return reverse("posts:list")

    def items(self):
        return latest(Post.objects.all())

    def item_categories(self, post: Post) -> list[str]:
        """Its topics and tags, as RSS categories (prefetched by ``latest``)."""
        return [topic.name for topic in post.topics.all()] + [tag.name for tag in post.tags.all()]

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.summary

    def item_author_name(self, post: Post) -> str:
        return post.author.display_name

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.updated_at


class PostCommentsFeed(Feed):
    def get_object(self, request, slug: str) -> Post:
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post: Post) -> str:
        return f"Comments on “{post.title}”"

    def link(self, post: Post) -> str:
        return f"{post.get_absolute_url()}#comments"

    def description(self, post: Post) -> str:
        return f"The discussion of “{post.title}”."

    def items(self, post: Post):
        return post.comments.approved().select_related("post").order_by("-created")[:FEED_ITEMS]

    def item_title(self, comment: Comment) -> str:
        return f"By {comment.author_name}"

    def item_description(self, comment: Comment) -> str:
        return plain_text(comment.body_html)

    def item_author_name(self, comment: Comment) -> str:
        return comment.author_name

    def item_pubdate(self, comment: Comment):
        return comment.created

    def item_link(self, comment: Comment) -> str:
        return comment.get_absolute_url()
