"""import_course refuses, with a clear message and nothing imported, every backup it
must not read: unsafe ZIPs, newer formats, size bombs, malformed JSON, and any
backup when the site is not empty."""

import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.backup import FORMAT, FORMAT_VERSION
from posts.models import Source
from tests.archive.sites import zip_bytes
from tests.factories import make_post

pytestmark = pytest.mark.django_db

SOURCE_ROWS = [{"model": "posts.source", "pk": 7, "fields": {"title": "A History of Russia"}}]


def manifest(**changes) -> bytes:
    fields = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "models": {"posts.Source": {"file": "data/posts.source.json", "count": 1}},
        "media": [],
        **changes,
    }
    return json.dumps(fields).encode()


def backup(**members: bytes) -> dict[str, bytes]:
    return {
        "manifest.json": manifest(),
        "data/posts.source.json": json.dumps(SOURCE_ROWS).encode(),
        **members,
    }


def import_zip(tmp_path: Path, data: bytes) -> str:
    """Import ``data``; return the refusal's message."""
    path = tmp_path / "backup.zip"
    path.write_bytes(data)
    with pytest.raises(CommandError) as refusal:
        call_command("import_course", str(path), stdout=io.StringIO())
    return str(refusal.value)


def nothing_imported(tmp_path: Path) -> bool:
    media = Path(settings.MEDIA_ROOT)
    written = list(media.rglob("*")) if media.exists() else []
    outside = [path for path in tmp_path.rglob("*") if path.name != "backup.zip"]
    return not Source.objects.exists() and written == [] and outside == []


def test_a_sound_backup_is_imported(tmp_path):
    """The backups below differ from this one by one thing each."""
    path = tmp_path / "backup.zip"
    path.write_bytes(zip_bytes(backup()))

    call_command("import_course", str(path), stdout=io.StringIO())

    assert Source.objects.get(pk=7).title == "A History of Russia"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.jpg", "a path outside the ZIP's folder"),
        ("media/../../evil.jpg", "a path outside the ZIP's folder"),
        ("/tmp/evil.jpg", "an absolute path"),
        ("C:/evil.jpg", "an absolute path"),
        ("..\\evil.jpg", "a path with a backslash"),
    ],
)
def test_a_path_outside_the_zips_folder_is_refused(tmp_path, name, reason):
    message = import_zip(tmp_path, zip_bytes(backup(**{name: b"x"})))

    assert f"The ZIP holds “{name}”, {reason}" in message
    assert "Nothing was imported." in message
    assert nothing_imported(tmp_path)


def test_a_symbolic_link_is_refused(tmp_path):
    buffer = io.BytesIO(zip_bytes(backup()))
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("media/images/link.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")

    message = import_zip(tmp_path, buffer.getvalue())

    assert "“media/images/link.jpg”, a symbolic link" in message
    assert nothing_imported(tmp_path)


def test_a_newer_format_is_refused(tmp_path):
    data = backup(**{"manifest.json": manifest(version=FORMAT_VERSION + 1)})

    message = import_zip(tmp_path, zip_bytes(data))

    assert f"made by a newer Coursblog (backup format {FORMAT_VERSION + 1})" in message
    assert nothing_imported(tmp_path)


def test_a_backup_of_a_newer_database_is_refused(tmp_path):
    newer = {"posts": "9999_from_the_future", "someone_elses_app": "0001_initial"}
    data = backup(**{"manifest.json": manifest(migrations=newer)})

    message = import_zip(tmp_path, zip_bytes(data))

    assert "its database had migrations this site has not (posts.9999_from_the_future)" in message
    assert nothing_imported(tmp_path)


def test_a_zip_bomb_is_refused_before_anything_is_extracted(tmp_path):
    zeros = b"\0" * (20 * 1024 * 1024)  # compresses about a thousand times

    message = import_zip(tmp_path, zip_bytes(backup(**{"media/images/a.jpg": zeros})))

    assert "“media/images/a.jpg” would grow" in message
    assert "a ZIP bomb" in message
    assert nothing_imported(tmp_path)


