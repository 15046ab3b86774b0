"""What the WordPress import remembers: where each imported thing came from, and the
admin's import jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from coursblog.text import PlainTextField


class ImportedItemQuerySet(models.QuerySet):
    def of(self, site: str, kind: str) -> ImportedItemQuerySet:
        return self.filter(site=site, kind=kind)

    def object_ids(self, site: str, kind: str, wp_ids) -> dict[str, int]:
        """{WordPress id: our object's id} for those of ``wp_ids`` imported before."""
        rows = self.of(site, kind).filter(wp_id__in=[str(i) for i in wp_ids])
        return dict(rows.values_list("wp_id", "object_id"))


class ImportedItem(models.Model):
    """One thing brought in from a WordPress site: the site, its WordPress id there,
    and what it became here. Re-importing a file finds its items here and changes
    nothing; the old-link redirects look posts and comments up here."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        TOPIC = "topic", "Topic"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        IMAGE = "image", "Image"

    site = models.CharField(
        max_length=200, help_text="The WordPress site, as its address without the scheme."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    wp_id = models.CharField(
        "WordPress id",
        max_length=300,
        help_text="Post and comment ids; logins for people; slugs for topics and tags; "
        "the uploads path for images.",
    )
    object_id = models.PositiveBigIntegerField(help_text="The post, comment, user… made here.")
    old_path = models.CharField(
        max_length=500, blank=True, help_text="A post's address path on the WordPress site."
    )
    digest = models.CharField(
        max_length=64, blank=True, help_text="What the item said when last imported."
    )
    imported_at = models.DateTimeField(auto_now=True)

    objects = ImportedItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_id"], name="imported_item_once")
        ]
        indexes = [
            models.Index(fields=["kind", "old_path"], name="imported_item_path_idx"),
            models.Index(fields=["kind", "object_id"], name="imported_item_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.wp_id}"


def upload_path(job: ImportJob, filename: str) -> str:
    """An unguessable name: the file holds commenters' emails and addresses, and the
    media storage may be served publicly while the import runs."""
    return f"wordpress-imports/{uuid.uuid4().hex}.xml"


class ImportJob(models.Model):
    """A WXR file uploaded in the admin, imported a few seconds at a time.

    Each poll of the job's page runs one bounded step (see wordpress.jobs), so no
    request runs for minutes and any app server can take the next step: the file
    is in the media storage and the job's row is locked while a step runs.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    file = models.FileField(upload_to=upload_path)
    original_name = PlainTextField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    as_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Attribute every post to this member instead of the file's authors.",
    )
    invite = models.BooleanField(
        default=False, help_text="Email the people it creates an invitation to set a password."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    scan = models.JSONField(
        null=True, blank=True, editable=False, help_text="What the first reading found."
    )
    items_done = models.PositiveIntegerField(default=0, editable=False)
    comments_done = models.PositiveIntegerField(default=0, editable=False)
    report = models.JSONField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "WordPress import"

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("admin:wordpress_importjob_change", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
