"""RSS feeds: the latest posts, and each post's approved comments.

A feed holds what its reader may read (course/visibility.py): the public feeds hold
public posts; a member's personal feed address, with their secret token
(accounts.models.FeedToken), holds what that member may read, so feed readers work on
a class-only blog. Authors are shown as the reader would see them on the site
(accounts/people.py): anonymous work stays anonymous.

RSS readers render an item's description as HTML, so a description is always HTML
that the site itself would show: a post's summary escaped (it is plain text), a
comment's text as the page shows it (its sanitised body_html). Text a reader typed
never reaches a feed as live markup, however it was written. Titles and names are
one line of text without control characters, which XML does not allow.
"""

from __future__ import annotations

from html import escape

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts import people
from accounts.models import FeedToken
from comments.models import Comment
from coursblog.text import single_line
from course.models import CourseSettings
from course.privacy import mark_private
from posts.models import Post

FEED_ITEMS = 20


def feed_reader(request: HttpRequest, token: str | None):
    """Who a feed is for: the member a token stands for, or anyone."""
    if token is None:
        return AnonymousUser()
    reader = FeedToken.reader(token)
    if reader is None:
        raise Http404("This feed address is no longer valid.")
    mark_private(request)
    return reader


def latest(posts, reader) -> list[Post]:
    """The newest of ``posts`` that ``reader`` may read, with what a feed item shows of
    each: topics and tags (prefetched) and the author as the reader may see them."""
    found = list(
        posts.listed_for(reader)
        .select_related("author")
        .prefetch_related("topics", "tags")[:FEED_ITEMS]
    )
    for post in found:
        post.feed_author = people.post_author(post, reader).name
    return found


class LatestPostsFeed(Feed):
    description = "The latest posts of the course blog."

    def get_object(self, request: HttpRequest, token: str | None = None):
        return feed_reader(request, token)

    def title(self) -> str:
        return single_line(CourseSettings.load().title)

    def link(self) -> str:
        return reverse("posts:list")

    def items(self, reader) -> list[Post]:
        return latest(Post.objects.all(), reader)

    def item_categories(self, post: Post) -> list[str]:
        """Its topics and tags, as RSS categories (prefetched by ``latest``)."""
        names = [topic.name for topic in post.topics.all()] + [tag.name for tag in post.tags.all()]
        return [single_line(name) for name in names]  # tags stored before the one rule

    def item_title(self, post: Post) -> str:
        return single_line(post.title)

    def item_description(self, post: Post) -> str:
        return f"<p>{escape(single_line(post.summary))}</p>"

    def item_author_name(self, post: Post) -> str:
        return single_line(post.feed_author)

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.updated_at


class PostCommentsFeed(Feed):
    def get_object(self, request: HttpRequest, slug: str, token: str | None = None) -> Post:
        reader = feed_reader(request, token)
        post = get_object_or_404(Post.objects.listed_for(reader), slug=slug)
        post.feed_reader = reader
        return post

    def title(self, post: Post) -> str:
        return f"Comments on “{single_line(post.title)}”"

    def link(self, post: Post) -> str:
        return f"{post.get_absolute_url()}#comments"

    def description(self, post: Post) -> str:
        return f"The discussion of “{single_line(post.title)}”."

    def items(self, post: Post) -> list[Comment]:
        comments = list(
            post.comments.approved()
            .select_related("post", "user")
            .order_by("-created")[:FEED_ITEMS]
        )
        urls = Comment.objects.page_urls(comments)  # one query, not one per comment
        identities = people.sees_identities(post.feed_reader)
        for comment in comments:
            comment.feed_url = urls[comment.pk]
            name = comment.user.display_name if comment.user else comment.author_name
            comment.feed_author = people.shown_name(name, comment.anonymous, identities)
        return comments

    def item_title(self, comment: Comment) -> str:
        return f"By {single_line(comment.feed_author)}"

    def item_description(self, comment: Comment) -> str:
        return comment.body_html  # sanitised when saved, exactly as the page shows it

    def item_author_name(self, comment: Comment) -> str:
        return single_line(comment.feed_author)

    def item_pubdate(self, comment: Comment):
        return comment.created

    def item_link(self, comment: Comment) -> str:
        return comment.feed_url
