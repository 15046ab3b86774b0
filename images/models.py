from __future__ import annotations

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
