"""Which pictures anyone may fetch, and which only readers of their posts.

Every upload is stored in MEDIA_ROOT, which is never served as it is. A picture used
by a public post (course/visibility.py) also gets a public copy, a hard link when the
file system allows it, under PUBLIC_MEDIA_ROOT, which the web server serves as
static files at MEDIA_URL. Both live at the same path, so a post's stored body never
changes: for a request to MEDIA_URL the web server tries the public copy first and
otherwise asks the site (images.views.media), which checks the reader and answers
with the file (X-Accel-Redirect or X-Sendfile in production, the file itself in
development) or 404.

So a picture of a class-only post, a draft or a members-only course is refused to
anyone who may not read one of the posts that show it, however its address was
learnt. Members' own pictures (their avatars, accounts/avatars.py) follow the course:
public copies when it is public; otherwise only those who may read the course (and
the member) fetch them. The public copies follow every change that can make a post public or not:
saving or deleting a post, and changing who can read the course.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.roles import is_instructor
from course import visibility
from images.models import Image, ImageUse

logger = logging.getLogger(__name__)


def image_names(image: Image) -> list[str]:
    """Every file of an image: its original and its renditions."""
    return [image.file.name, *(rendition["name"] for rendition in image.renditions or [])]


def is_public(image: Image) -> bool:
    """A public post shows it."""
    return visibility_posts(image).public().exists()


def visibility_posts(image: Image):
    """The posts that show ``image`` (featured, or in their text)."""
    return ImageUse.post_model().objects.filter(image_uses__image=image)


def may_see(reader, image: Image) -> bool:
    """Its owner and the instructors, or a reader of a post that shows it."""
    if reader.is_authenticated and (image.owner_id == reader.pk or is_instructor(reader)):
        return True
    return visibility_posts(image).visible_to(reader).exists()


def public_root() -> Path:
    return Path(settings.PUBLIC_MEDIA_ROOT)


def private_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def avatar_names(user: User) -> list[str]:
    """The files of a member's own picture (none without one)."""
    return [field.name for field in (user.avatar_small, user.avatar_large) if field]


def may_see_avatar(reader, owner: User) -> bool:
    """The member, the instructors, and whoever may read the course."""
    if reader.is_authenticated and (owner.pk == reader.pk or is_instructor(reader)):
        return True
    return visibility.may_read_course(reader)


def publish(image: Image) -> None:
    """Give the image's files their public copies."""
    publish_files(image_names(image))


def withdraw(image: Image) -> None:
    """Remove the image's public copies."""
    withdraw_files(image_names(image))


def publish_files(names: Iterable[str]) -> None:
    """Give these stored files their public copies."""
    for name in names:
        source, target = private_path(name), public_root() / name
        if target.exists() or not source.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system: a copy
            target.write_bytes(source.read_bytes())


def withdraw_files(names: Iterable[str]) -> None:
    """Remove these files' public copies."""
    for name in names:
        (public_root() / name).unlink(missing_ok=True)


def sync(images: Iterable[Image]) -> None:
    """Publish or withdraw each image as its posts now say (nothing to do when uploads
    live in a bucket: see docs/deploy.md)."""
    if settings.MEDIA_STORAGE != "filesystem":
        return
    for image in images:
        (publish if is_public(image) else withdraw)(image)


def sync_after_commit(image_ids: Iterable[int]) -> None:
    """``sync`` the images once the transaction that changed their posts has committed."""
    ids = set(image_ids)
    if not ids:
        return

    def run() -> None:
        sync(Image.objects.filter(pk__in=ids))

    transaction.on_commit(run, robust=True)


def sync_avatars(users: Iterable[User]) -> None:
    """Publish or withdraw members' pictures as the course's audience now says."""
    if settings.MEDIA_STORAGE != "filesystem":
        return
    public = visibility.course_is_public()
    for user in users:
        (publish_files if public else withdraw_files)(avatar_names(user))


def sync_all() -> None:
    """Every image, as the posts now say, and every member's picture, as the course
    says (after the course's audience changed)."""
    sync(Image.objects.all())
    sync_avatars(User.objects.exclude(avatar_small=""))


def course_audience_changed(sender, instance, **kwargs) -> None:
    """post_save of course.CourseSettings: pictures follow who may read the course.

    A receiver rather than a call from the course's save, because the course app sits
    below this one and must not depend on it."""
    transaction.on_commit(sync_all, robust=True)


def after_migrate(sender, **kwargs) -> None:
    """After an upgrade (the migration that first recorded which posts show which
    pictures, say), the public copies follow the posts."""
    sync_all()
