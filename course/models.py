from __future__ import annotations

import copy
import time

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import F
from django.utils import timezone

from coursblog.text import PlainTextField


class SiteVersion(models.Model):
    """One number that every write changing what pages show beyond a single post raises.

    Pages are cached under it (with the post's own versions), so a cached page can
    never outlive a change to the course's settings, the discussion rules, a member's
    name or role, a shared source, or a post's publication, audience or title (other
    posts link to it): nobody keeps a list of what a page depends on.
    One record; raise it in the transaction that makes the change, so readers see
    the new number exactly when they can see the change.
    """

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "site version"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def current(cls, using: str | None = None) -> int:
        using = using or router.db_for_read(cls)
        value = cls.objects.using(using).filter(pk=1).values_list("value", flat=True).first()
        return value or 0

    @classmethod
    def raise_version(cls, using: str | None = None) -> None:
        using = using or router.db_for_write(cls)
        with transaction.atomic(using=using):
            if not cls.objects.using(using).filter(pk=1).update(value=F("value") + 1):
                cls.objects.using(using).get_or_create(pk=1, defaults={"value": 1})


class SettingsRecord(models.Model):
    """A settings record there is one of (pk 1), as the admin edits it.

    Each save raises the site's version. ``load`` reuses what this process read: given
    the site's version as just read (the post page reads it with the post), the record
    is read again whenever that version has moved since, so a page and its cache key
    always agree with the settings; without it, a copy at most
    DISCUSSION_SETTINGS_SECONDS old is reused.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self.before_save(using, kwargs)
            super().save(*args, **kwargs)
            SiteVersion.raise_version(using)
        _loaded.pop(type(self), None)

    save.alters_data = True

    def before_save(self, using: str, save_kwargs: dict) -> None:
        """A hook for what a record does in the saving transaction."""

    @classmethod
    def load(cls, site_version: int | None = None):
        loaded = _loaded.get(cls)
        if loaded is not None:
            loaded_at, loaded_version, record = loaded
            fresh = (
                loaded_version == site_version
                if site_version is not None
                else time.monotonic() - loaded_at < settings.DISCUSSION_SETTINGS_SECONDS
            )
            if fresh:
                return copy.copy(record)
        record, _ = cls.objects.get_or_create(pk=1)
        _loaded[cls] = (time.monotonic(), site_version, record)
        return copy.copy(record)

    @classmethod
    def forget_loaded(cls) -> None:
        """Drop every process copy (tests start from the database)."""
        _loaded.clear()


_loaded: dict[type, tuple[float, int | None, SettingsRecord]] = {}


class Audience(models.TextChoices):
    """Who may read something: the course as a whole, or one post (never wider than the
    course). course/visibility.py holds the rule that applies it."""

    PUBLIC = "public", "Public: anyone, search engines included"
    MEMBERS = "members", "Members: anyone logged in to the site"
    CLASS = "class", "Class only: the course's students and instructors"


class CourseSettings(SettingsRecord):
    """The course's own settings: one record, edited by the instructor in the admin."""

    title = PlainTextField(max_length=200, default="Coursblog")
    tagline = PlainTextField(
        max_length=200,
        blank=True,
        help_text="A line under the title in every page's header, "
        "“Essays and discussion for History 210”. Leave empty for none.",
    )
    visibility = models.CharField(
        "who can read the blog",
        max_length=10,
        choices=Audience.choices,
        default=Audience.PUBLIC,
        help_text="A student can still make one of their posts class only.",
    )
    anonymous_comments = models.BooleanField(
        "students may comment anonymously to classmates",
        default=False,
        help_text="Everyone but the instructors sees “Anonymous classmate”; instructors "
        "always see who wrote it.",
    )
    anonymous_posts = models.BooleanField(
        "students may also publish posts anonymously to classmates", default=False
    )
    ended = models.BooleanField(
        "the course has ended",
        default=False,
        help_text="Locks the course: comments close everywhere, students can no longer "
        "write, edit or submit posts, and every page says the course ended. Instructors "
        "still can. Untick to reopen it exactly as it was.",
    )
    ended_on = models.DateField("ended on", null=True, blank=True)
    join_code = PlainTextField(
        max_length=64,
        blank=True,
        help_text="Students who sign up with this code get a student account. "
        "Leave empty to close sign-up (the roster import still works).",
    )
    review_before_publishing = models.BooleanField(
        "submit for review",
        default=False,
        help_text="A student's “Publish” becomes “Submit for review”: "
        "the post waits until an instructor approves it.",
    )

    class Meta:
        verbose_name = "course settings"
        verbose_name_plural = "course settings"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ended and self.ended_on is None:
            self.ended_on = timezone.localdate()

    @property
    def is_locked(self) -> bool:
        return self.ended

    def join_code_matches(self, code: str) -> bool:
        return bool(self.join_code) and code.strip().casefold() == self.join_code.strip().casefold()
