"""The course's roles, as Django groups with permissions.

Instructors moderate the discussion and edit every post; they need not be
superusers. The group is kept in step with this list after every migrate.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

INSTRUCTORS = "Instructors"

INSTRUCTOR_PERMISSIONS = {
    "accounts": ["view_user"],  # to pick a post's author in the admin
    "comments": ["moderate_comment", "view_comment", "change_comment", "delete_comment"],
    "posts": [
        "add_post", "change_post", "view_post", "delete_post",
        "add_source", "change_source", "view_source",
        "add_citation", "change_citation", "view_citation", "delete_citation",
    ],
}  # fmt: skip


def sync_roles() -> Group:
    """Create the Instructors group if needed and give it exactly its permissions."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    wanted = Permission.objects.none()
    for app_label, codenames in INSTRUCTOR_PERMISSIONS.items():
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
    user.groups.add(sync_roles())
