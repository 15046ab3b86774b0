"""Who may publish "anonymous to classmates": students, when the course allows it.

How anonymous work is shown (to instructors, with the author; to everyone else, as
"Anonymous classmate") is accounts/people.py's.
"""

from __future__ import annotations

from accounts.roles import is_student
from course.models import CourseSettings


def may_comment_anonymously(user, course: CourseSettings | None = None) -> bool:
    if not is_student(user):
        return False
    return (course or CourseSettings.load()).anonymous_comments


def may_post_anonymously(user, course: CourseSettings | None = None) -> bool:
    if not is_student(user):
        return False
    return (course or CourseSettings.load()).anonymous_posts
