"""Images of an imported blog: from a copy of its wp-content/uploads, through our
upload pipeline (images.models.Image.objects.create_from_upload), and the post
bodies' addresses rewritten to the new files.

WordPress serves uploads from ``…/wp-content/uploads/2018/11/map.jpg`` (WordPress.com
from ``<site>.files.wordpress.com/2018/11/map.jpg``) and links resized copies such
as ``map-300x200.jpg``; a copy we lack is replaced by its original, since our
pipeline makes its own sizes. An image that cannot be had keeps its address and is
reported: nothing is fetched from the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files import File

from images.models import Image
from images.processing import ImageRejected

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
_SIZED = re.compile(r"^(?P<stem>.+)-\d+x\d+(?P<suffix>\.[A-Za-z]+)$")
_URL_ATTRIBUTE = re.compile(
    r"""(?P<name>\b(?:src|href))\s*=\s*(?P<quote>["'])(?P<url>[^"']+)(?P=quote)"""
)


def uploads_path(url: str) -> str | None:
    """The path of an upload's address under wp-content/uploads (None if it is none)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = unquote(parts.path)
    if "/wp-content/uploads/" in path:
        relative = path.split("/wp-content/uploads/", 1)[1]
    elif (parts.hostname or "").endswith(".files.wordpress.com"):
        relative = path.lstrip("/")
    else:
        return None
    if not relative.lower().endswith(IMAGE_SUFFIXES) or ".." in relative.split("/"):
        return None
    return relative


def original_of(relative: str) -> str:
    """``2018/11/map-300x200.jpg`` → ``2018/11/map.jpg`` (WordPress's resized copies)."""
    folder, _, name = relative.rpartition("/")
    sized = _SIZED.match(name)
    if sized is None:
        return relative
    name = sized["stem"] + sized["suffix"]
    return f"{folder}/{name}" if folder else name


class Uploads:
    """The uploads folder of one import: finds, converts and remembers its images.

    ``image_for(relative path)`` is given by the importer (it looks up images made
    by earlier imports and records new ones); this class only deals in files.
    """

    def __init__(self, folder: Path | None, *, dry_run: bool = False):
        self.folder = Path(folder).resolve() if folder else None
        self.dry_run = dry_run

    def file_for(self, relative: str) -> tuple[str, Path] | None:
        """(the path we use, the file) for an upload, or its original; None if absent."""
        if self.folder is None:
            return None
        for candidate in dict.fromkeys((relative, original_of(relative))):
            path = (self.folder / candidate).resolve()
            if path.is_relative_to(self.folder) and path.is_file():
                return candidate, path
        return None

    def create(self, path: Path, *, owner) -> Image:
        """Our Image for a file (raises ImageRejected for one Pillow cannot use)."""
        with path.open("rb") as handle:
            return Image.objects.create_from_upload(File(handle, name=path.name), owner=owner)


def rewrite_urls(html: str, new_url: Callable[[str, str], str | None]) -> str:
    """Every src and href in ``html`` replaced by ``new_url(attribute, url)`` when that
    gives an address (None keeps the old one)."""

    def replace(match: re.Match) -> str:
        url = new_url(match["name"].lower(), match["url"])
        if url is None:
            return match.group(0)
        return f"{match['name']}={match['quote']}{url}{match['quote']}"

    return _URL_ATTRIBUTE.sub(replace, html)


__all__ = ["ImageRejected", "Uploads", "original_of", "rewrite_urls", "uploads_path"]
