from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, router, transaction
from django.db.models.functions import Lower

from coursblog.text import PlainTextField
from course.models import SiteVersion

# Saving only these leaves every page as it was (logging in sets last_login).
_INVISIBLE_FIELDS = frozenset({"last_login", "password"})


DISPLAY_NAME_MAX_LENGTH = 60


class CourseUserManager(UserManager):
    def display_name_taken(self, name: str, *, exclude_pk: int | None = None) -> bool:
        """Is ``name`` someone else's display name (ignoring case)?"""
        return self.filter(display_name__iexact=name.strip()).exclude(pk=exclude_pk).exists()

    def free_display_name(self, wanted: str, *, exclude_pk: int | None = None) -> str:
        """``wanted``, or ``wanted`` with the first free number after it ("Ana 2")."""
        base = " ".join(wanted.split())[: DISPLAY_NAME_MAX_LENGTH - 4] or "Member"
        name, number = base, 1
        while self.display_name_taken(name, exclude_pk=exclude_pk):
            number += 1
            name = f"{base} {number}"
        return name


class User(AbstractUser):
    """A course member: a student or an instructor (see accounts/roles.py).

    Everyone else sees a member by their ``display_name``, which they choose (a
    pseudonym is fine) and which is unique in the course. Their real name (first and
    last name) is for the instructors: the admin, the roster, reports.
    """

    # As AbstractUser's, but one line of plain text (coursblog/text.py).
    first_name = PlainTextField("first name", max_length=150, blank=True)
    last_name = PlainTextField("last name", max_length=150, blank=True)
    display_name = PlainTextField(
        max_length=DISPLAY_NAME_MAX_LENGTH,
        blank=True,
        help_text="The name everyone else sees (a pseudonym is fine); unique in the course. "
        "Made from the real name when left empty.",
    )

    # The member's own picture (accounts/avatars.py), as centre squares of 48 and 96 px
    # under random names; empty: an avatar drawn from the display name.
    avatar_small = models.FileField(max_length=150, blank=True, editable=False)
    avatar_large = models.FileField(max_length=150, blank=True, editable=False)

    objects = CourseUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                name="display_name_unique_ignoring_case",
                violation_error_message="Another member of the course already uses this name.",
            )
        ]

    @property
    def real_name(self) -> str:
        """For instructors only: the name on the roster."""
        return self.get_full_name() or self.get_username()

    def save(self, *args, **kwargs) -> None:
        """Names, roles and activity show on pages: a change raises the site's version."""
        if not self.display_name.strip():
            self.display_name = User.objects.free_display_name(
                self.get_full_name() or self.get_username(), exclude_pk=self.pk
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "display_name"}
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= _INVISIBLE_FIELDS:
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            SiteVersion.raise_version(using)

    save.alters_data = True


class FeedToken(models.Model):
    """A member's secret feed address: feed readers cannot log in, so the token stands
    for the member, and their feeds hold what they may read. Revoking it (a new token)
    stops every reader that has the old address."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="feed_token")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Feed address of {self.user}"

    @classmethod
    def for_user(cls, user: User) -> FeedToken:
        token, _ = cls.objects.get_or_create(user=user, defaults={"token": _new_token()})
        return token

    @classmethod
    def reader(cls, token: str) -> User | None:
        """The active member a feed token stands for, or None."""
        found = cls.objects.select_related("user").filter(token=token).first()
        return found.user if found is not None and found.user.is_active else None

    def revoke(self) -> None:
        """Replace the token: the old feed addresses stop working at once."""
        self.token = _new_token()
        self.save(update_fields=["token", "created"])


def _new_token() -> str:
    return secrets.token_urlsafe(32)
