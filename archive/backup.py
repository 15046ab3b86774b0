"""Backup and restore of the whole course: every model as JSON, with the media files.

A backup is a ZIP holding ``manifest.json`` (the format and its version, what is in
it), one ``data/<app>.<model>.json`` per model (Django's serialisation: ids,
fields, the comment trees' own fields), and ``media/<stored name>`` for every
picture (originals and renditions). ``import_course`` reads it into an empty site
and gives back the same site: the same ids, posts, sources, comment trees, statuses,
users and images.

Which models go in is KEPT, in loading order; what is left out is LEFT_OUT, each
with its reason. An app adds its models with one line each in KEPT (or LEFT_OUT):
tests/archive/test_backup.py fails, naming it, for any installed model in neither.

Left out on purpose: password hashes (unless asked for: members then set a new
password, or log in through the school), and secrets: feed tokens (a member's
private feed address works without logging in; members get a new one), the
external logins' client secrets and access tokens.

An import refuses, and imports nothing, when the ZIP is unsafe (archive/zips.py),
its format is newer than this code reads, its JSON is malformed, or the site is not
empty. The JSON is not trusted: rich text is sanitised again and comments' markup
is made again, as on any save; media names must be pictures' names inside the media
folder.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from accounts.roles import sync_roles
from archive.zips import Member, UnsafeZip, checked_zip, unsafe_name
from coursblog.html import SanitizedHTMLField, render_comment_html
from course.models import SettingsRecord, SiteVersion
from participation.words import store_missing

FORMAT = "coursblog-course-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_FOLDER = "media/"
# What a stored media file may be: the pictures the image pipeline makes. Anything
# else (an .html file, say) would be served from the site's own address.
MEDIA_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})


@dataclasses.dataclass(frozen=True)
class Kept:
    """A model the backup holds."""

    label: str
    # Every site has these rows before anything is written (made by migrate or on
    # first use): the backup's replace them, and they do not make a site "not empty".
    site_record: bool = False
    # Rows matched by name (their natural key), not by id: another site gives them
    # other ids (the role groups).
    by_name: bool = False
    # Relations to groups and permissions written by name, for the same reason.
    relations_by_name: bool = False
    # Fields not to export unless asked (``--with-passwords``).
    private_fields: frozenset[str] = frozenset()

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def file_name(self) -> str:
        return f"data/{self.label.lower()}.json"


KEPT = [
    Kept("auth.Group", site_record=True, by_name=True, relations_by_name=True),
    Kept("course.CourseSettings", site_record=True),
    Kept("comments.DiscussionSettings", site_record=True),
    Kept("participation.Expectations", site_record=True),
    Kept("participation.GradingScale", site_record=True),
    Kept("accounts.User", relations_by_name=True, private_fields=frozenset({"password"})),
    Kept("participation.Preferences"),
    Kept("account.EmailAddress"),
    Kept("socialaccount.SocialAccount"),
    Kept("images.Image"),
    Kept("posts.Source"),
    Kept("topics.Topic"),
    Kept("posts.Post"),
    Kept("posts.Citation"),
    Kept("images.ImageUse"),  # who may fetch a picture follows the posts that show it
    Kept("participation.PrivateFeedback"),
    Kept("participation.Grade"),
    Kept("participation.ExemplaryPost"),
    Kept("taggit.Tag"),
    Kept("taggit.TaggedItem", relations_by_name=True),  # content types differ between sites
    Kept("comments.Comment"),
    Kept("participation.ExemplaryComment"),
    # Reports waiting on the desk: an instructor's unfinished work, restored with the site.
    Kept("comments.Report"),
    Kept("wordpress.ImportedItem"),  # WordPress's old addresses keep working after a restore
]

LMS_LINK = (
    "a secret and a link: LMS registrations hold the tool's private keys. Register the "
    "tool again after a restore (docs/lti.md) and let launches match members by verified "
    "email"
)
SEARCH_INDEX = "the search index, which database triggers keep from the rows the import adds"
LEFT_OUT = {
    "accounts.FeedToken": "a secret: a private feed address works without logging in",
    "socialaccount.SocialApp": "a secret: external logins' client secrets (enter them again)",
    "socialaccount.SocialToken": "a secret: external logins' access tokens",
    "account.EmailConfirmation": "short-lived: pending email confirmations",
    "sessions.Session": "short-lived: everyone logs in again",
    "admin.LogEntry": "the admin's history of changes, not the course",
    "course.SiteVersion": "a cache key: the import moves it past the backup's (see import_backup)",
    "auth.Permission": "made by migrate",
    "wordpress.ImportJob": "an import in progress, with its uploaded file: not the course",
    "lti_tool.Key": LMS_LINK,
    "lti_tool.LtiRegistration": LMS_LINK,
    "lti_tool.LtiPlatformInstance": LMS_LINK,
    "lti_tool.LtiDeployment": LMS_LINK,
    "lti_tool.LtiUser": LMS_LINK,
    "lti_tool.LtiContext": LMS_LINK,
    "lti_tool.LtiMembership": LMS_LINK,
    "lti_tool.LtiResourceLink": LMS_LINK,
    "lti_tool.LtiLineItem": LMS_LINK,
    "lti.Platform": LMS_LINK,
    "lti.RosterDeparture": LMS_LINK,
    "lti.GradebookLink": LMS_LINK,
    "lti.SentScore": LMS_LINK,
    "contenttypes.ContentType": "made by migrate",
    "participation.PostWords": "a cache of the posts' text: counted again by the import",
    "participation.CommentWords": "a cache of the comments' text: counted again by the import",
    "search.PostDocument": SEARCH_INDEX,
    "search.CommentDocument": SEARCH_INDEX,
    "search.SourceDocument": SEARCH_INDEX,
}


def _comment_markup(comment) -> None:
    comment.render_body()
    comment.render_fragment()


def _feedback_markup(feedback) -> None:
    feedback.body_html = render_comment_html(feedback.body)


def _unusable_password_if_none(user) -> None:
    if not user.password:
        user.password = make_password(None)


# What an import does to each row before saving it, beyond sanitising rich text.
PREPARE: dict[str, Callable[[models.Model], None]] = {
    "comments.Comment": _comment_markup,
    "participation.PrivateFeedback": _feedback_markup,
    "accounts.User": _unusable_password_if_none,
}
# The media files a row stands for, beyond its file fields.
EXTRA_MEDIA: dict[str, Callable[[models.Model], list[str]]] = {
    "images.Image": lambda image: [rendition["name"] for rendition in image.renditions or []],
}


class Refused(Exception):
    """The backup cannot be imported; the message says why. Nothing was imported."""


# Export


@dataclasses.dataclass
class Exported:
    counts: dict[str, int]
    media: list[str]
    missing_media: list[str]


def backup_members(
    *, with_passwords: bool = False, progress: Callable[[str], None] | None = None
) -> tuple[Iterator[Member], Exported]:
    """The files of a backup, one by one, and what they hold (filled in as they go)."""
    progress = progress or (lambda message: None)
    exported = Exported({}, [], [])

    def members() -> Iterator[Member]:
        media: set[str] = set()
        for kept in KEPT:
            rows = kept.model._default_manager.order_by("pk")
            count = rows.count()
            exported.counts[kept.label] = count
            yield Member(kept.file_name, _json_writer(kept, rows, with_passwords, media))
            progress(f"{kept.label}: {count}")
        for name in sorted(media):
            try:
                stored = default_storage.open(name)
            except OSError:
                exported.missing_media.append(name)
                progress(f"missing media file left out: {name}")
                continue
            with stored:
                yield Member(MEDIA_FOLDER + name, stored.read(), compress=False)
            exported.media.append(name)
        progress(f"media files: {len(exported.media)}")
        yield Member(MANIFEST, _manifest(exported, with_passwords))

    return members(), exported


def _json_writer(kept: Kept, rows, with_passwords: bool, media: set[str]):
    """Write ``rows`` as Django's JSON serialisation, a batch at a time."""
    serializer = serializers.get_serializer("python")()
    hidden = set() if with_passwords else kept.private_fields

    def write(stream: IO[bytes]) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", write_through=True)
        text.write("[")
        first = True
        for row in rows.iterator(chunk_size=500):
            media.update(_media_of(kept, row))
            (item,) = serializer.serialize(
                [row],
                use_natural_foreign_keys=kept.relations_by_name,
                use_natural_primary_keys=kept.by_name,
            )
            for name in hidden:
                item["fields"].pop(name, None)
            text.write(("\n" if first else ",\n") + json.dumps(item, cls=_ExactJSONEncoder))
            first = False
        text.write("\n]\n")
        text.detach()

    return write


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond (it keeps milliseconds only)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _media_of(kept: Kept, row: models.Model) -> list[str]:
    names = [
        getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]
    extra = EXTRA_MEDIA.get(kept.label)
    if extra is not None:
        names += extra(row)
    return [str(name) for name in names if name]


