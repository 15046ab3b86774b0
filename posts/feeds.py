"""RSS feeds: the latest posts, and each post's approved comments.

RSS readers render an item's description as HTML, so a description is always HTML
that the site itself would show: a post's summary escaped (it is plain text), a
comment's text as the page shows it (its sanitised body_html). Text a reader typed
never reaches a feed as live markup, however it was written. Titles and names are
one line of text without control characters, which XML does not allow.
"""

from __future__ import annotations

from html import escape

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from comments.models import Comment
from coursblog.text import single_line
from course.models import CourseSettings
from posts.models import Post

FEED_ITEMS = 20


class LatestPostsFeed(Feed):
    description = "The latest posts of the course blog."

    def title(self) -> str:
        return single_line(CourseSettings.load().title)

    def link(self) -> str:
        return reverse("posts:list")

    def items(self):
        return (
            Post.objects.published().select_related("author").order_by("-published_at")[:FEED_ITEMS]
        )

    def item_title(self, post: Post) -> str:
        return single_line(post.title)

    def item_description(self, post: Post) -> str:
        return f"<p>{escape(single_line(post.summary))}</p>"

    def item_author_name(self, post: Post) -> str:
        return single_line(post.author.display_name)

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.updated_at


class PostCommentsFeed(Feed):
    def get_object(self, request, slug: str) -> Post:
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post: Post) -> str:
        return f"Comments on “{single_line(post.title)}”"

    def link(self, post: Post) -> str:
        return f"{post.get_absolute_url()}#comments"

    def description(self, post: Post) -> str:
        return f"The discussion of “{single_line(post.title)}”."

    def items(self, post: Post) -> list[Comment]:
        comments = list(
            post.comments.approved().select_related("post").order_by("-created")[:FEED_ITEMS]
        )
        urls = Comment.objects.page_urls(comments)  # one query, not one per comment
        for comment in comments:
            comment.feed_url = urls[comment.pk]
        return comments

    def item_title(self, comment: Comment) -> str:
        return f"By {single_line(comment.author_name)}"

    def item_description(self, comment: Comment) -> str:
        return comment.body_html  # sanitised when saved, exactly as the page shows it

    def item_author_name(self, comment: Comment) -> str:
        return single_line(comment.author_name)

    def item_pubdate(self, comment: Comment):
        return comment.created

    def item_link(self, comment: Comment) -> str:
        return comment.feed_url