def test_too_many_bytes_in_all_are_refused(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    pictures = {f"media/images/{n}.jpg": bytes(range(256)) * 10 for n in range(5)}

    message = import_zip(tmp_path, zip_bytes(backup(**pictures)))

    assert "would take 13," in message
    assert "at most 10,000 are accepted (IMPORT_MAX_BYTES)" in message
    assert nothing_imported(tmp_path)


def test_a_site_that_is_not_empty_is_refused(tmp_path):
    make_post()

    message = import_zip(tmp_path, zip_bytes(backup()))

    assert "This site is not empty (it has 1 user, 1 post)" in message
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"manifest.json": b"{not json"}, "The backup's manifest.json is malformed JSON"),
        ({"manifest.json": b"[]"}, "This is not a course backup"),
        ({"manifest.json": manifest(version="1")}, "has no format version"),
        ({"manifest.json": manifest(models=[])}, "“models” is not a mapping"),
        ({"manifest.json": manifest(migrations=[])}, "“migrations” is not a mapping"),
        ({"manifest.json": manifest(media="x")}, "“media” is not a list of names"),
        (
            {"manifest.json": manifest(models={"grades.Grade": {}})},
            "holds grades.Grade, which this site does not have",
        ),
        ({"data/posts.source.json": b"[{"}, "The backup's data/posts.source.json is malformed"),
        (
            {"data/posts.source.json": b'[{"model": "accounts.user", "pk": 1, "fields": {}}]'},
            "it should list posts.Source rows",
        ),
        (
            {"data/posts.source.json": b'[{"model": "posts.source", "pk": 1, "fields": {"x": 1}}]'},
            "The backup's data/posts.source.json is malformed",
        ),
        (
            {"data/posts.source.json": b'[{"model": "posts.source", "pk": "a", "fields": {}}]'},
            "The backup's data/posts.source.json is malformed",
        ),
    ],
)
def test_malformed_json_is_refused(tmp_path, members, expected):
    message = import_zip(tmp_path, zip_bytes(backup(**members)))

    assert expected in message
    assert "Nothing was imported." in message
    assert nothing_imported(tmp_path)


def citation_rows(**fields) -> bytes:
    return json.dumps(
        [{"model": "posts.citation", "pk": 1, "fields": {"post": 99, "source": 7, **fields}}]
    ).encode()


def test_rows_that_point_at_nothing_are_refused(tmp_path):
    models = {
        "posts.Source": {"file": "data/posts.source.json"},
        "posts.Citation": {"file": "data/posts.citation.json"},
    }
    data = backup(
        **{"manifest.json": manifest(models=models), "data/posts.citation.json": citation_rows()}
    )

    message = import_zip(tmp_path, zip_bytes(data))

    assert "The backup's rows do not fit together" in message
    assert nothing_imported(tmp_path)


def image_backup(file_name: str, members: dict[str, bytes]) -> bytes:
    rows = [
        {
            "model": "images.image",
            "pk": 1,
            "fields": {
                "file": file_name,
                "width": 1,
                "height": 1,
                "renditions": [],
                "created": "2024-05-01T12:00:00Z",
            },
        }
    ]
    models = {
        "posts.Source": {"file": "data/posts.source.json"},
        "images.Image": {"file": "data/images.image.json"},
    }
    return zip_bytes(
        backup(
            **{"manifest.json": manifest(models=models)},
            **{"data/images.image.json": json.dumps(rows).encode()},
            **members,
        )
    )


@pytest.mark.parametrize(
    ("file_name", "reason"),
    [
        ("../../settings.jpg", "a path outside the ZIP's folder"),
        ("/etc/passwd.jpg", "an absolute path"),
        ("images/page.html", "not a picture"),
    ],
)
def test_media_named_outside_the_media_folder_or_not_a_picture_is_refused(
    tmp_path, file_name, reason
):
    data = image_backup(file_name, {"media/images/page.html": b"<script>x()</script>"})

    message = import_zip(tmp_path, data)

    assert f"names a media file “{file_name}”: {reason}" in message
    assert nothing_imported(tmp_path)


def test_media_missing_from_the_zip_is_refused(tmp_path):
    message = import_zip(tmp_path, image_backup("images/a.jpg", {}))

    assert "The backup has no media/images/a.jpg, which its rows name." in message
    assert nothing_imported(tmp_path)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    message = import_zip(tmp_path, b"PK\x03\x04 not really")

    assert "This is not a ZIP file that can be read" in message
    assert nothing_imported(tmp_path)
