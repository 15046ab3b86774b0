from django.contrib.auth.models import AbstractUser
from django.db import router, transaction

from coursblog.text import PlainTextField
from course.models import SiteVersion

# Saving only these leaves every page as it was (logging in sets last_login).
_INVISIBLE_FIELDS = frozenset({"last_login", "password"})


class User(AbstractUser):
    """A course member: a student or an instructor (see accounts/roles.py)."""

    # As AbstractUser's, but one line of plain text (coursblog/text.py).
    first_name = PlainTextField("first name", max_length=150, blank=True)
    last_name = PlainTextField("last name", max_length=150, blank=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()

    def save(self, *args, **kwargs) -> None:
        """Names, roles and activity show on pages: a change raises the site's version."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= _INVISIBLE_FIELDS:
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            SiteVersion.raise_version(using)

    save.alters_data = True
