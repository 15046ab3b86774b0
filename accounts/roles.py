"""The course's roles, as Django groups with permissions.

Students write, illustrate and cite their own posts (whose posts they may edit is
Post.can_be_edited_by). Instructors also edit every post, review, moderate the
discussion and manage the roster; they need not be superusers. The groups are
kept in step with these lists after every migrate.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

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
}  # fmt: skip


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


def make_student(user) -> None:
    user.groups.add(Group.objects.get_or_create(name=STUDENTS)[0])


def is_instructor(user) -> bool:
    return user.is_authenticated and user.has_perm("posts.change_post")
