"""ZIP files in and out: written to a file or sent while they are made, and read only
once nothing in them can reach outside their folder or fill the disk.

Writing goes through the standard library's ``zipfile``, which writes to a stream it
cannot seek (data descriptors after each member), so a download starts with the
first page made and no copy of the whole ZIP is ever held or stored.

Reading: ``checked_zip`` looks at the central directory before a byte is extracted
and refuses a member named outside the ZIP's folder (``../``, an absolute or drive
path, a backslash), a symbolic link, an encrypted member, more than ``max_bytes``
uncompressed, or a member (or the whole) compressed more than ``max_ratio`` times.
zipfile itself stops a member at its declared size (a lying header fails its CRC
check), so the declared sizes are the sizes extracted.
"""

from __future__ import annotations

import dataclasses
import io
import re
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

# Below this size a member may compress as much as it likes (a page of repeated
# markup does): it cannot fill a disk.
RATIO_FLOOR_BYTES = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclasses.dataclass(frozen=True)
class Member:
    """One file to put in a ZIP: its bytes, or a function that writes them."""

    name: str
    data: bytes | Callable[[IO[bytes]], None]
    compress: bool = True  # images and other compressed formats are stored as they are


def write_zip(members: Iterable[Member], target: IO[bytes]) -> None:
    """Write ``members`` as a ZIP into ``target`` (a file, or a stream it cannot seek)."""
    writer = _ZipWriter(target)
    try:
        for member in members:
            writer.add(member)
    finally:
        writer.close()


def write_zip_file(members: Iterable[Member], out: Path) -> None:
    """Write ``members`` as a ZIP at ``out``, which appears only once it is whole."""
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("wb") as target:
            write_zip(members, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)


def stream_zip(members: Iterable[Member]) -> Iterator[bytes]:
    """The bytes of the ZIP of ``members``, given out as each member is written."""
    pipe = _Pipe()
    writer = _ZipWriter(pipe)
    for member in members:
        writer.add(member)
        if chunk := pipe.take():
            yield chunk
    writer.close()
    yield pipe.take()


class _ZipWriter:
    def __init__(self, target: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(target, "w", allowZip64=True)
        self.moment = time.localtime()[:6]

    def add(self, member: Member) -> None:
        info = zipfile.ZipInfo(member.name, date_time=self.moment)
        info.compress_type = zipfile.ZIP_DEFLATED if member.compress else zipfile.ZIP_STORED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        if callable(member.data):
            with self.archive.open(info, "w", force_zip64=True) as stream:
                member.data(stream)
        else:
            self.archive.writestr(info, member.data)

    def close(self) -> None:
        self.archive.close()


class _Pipe(io.RawIOBase):
    """A stream zipfile writes to and the response reads from; it cannot seek."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class UnsafeZip(Exception):
    """The ZIP is refused; the message says why, for the person who gave it."""


def checked_zip(source, *, max_bytes: int, max_ratio: int) -> zipfile.ZipFile:
    """``source`` (a path or a binary file) opened as a ZIP, once its directory shows
    nothing unsafe (see the module docstring). Raises UnsafeZip."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnsafeZip(f"This is not a ZIP file that can be read ({error}).") from error
    try:
        _check_members(archive.infolist(), max_bytes=max_bytes, max_ratio=max_ratio)
    except UnsafeZip:
        archive.close()
        raise
    return archive


def _check_members(infos: list[zipfile.ZipInfo], *, max_bytes: int, max_ratio: int) -> None:
    total = compressed = 0
    for info in infos:
        problem = unsafe_name(info.filename)
        if problem:
            raise UnsafeZip(f"The ZIP holds “{info.filename}”, {problem}.")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UnsafeZip(f"The ZIP holds “{info.filename}”, a symbolic link.")
        if info.flag_bits & 0x1:
            raise UnsafeZip(f"The ZIP holds “{info.filename}”, which is encrypted.")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeZip(
                f"“{info.filename}” would grow {info.file_size // max(info.compress_size, 1):,} "
                f"times when extracted (at most {max_ratio} is accepted): a ZIP bomb."
            )
        total += info.file_size
        compressed += info.compress_size
    if total > max_bytes:
        raise UnsafeZip(
            f"The ZIP's files would take {total:,} bytes when extracted; "
            f"at most {max_bytes:,} are accepted (IMPORT_MAX_BYTES)."
        )
    if total > RATIO_FLOOR_BYTES and total > max_ratio * max(compressed, 1):
        raise UnsafeZip(
            f"The ZIP would grow {total // max(compressed, 1):,} times when extracted "
            f"(at most {max_ratio} is accepted): a ZIP bomb."
        )


def unsafe_name(name: str) -> str:
    """Why a path named inside a ZIP (or a backup) would reach outside its folder, or ""."""
    if not name or "\x00" in name:
        return "an empty name"
    if "\\" in name:
        return "a path with a backslash (a Windows path)"
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "a path outside the ZIP's folder"
    return ""
