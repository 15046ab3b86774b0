"""Archives and pictures for the archive tests."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PILImage

from images.models import Image


def static_site(tmp_path: Path, *, everything: bool = False) -> dict[str, bytes]:
    """Every file of the static archive the command writes, by name."""
    out = tmp_path / ("class.zip" if everything else "public.zip")
    options = ["--everything"] if everything else []
    call_command("export_static_site", str(out), *options, stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def extract(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def picture(owner, color: str = "teal", size=(1200, 800)) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    upload = SimpleUploadedFile(f"{color}.jpg", buffer.getvalue(), content_type="image/jpeg")
    return Image.objects.create_from_upload(upload, owner=owner)


def stored_names(image: Image) -> list[str]:
    return [image.file.name, *(rendition["name"] for rendition in image.renditions)]


def load_demo() -> None:
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
