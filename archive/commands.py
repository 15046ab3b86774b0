"""What the archive's management commands share: progress lines and ZIP files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.zips import Member, write_zip_file


class ArchiveCommand(BaseCommand):
    def execute(self, *args, **options):
        self.verbosity = options["verbosity"]
        return super().execute(*args, **options)

    def progress(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)

    def write(self, members: Iterable[Member], out: Path) -> None:
        try:
            write_zip_file(members, out)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error}") from error
