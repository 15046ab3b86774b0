from django.http import HttpRequest

from course.models import CourseSettings


def course(request: HttpRequest) -> dict:
    """``course`` (the settings record) and ``signup_open`` for every template, lazily."""

    def settings() -> CourseSettings:
        return CourseSettings.load()

    return {"course": settings, "signup_open": lambda: bool(settings().join_code)}
