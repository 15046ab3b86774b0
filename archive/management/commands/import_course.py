"""Restore a course backup (made by export_course) into an empty site."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import CommandError

from archive.backup import Refused, import_backup
from archive.commands import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Import a course backup made by export_course into this site, which must be "
        "empty (a new database after migrate). A backup that is unsafe, malformed or "
        "from a newer Coursblog is refused, and nothing is imported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("zip", type=Path, help="the backup's ZIP file")

    def handle(self, *args, zip: Path, **options) -> None:
        started = time.monotonic()
        try:
            with zip.open("rb") as source:
                imported = import_backup(source, progress=self.progress)
        except OSError as error:
            raise CommandError(f"Cannot read {zip}: {error}") from error
        except Refused as refusal:
            raise CommandError(f"{refusal} Nothing was imported.") from refusal
        rows = sum(imported.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {rows:,} rows and {imported.media:,} media files from {zip} in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
