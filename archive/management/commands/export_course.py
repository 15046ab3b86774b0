"""Back up the whole course: every model as JSON, with the media files, in a ZIP."""

from __future__ import annotations

import time
from pathlib import Path

from archive.backup import LEFT_OUT, backup_members
from archive.commands import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Back up the whole course (every model as JSON, with the media files) into a ZIP "
        "that import_course reads into an empty site. Password hashes and secrets (feed "
        "tokens, external logins' secrets) are left out."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("out", type=Path, help="the ZIP file to write")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="keep members' password hashes, so they log in as before after an import",
        )

    def handle(self, *args, out: Path, with_passwords: bool, **options) -> None:
        started = time.monotonic()
        members, exported = backup_members(with_passwords=with_passwords, progress=self.progress)
        self.write(members, out)
        if exported.missing_media:
            self.stderr.write(
                f"{len(exported.missing_media)} media file(s) were already missing from "
                "storage and are not in the backup."
            )
        self.stdout.write(f"Left out: {', '.join(sorted(LEFT_OUT))}.")
        if not with_passwords:
            self.stdout.write("Password hashes are left out: members set a new password.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out} ({out.stat().st_size:,} bytes) in {time.monotonic() - started:.1f} s."
            )
        )