def _manifest(exported: Exported, with_passwords: bool) -> bytes:
    migrations = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        migrations[app] = max(migrations.get(app, ""), name)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "site_url": settings.SITE_URL,
        "passwords": with_passwords,
        "site_version": SiteVersion.current(),
        "models": {
            kept.label: {"file": kept.file_name, "count": exported.counts[kept.label]}
            for kept in KEPT
        },
        "media": exported.media,
        "missing_media": exported.missing_media,
        "left_out": LEFT_OUT,
        "migrations": migrations,
    }
    return json.dumps(manifest, indent=2).encode()


# Import


@dataclasses.dataclass
class Imported:
    counts: dict[str, int]
    media: int


def import_backup(source, *, progress: Callable[[str], None] | None = None) -> Imported:
    """Read the backup at ``source`` (a path or a binary file) into this empty site.
    Raises Refused, having imported nothing."""
    progress = progress or (lambda message: None)
    try:
        archive = checked_zip(
            source, max_bytes=settings.IMPORT_MAX_BYTES, max_ratio=settings.IMPORT_MAX_RATIO
        )
    except UnsafeZip as unsafe:
        raise Refused(str(unsafe)) from unsafe
    with archive:
        manifest = _read_manifest(archive)
        _check_empty()
        written: list[str] = []
        try:
            with transaction.atomic():
                counts, media = _load_rows(archive, manifest, progress)
                _write_media(archive, media, manifest, written)
                progress(f"media files: {len(written)}")
                sync_roles()  # the role groups get exactly their permissions again
                store_missing()  # the participation page's word counts
                _move_site_version_past(manifest)
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    SettingsRecord.forget_loaded()
    return Imported(counts, len(written))


