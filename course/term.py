"""The end of the term: a locked course is kept read-only for everyone but instructors.

"The course has ended" (Course settings) closes comments everywhere and stops students
writing, editing and submitting posts; every page says when the course ended. The
lock is a setting, not a change to any post or comment, so unlocking gives back
exactly what there was. The discussion rules (comments/moderation.py) and the editor
(posts/editor.py) ask ``locked_reason``.
"""

from __future__ import annotations

from django.utils.formats import date_format

from accounts.roles import is_instructor
from course.models import CourseSettings


def ended_notice(course: CourseSettings) -> str:
    """The banner every page shows once the course has ended, or ""."""
    if not course.is_locked:
        return ""
    if course.ended_on:
        ended = date_format(course.ended_on, "F j, Y")
        return f"This course ended on {ended}. The blog is kept read-only."
    return "This course has ended. The blog is kept read-only."


def locked_reason(user, course: CourseSettings | None = None) -> str:
    """Why ``user`` may no longer write, comment or edit, or "" when they may."""
    course = course or CourseSettings.load()
    if not course.is_locked or is_instructor(user):
        return ""
    return ended_notice(course)
