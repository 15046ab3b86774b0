from __future__ import annotations

from django.db import models


class CourseSettings(models.Model):
    """The course's own settings: one record, edited by the instructor in the admin."""

    title = models.CharField(max_length=200, default="Coursblog")
    join_code = models.CharField(
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
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> CourseSettings:
        """The settings record, created with the defaults the first time."""
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def join_code_matches(self, code: str) -> bool:
        return bool(self.join_code) and code.strip().casefold() == self.join_code.strip().casefold()