def _move_site_version_past(manifest: dict) -> None:
    """Pages are cached under the site's version (course/models.py): past the backup's
    and this site's, no page cached by either before the import can be served."""
    exported = manifest.get("site_version")
    exported = exported if isinstance(exported, int) else 0
    value = max(SiteVersion.current(), exported) + 1
    SiteVersion.objects.update_or_create(pk=1, defaults={"value": value})


def _read_json(archive, name: str, when_missing: str):
    try:
        return json.loads(archive.read(name))
    except KeyError as missing:
        raise Refused(when_missing) from missing
    except ValueError as error:
        raise Refused(f"The backup's {name} is malformed JSON: {error}.") from error


def _read_manifest(archive) -> dict:
    manifest = _read_json(archive, MANIFEST, f"This is not a course backup: it has no {MANIFEST}.")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Refused(f"This is not a course backup: its {MANIFEST} is not one of ours.")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Refused(f"The backup's {MANIFEST} has no format version.")
    if version > FORMAT_VERSION:
        raise Refused(
            f"This backup was made by a newer Coursblog (backup format {version}); this "
            f"site reads format {FORMAT_VERSION} and older. Upgrade this site, then import."
        )
    _check_migrations(manifest.get("migrations", {}))
    known = {kept.label for kept in KEPT}
    listed = manifest.get("models")
    if not isinstance(listed, dict) or not all(isinstance(v, dict) for v in listed.values()):
        raise Refused(f"The backup's {MANIFEST} is malformed: “models” is not a mapping.")
    unknown = sorted(set(listed) - known)
    if unknown:
        raise Refused(
            f"The backup holds {', '.join(unknown)}, which this site does not have: it was "
            "made by a site with other apps."
        )
    for key in ("media", "missing_media"):
        names = manifest.get(key, [])
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise Refused(f"The backup's {MANIFEST} is malformed: “{key}” is not a list of names.")
    return manifest


