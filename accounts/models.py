from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A course member: a student or an instructor (see accounts/roles.py)."""

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()
