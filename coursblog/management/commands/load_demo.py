"""Load the demo course: the seed post, its sources, its discussion and the accounts.

Idempotent: running it again creates nothing that is already there and never
overwrites what a user changed.
"""

from __future__ import annotations

import io
import json
import random
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont

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
    """A stand-in for the 1950s photograph, drawn with Pillow (no network, no licence).

    It looks like what it stands for: a faded sepia print, two soft figures side by
    side, and its caption on the print's margin, saying it is a placeholder. The
    same picture every time (its grain is seeded).
    """
    width, height = size
    scale = min(width / 1200, height / 675)
    margin = max(1, round(36 * scale))
    strip = max(1, round(110 * scale))  # the print's lower margin, for the caption
    photo_box = (margin, margin, width - margin, height - strip)
    photo_w, photo_h = photo_box[2] - photo_box[0], photo_box[3] - photo_box[1]

    photo = PILImage.new("L", (max(photo_w, 1), max(photo_h, 1)))
    draw = ImageDraw.Draw(photo)
    for y in range(photo.height):  # a pale sky over a darker floor
        draw.line([(0, y), (photo.width, y)], fill=int(190 - 70 * (y / max(photo.height, 1)) ** 2))
    for centre, shade in ((0.36, 62), (0.64, 74)):  # two seated figures, head and shoulders
        cx, h = centre * photo.width, photo.height
        draw.ellipse((cx - 0.2 * h, 0.48 * h, cx + 0.2 * h, 1.25 * h), fill=shade)
        draw.ellipse((cx - 0.085 * h, 0.22 * h, cx + 0.085 * h, 0.46 * h), fill=shade + 12)
    photo = photo.filter(ImageFilter.GaussianBlur(max(1, 6 * scale)))
    grain = PILImage.frombytes(
        "L",
        photo.size,
        random.Random(1950).randbytes(photo.width * photo.height),  # noqa: S311 - film grain
    ).filter(ImageFilter.GaussianBlur(1))
    photo = PILImage.blend(photo, grain, 0.08)
    sepia = PILImage.merge(  # the grey print toned brown, as old photographs fade
        "RGB", [photo.point(lambda v, k=k: min(255, int(v * k))) for k in (1.07, 0.93, 0.74)]
    )

    image = PILImage.new("RGB", size, (244, 239, 228))  # the print's paper
    image.paste(sepia, photo_box[:2])
    draw = ImageDraw.Draw(image)
    draw.rectangle(photo_box, outline=(120, 104, 84), width=max(1, round(2 * scale)))
    font = ImageFont.load_default(size=max(8, round(40 * scale)))
    small = ImageFont.load_default(size=max(6, round(24 * scale)))
    middle = width / 2
    draw.text((middle, height - strip * 0.62), "Mao Zedong and Stalin", font=font,
              fill=(52, 42, 32), anchor="mm")  # fmt: skip
    draw.text((middle, height - strip * 0.26), "Placeholder for a photograph", font=small,
              fill=(92, 80, 66), anchor="mm")  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()
