"""Write the course as a static site to keep: a ZIP that opens offline from index.html."""

from __future__ import annotations

import time
from pathlib import Path

from archive.commands import ArchiveCommand
from archive.static_site import Progress, StaticSite


class Command(ArchiveCommand):
    help = (
        "Write the course as a static site in a ZIP (open index.html, offline). "
        "Public posts only, or with --everything what the class could read."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("out", type=Path, help="the ZIP file to write")
        parser.add_argument(
            "--everything",
            action="store_true",
            help="everything a student of the class could read (class-only posts too), "
            "for the instructor's own keeping; anonymous authors stay anonymous",
        )

    def handle(self, *args, out: Path, everything: bool, **options) -> None:
        started = time.monotonic()
        site = StaticSite(everything=everything, progress=self._step)
        self.write(site.members(), out)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out} ({out.stat().st_size:,} bytes: {len(site.posts)} posts, "
                f"{len(site.media)} pictures) in {time.monotonic() - started:.1f} s."
            )
        )

    def _step(self, step: Progress) -> None:
        self.progress(f"[{step.done}/{step.total}] {step.message}")