def _check_migrations(migrations) -> None:
    """A backup whose database had migrations this site has not is from newer code."""
    if not isinstance(migrations, dict):
        raise Refused(f"The backup's {MANIFEST} is malformed: “migrations” is not a mapping.")
    applied = set(MigrationRecorder.Migration.objects.values_list("app", "name"))
    installed = {config.label for config in apps.get_app_configs()}
    ahead = sorted(
        f"{app}.{name}"
        for app, name in migrations.items()
        if app in installed and (app, name) not in applied
    )
    if ahead:
        raise Refused(
            f"This backup was made by a newer Coursblog: its database had migrations this "
            f"site has not ({', '.join(ahead)}). Upgrade this site and migrate, then import."
        )


def _check_empty() -> None:
    found = []
    for kept in KEPT:
        if kept.site_record:
            continue
        count = kept.model._default_manager.count()
        if count:
            opts = kept.model._meta
            found.append(f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}")
    if found:
        raise Refused(
            f"This site is not empty (it has {', '.join(found)}). Import a backup only into "
            "a new site: an empty database after `python manage.py migrate`."
        )


def _load_rows(archive, manifest: dict, progress) -> tuple[dict[str, int], set[str]]:
    counts: dict[str, int] = {}
    media: set[str] = set()
    loaded: list[type[models.Model]] = []
    with connection.constraint_checks_disabled():
        for kept in KEPT:
            if kept.label not in manifest["models"]:
                continue
            file_name = kept.file_name
            objects = _read_rows(archive, file_name, kept.label)
            try:
                counts[kept.label] = _save_rows(kept, objects, media)
            except (
                DeserializationError,
                FieldDoesNotExist,
                ValidationError,
                DatabaseError,
                LookupError,
                TypeError,
                ValueError,
                AttributeError,
            ) as error:
                raise Refused(f"The backup's {file_name} is malformed: {error}.") from error
            loaded.append(kept.model)
            progress(f"{kept.label}: {counts[kept.label]}")
    try:
        connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    except DatabaseError as error:
        raise Refused(f"The backup's rows do not fit together: {error}.") from error
    _reset_sequences(loaded)
    problems = apps.get_model("comments.Comment").objects.tree_problems()
    if problems:
        raise Refused(f"The backup's comment trees are inconsistent: {problems[0]}.")
    return counts, media


def _read_rows(archive, file_name: str, label: str) -> list[dict]:
    rows = _read_json(archive, file_name, f"The backup lists {label} but has no {file_name}.")
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and row.get("model") == label.lower() and "fields" in row
        for row in rows
    ):
        raise Refused(f"The backup's {file_name} is malformed: it should list {label} rows.")
    return rows


def _save_rows(kept: Kept, rows: list[dict], media: set[str]) -> int:
    prepare = PREPARE.get(kept.label)
    sanitised = [
        field for field in kept.model._meta.concrete_fields if isinstance(field, SanitizedHTMLField)
    ]
    count = 0
    for deserialised in serializers.deserialize("python", rows, handle_forward_references=True):
        row = deserialised.object
        for field in sanitised:  # a raw save skips pre_save: sanitise as a save would
            field.pre_save(row, False)
        if prepare is not None:
            prepare(row)
        for name in _media_of(kept, row):
            problem = _bad_media_name(name)
            if problem:
                raise Refused(
                    f"The backup's {kept.file_name} names a media file “{name}”: {problem}."
                )
            media.add(name)
        deserialised.save()
        if deserialised.deferred_fields:
            deserialised.save_deferred_fields()
        count += 1
    return count


def _bad_media_name(name: str) -> str:
    problem = unsafe_name(name)
    if problem:
        return problem
    if PurePosixPath(name).suffix.lower() not in MEDIA_SUFFIXES:
        return "not a picture"
    return ""


def _reset_sequences(loaded: list[type[models.Model]]) -> None:
    """Ids were given, not drawn: the next row of each table must get a new one."""
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _write_media(archive, media: set[str], manifest: dict, written: list[str]) -> None:
    missing_before = set(manifest.get("missing_media", []))
    members = set(archive.namelist())
    for name in sorted(media):
        member = MEDIA_FOLDER + name
        if member not in members:
            if name in missing_before:
                continue  # already missing on the site the backup was made from
            raise Refused(f"The backup has no {member}, which its rows name.")
        if default_storage.exists(name):
            default_storage.delete(name)  # left by an earlier site: this one is empty
        with archive.open(member) as data:
            stored = default_storage.save(name, File(data, name=name))
        written.append(stored)
        if stored != name:
            raise Refused(f"The media file {name} could not be stored under its name.")
