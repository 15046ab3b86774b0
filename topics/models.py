from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from coursblog.text import PlainTextAreaField, PlainTextField, single_line
from course.models import SiteVersion


class Topic(models.Model):
    """One of the course's topics (a WordPress category). A post may have several,
    as WordPress allows, so an essay on two themes is listed under both."""

    name = PlainTextField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    description = PlainTextAreaField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="A broader topic this one belongs to (WordPress's parent category).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._free_slug(slugify(self.name)[:190] or "topic")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("topics:detail", kwargs={"slug": self.slug})

    def _free_slug(self, base: str) -> str:
        candidate, number = base, 1
        while Topic.objects.exclude(pk=self.pk).filter(slug=candidate).exists():
            number += 1
            candidate = f"{base}-{number}"
        return candidate


def names_changed(sender, instance, raw: bool = False, using=None, **kwargs) -> None:
    """post_save/post_delete receiver for topics and tags: post pages, listings and feeds
    show their names, so a change raises the site's version (course/models.py)."""
    if not raw:
        SiteVersion.raise_version(using)


def tag_name_on_one_line(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save receiver for django-taggit's Tag: whatever path made it (a form refuses
    such a name first), a tag's name is stored on one line without control characters."""
    if not raw:
        instance.name = single_line(instance.name)
