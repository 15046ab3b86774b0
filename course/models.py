from __future__ import annotations

from django.db import models, router, transaction
from django.db.models import F

from coursblog.text import PlainTextField


class SiteVersion(models.Model):
    """One number that every write changing what pages show beyond a single post raises.

    Pages are cached under it (with the post's own versions), so a cached page can
    never outlive a change to the course's settings, the discussion rules, a member's
    name or role, or a shared source: nobody keeps a list of what a page depends on.
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


class CourseSettings(models.Model):
    """The course's own settings: one record, edited by the instructor in the admin."""

    title = PlainTextField(max_length=200, default="Coursblog")
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

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            SiteVersion.raise_version(using)

    @classmethod
    def load(cls) -> CourseSettings:
        """The settings record, created with the defaults the first time."""
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def join_code_matches(self, code: str) -> bool:
        return bool(self.join_code) and code.strip().casefold() == self.join_code.strip().casefold()
