from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from posts.feeds import LatestPostsFeed, latest
from posts.models import Post
from topics.models import Topic


class TopicFeed(LatestPostsFeed):
    """The latest posts on one topic."""

    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic: Topic) -> str:
        return f"{super().title()}: {topic.name}"

    def link(self, topic: Topic) -> str:
        return topic.get_absolute_url()

    def description(self, topic: Topic) -> str:
        return topic.description or f"The latest posts on {topic.name}."

    def items(self, topic: Topic) -> list[Post]:
        return latest(Post.objects.filter(topics=topic), AnonymousUser())  # a public feed
