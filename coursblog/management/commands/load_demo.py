"""Load the demo course: the seed post, its sources, its discussion and the accounts.

Idempotent: running it again creates nothing that is already there and never
overwrites what a user changed.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from accounts.models import User
from accounts.roles import make_instructor, make_student
from comments.models import Comment
from images.models import Image
from posts.models import Citation, Post, Source

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "coursblog-demo"  # noqa: S105 - a documented development password


class Command(BaseCommand):
    help = "Load the demo post, its Works Cited, its threaded comments and demo accounts."

    def handle(self, *args, **options) -> None:
        data = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            users = {spec["username"]: self._user(spec) for spec in data["users"]}
            post = self._post(data["post"], users)
            self._sources(post, data["post"]["sources"])
            self._comments(post, data["comments"], users)
        self._featured_image(post, data["post"]["featured_image"])

        self.stdout.write(self.style.SUCCESS(f"Demo post: {post.get_absolute_url()}"))
        self.stdout.write(f"Demo accounts (password “{DEMO_PASSWORD}” unless you changed it):")
        for spec in data["users"]:
            role = "instructor, can moderate in /admin/" if spec.get("instructor") else "student"
            self.stdout.write(f"  {spec['username']:<12} {role}")

    def _user(self, spec: dict) -> User:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": spec["email"],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if spec.get("instructor"):
                make_instructor(user)
            else:
                make_student(user)
        return user

    def _post(self, spec: dict, users: dict[str, User]) -> Post:
        post = Post.objects.filter(slug=spec["slug"]).first()
        if post is None:
            post = Post.objects.create(
                title=spec["title"],
                slug=spec["slug"],
                author=users[spec["author"]],
                body=(DEMO_DIR / "sino-soviet-split.html").read_text(encoding="utf-8"),
                excerpt=spec["excerpt"],
                status=Post.Status.PUBLISHED,
                published_at=datetime.fromisoformat(spec["published_at"]),
            )
        return post

    def _sources(self, post: Post, specs: list[dict]) -> None:
        for position, spec in enumerate(specs, start=1):
            source, _ = Source.objects.get_or_create(
                title=spec["title"], authors=spec["authors"], defaults=spec
            )
            Citation.objects.get_or_create(
                post=post, source=source, defaults={"position": position}
            )

    def _comments(self, post: Post, specs: list[dict], users: dict[str, User]) -> None:
        made: dict[str, Comment] = {}
        for spec in specs:
            existing = post.comments.filter(body=spec["body"]).first()
            if existing is not None:
                made[spec["key"]] = existing
                continue
            comment = Comment(
                post=post,
                parent=made.get(spec.get("parent")),
                body=spec["body"],
                created=datetime.fromisoformat(spec["created"]),
                status=Comment.Status.APPROVED,
            )
            if "user" in spec:
                user = users[spec["user"]]
                comment.user = user
                comment.author_name = user.display_name
                comment.author_email = user.email
            else:
                guest = spec["guest"]
                comment.author_name = guest["name"]
                comment.author_email = guest["email"]
                comment.author_url = guest["url"]
            comment.save()
            made[spec["key"]] = comment

    def _featured_image(self, post: Post, spec: dict) -> None:
        current = post.featured_image
        if current is not None and current.file.storage.exists(current.file.name):
            return
        upload = ContentFile(placeholder_jpeg(), name="mao-zedong-and-stalin.jpg")
        post.featured_image = Image.objects.create_from_upload(upload, owner=post.author)
        post.featured_image_caption = spec["caption"]
        post.featured_image_credit = spec["credit"]
        post.featured_image_alt = spec["alt"]
        post.save()


def placeholder_jpeg(size: tuple[int, int] = (1200, 675)) -> bytes:
    """A captioned placeholder picture drawn with Pillow (no network needed)."""
    width, height = size
    image = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # dark red to deep gold, top to bottom
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(110 + 60 * t), int(20 + 90 * t), int(24 + 6 * t)))
    font = ImageFont.load_default(size=56)
    small = ImageFont.load_default(size=28)
    draw.text(
        (width / 2, height / 2 - 30), "Mao Zedong and Stalin", font=font, fill="white", anchor="mm"
    )
    draw.text(
        (width / 2, height / 2 + 40), "placeholder image", font=small, fill="white", anchor="mm"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
