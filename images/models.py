from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from images import processing

# What a figure takes of the page: the column is 42rem (672 px) wide at most.
DEFAULT_SIZES = "(max-width: 44rem) calc(100vw - 2rem), 42rem"


class ImageQuerySet(models.QuerySet):
    def create_from_upload(self, upload, *, owner) -> Image:
        """Check, clean and store an upload with its renditions. Raises ImageRejected."""
        prepared = processing.prepare(upload)
        stem = timezone.now().strftime("images/%Y/%m/") + uuid.uuid4().hex
        saved: list[str] = []

        def store(name: str, data: bytes) -> str:
            stored = default_storage.save(name, ContentFile(data))
            saved.append(stored)
            return stored

        try:
            original = prepared.original
            renditions = [
                {
                    "width": encoded.width,
                    "height": encoded.height,
                    "format": extension,
                    "name": store(f"{stem}-{width}w.{extension}", encoded.data),
                }
                for (width, extension), encoded in sorted(prepared.renditions.items())
            ]
            with transaction.atomic():
                return self.create(
                    owner=owner,
                    stem=stem,
                    file=store(f"{stem}.{original.extension}", original.data),
                    width=original.width,
                    height=original.height,
                    renditions=renditions,
                )
        except Exception:
            for name in saved:  # leave no orphan files behind
                default_storage.delete(name)
            raise


class Image(models.Model):
    """An uploaded picture: its capped original and responsive renditions, metadata-free."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="images"
    )
    file = models.ImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    renditions = models.JSONField(default=list, help_text="Made once, at upload.")
    stem = models.CharField(
        max_length=100,
        db_index=True,
        editable=False,
        default="",
        help_text="What its files' names begin with, as post bodies show them.",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.file.name

    sizes = DEFAULT_SIZES

    @property
    def srcset_webp(self) -> str:
        return self.srcset("webp")

    @property
    def srcset_jpeg(self) -> str:
        return self.srcset("jpg")

    def srcset(self, image_format: str) -> str:
        return ", ".join(
            f"{default_storage.url(r['name'])} {r['width']}w"
            for r in self.renditions
            if r["format"] == image_format
        )

    @property
    def fallback_url(self) -> str:
        """The largest JPEG rendition, for browsers that ignore srcset."""
        jpegs = [r for r in self.renditions if r["format"] == "jpg"]
        best = max(jpegs, key=lambda r: r["width"]) if jpegs else None
        return default_storage.url(best["name"]) if best else self.file.url

    def as_json(self) -> dict:
        """What the editor needs to insert the picture into a post body."""
        return {
            "id": self.pk,
            "src": self.fallback_url,
            "srcset": self.srcset("jpg"),
            "webpSrcset": self.srcset("webp"),
            "sizes": DEFAULT_SIZES,
            "width": self.width,
            "height": self.height,
        }


class ImageUseQuerySet(models.QuerySet):
    def record(self, post) -> set[int]:
        """Note which images ``post`` shows now (featured, or in its text); return the
        ids of every image whose uses changed, before and after."""
        stems = publication_stems(post.body)
        wanted = set(
            Image.objects.filter(
                models.Q(pk=post.featured_image_id) | models.Q(stem__in=stems)
            ).values_list("pk", flat=True)
        )
        before = set(self.filter(post=post).values_list("image_id", flat=True))
        self.filter(post=post).exclude(image_id__in=wanted).delete()
        self.bulk_create(
            [ImageUse(post=post, image_id=pk) for pk in wanted - before], ignore_conflicts=True
        )
        return wanted | before


class ImageUse(models.Model):
    """A post shows an image (as its featured image, or in its text): who may fetch the
    image follows who may read such a post (images/publication.py)."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="image_uses")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="uses")

    objects = ImageUseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "image"], name="image_use_once")]

    def __str__(self) -> str:
        return f"{self.post} shows {self.image}"

    @classmethod
    def post_model(cls):
        return cls._meta.get_field("post").related_model


_STEM = re.compile(r"images/\d{4}/\d{2}/[0-9a-f]{32}")


def publication_stems(html: str) -> set[str]:
    """The stems of the uploaded pictures an HTML body shows (src and srcset)."""
    return set(_STEM.findall(html or ""))
