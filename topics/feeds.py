from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from coursblog.text import single_line, without_control_characters
from posts.feeds import LatestPostsFeed, latest
from posts.models import Post
from topics.models import Topic


class TopicFeed(LatestPostsFeed):
    """The latest posts on one topic."""

    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic: Topic) -> str:
        return f"{super().title()}: {single_line(topic.name)}"

    def link(self, topic: Topic) -> str:
        return topic.get_absolute_url()

    def description(self, topic: Topic) -> str:
        # stored before the one rule for typed text, or by a path that skips save()
        return without_control_characters(topic.description) or (
            f"The latest posts on {single_line(topic.name)}."
        )

    def items(self, topic: Topic) -> list[Post]:
        return latest(Post.objects.filter(topics=topic), AnonymousUser())  # a public feed
