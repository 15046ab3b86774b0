"""The course's roles: who is an instructor, a student, a member or a guest.

This module is the one definition of each role question; views, templates, the
discussion rules, the admin and the emails all ask it. Roles are Django groups
(so the admin's permissions follow them), kept in step with the lists below
after every migrate:

- instructors (the *Instructors* group, and superusers) edit every post, review,
  moderate the discussion and manage the roster; they need not be superusers;
- students (the *Students* group) write, illustrate and cite their own posts;
- members are logged in but in neither group (an external login without the
  join code, say): they read what members may and comment;
- guests are everyone else.

When the site hosts several courses, ``role_of`` is the one place that learns
to ask "in which course".
"""

from __future__ import annotations

import enum

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from course.models import SiteVersion

INSTRUCTORS = "Instructors"
STUDENTS = "Students"

STUDENT_PERMISSIONS = {
    "posts": ["add_post", "add_source", "view_source"],
    "images": ["add_image"],
}
INSTRUCTOR_PERMISSIONS = {
    "accounts": ["view_user", "add_user", "change_user"],
    "course": ["view_coursesettings", "change_coursesettings"],
    "images": ["add_image", "view_image"],
    "comments": [
        "moderate_comment", "view_comment", "change_comment", "delete_comment",
        "view_discussionsettings", "change_discussionsettings",
    ],
    "posts": [
        "add_post", "change_post", "view_post", "delete_post",
        "add_source", "change_source", "view_source",
        "add_citation", "change_citation", "view_citation", "delete_citation",
    ],
    "topics": ["add_topic", "change_topic", "view_topic", "delete_topic"],
    "taggit": ["add_tag", "change_tag", "view_tag", "delete_tag"],
    "wordpress": [
        "add_importjob", "change_importjob", "view_importjob", "delete_importjob",
        "view_importeditem",
    ],
}  # fmt: skip

# Remembered on the user object for the rest of the request.
_ROLE_ATTRIBUTE = "_course_role"


class Role(enum.IntEnum):
    """Ordered: each role may do what the roles below it may."""

    GUEST = 0
    MEMBER = 1
    STUDENT = 2
    INSTRUCTOR = 3


def role_of(user) -> Role:
    """The reader's role in the course (one query per request for a logged-in reader)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.GUEST
    role = getattr(user, _ROLE_ATTRIBUTE, None)
    if role is None:
        if user.is_superuser:
            role = Role.INSTRUCTOR
        else:
            groups = set(user.groups.values_list("name", flat=True))
            role = (
                Role.INSTRUCTOR
                if INSTRUCTORS in groups
                else Role.STUDENT
                if STUDENTS in groups
                else Role.MEMBER
            )
        setattr(user, _ROLE_ATTRIBUTE, role)
    return role


def forget_role(user) -> None:
    """Drop the remembered role (after the user's groups change)."""
    user.__dict__.pop(_ROLE_ATTRIBUTE, None)


def is_instructor(user) -> bool:
    """Instructors edit every post, review, moderate and run the course."""
    return role_of(user) == Role.INSTRUCTOR


def is_student(user) -> bool:
    return role_of(user) == Role.STUDENT


def is_in_class(user) -> bool:
    """A student or an instructor of the course."""
    return role_of(user) >= Role.STUDENT


def can_write_posts(user) -> bool:
    return is_in_class(user)


def instructors_q(prefix: str = "") -> Q:
    """A filter on users (or, with ``prefix`` such as "user__", on rows that point at
    one) that selects the course's active instructors: the same rule as is_instructor."""
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}is_superuser": True}) | Q(**{f"{prefix}groups__name": INSTRUCTORS})
    )


def sync_roles() -> dict[str, Group]:
    """Create the groups if needed and give each exactly its permissions."""
    return {
        INSTRUCTORS: _sync_group(INSTRUCTORS, INSTRUCTOR_PERMISSIONS),
        STUDENTS: _sync_group(STUDENTS, STUDENT_PERMISSIONS),
    }


def _sync_group(name: str, permissions: dict[str, list[str]]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    wanted = Permission.objects.none()
    for app_label, codenames in permissions.items():
        wanted |= Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group.permissions.set(wanted)
    return group


def sync_roles_after_migrate(sender, using: str = "default", **kwargs) -> None:
    sync_roles()


def make_instructor(user) -> None:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(sync_roles()[INSTRUCTORS])
    forget_role(user)


def make_student(user) -> None:
    user.groups.add(Group.objects.get_or_create(name=STUDENTS)[0])
    forget_role(user)


def groups_changed(sender, instance, action: str, using: str, **kwargs) -> None:
    """A member's groups changed (m2m_changed): their role, and pages, change with them."""
    if action in ("post_add", "post_remove", "post_clear"):
        SiteVersion.raise_version(using)
        if hasattr(instance, "__dict__"):
            forget_role(instance)
