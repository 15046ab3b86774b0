from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import roles
from course import term
from course.models import CourseSettings


def course(request: HttpRequest) -> dict:
    """``course`` (the settings record), ``signup_open`` and the reader's ``role`` for
    every template, each read only if the template asks."""

    loaded = SimpleLazyObject(CourseSettings.load)

    def settings() -> CourseSettings:
        return loaded

    return {
        "course": settings,
        "signup_open": lambda: bool(settings().join_code),
        "course_ended_notice": lambda: term.ended_notice(settings()),
        "role": SimpleLazyObject(lambda: _RoleFlags(roles.role_of(request.user))),
    }


class _RoleFlags:
    """What templates ask of the reader's role (accounts/roles.py decides it)."""

    def __init__(self, role: roles.Role) -> None:
        self.name = role.name.lower()
        self.is_instructor = role == roles.Role.INSTRUCTOR
        self.is_in_class = role >= roles.Role.STUDENT
        self.can_write = role >= roles.Role.STUDENT
