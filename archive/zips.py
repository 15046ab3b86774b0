"""ZIP files out: written to a file or sent while they are made.

Writing goes through the standard library's ``zipfile``, which writes to a stream it
cannot seek (data descriptors after each member), so a download starts with the
first page made and no copy of the whole ZIP is ever held or stored.
"""

from __future__ import annotations

import dataclasses
import io
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO


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
