"""Load a benchmark thread (../shared/bench/thread-N.json) as a published post.

Every comment goes through Comment.save(), the write path real comments take
(tree lock, nested-set insert, body sanitised once), and is approved. The post's
slug comes from the file name ("thread-1000"), so the files never collide with
the demo post they are modelled on. Idempotent: a loaded thread is left alone,
unless comments were added to it since (the benchmark's write measurements add
replies), in which case it is loaded afresh, so it is always measured as shipped.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from comments.models import Comment
from posts.models import Post


class Command(BaseCommand):
    help = "Load a ../shared/bench/thread-N.json file as a post with its approved comments."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        post = load_thread(data, slug=slugify(path.stem))
        self.stdout.write(post.get_absolute_url())


def load_thread(data: dict, *, slug: str) -> Post:
    existing = Post.objects.filter(slug=slug).first()
    if existing is not None:
        if existing.comments.count() == len(data["comments"]):
            return existing
        existing.delete()
    with transaction.atomic():
        spec = data["post"]
        author, _ = User.objects.get_or_create(username=slugify(spec["author"]) or "author")
        post = Post.objects.create(
            title=f"{spec['title']} ({len(data['comments']):,} comments)",
            slug=slug,
            author=author,
            body=spec["body_html"],
            status=Post.Status.PUBLISHED,
        )
        saved: dict[int, Comment] = {}
        for item in data["comments"]:
            comment = Comment(
                post=post,
                parent=saved.get(item["parent"]) if item["parent"] is not None else None,
                author_name=item["author_name"],
                author_email=item["author_email"],
                body=item["body_html"],
                created=datetime.fromisoformat(item["created"].replace("Z", "+00:00")),
                status=Comment.Status.APPROVED,
            )
            comment.save()
            saved[item["id"]] = comment
    return post
