"""python manage.py import_wxr FILE [--media-dir DIR] [--dry-run] [--as-author USER] [--invite]"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from wordpress import importer, wxr


class Progress:
    """A bar with items and comments per second, redrawn in place on a terminal
    (a line every few seconds otherwise)."""

    WIDTH = 30

    def __init__(self, stream, items: int, comments: int):
        self.stream, self.items, self.comments = stream, max(items, 1), comments
        self.started = self.shown = time.monotonic()
        self.tty = stream.isatty()

    def __call__(self, items: int, comments: int) -> None:
        now = time.monotonic()
        if now - self.shown < (0.1 if self.tty else 5) and items < self.items:
            return
        self.shown = now
        seconds = max(now - self.started, 1e-6)
        done = int(self.WIDTH * items / self.items)
        line = (
            f"[{'#' * done}{'.' * (self.WIDTH - done)}] {items}/{self.items} items, "
            f"{comments}/{self.comments} comments · {items / seconds:.0f} items/s, "
            f"{comments / seconds:.0f} comments/s"
        )
        self.stream.write(("\r" + line) if self.tty else line + "\n", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n", ending="")


class Command(BaseCommand):
    help = "Import a WordPress export (WXR file): posts, threaded comments, people, images."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The WXR file WordPress exported.")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the blog's wp-content/uploads, for its images.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report, and keep nothing."
        )
        parser.add_argument(
            "--as-author",
            metavar="USER",
            help="Give every post to this member (username) instead of the file's authors.",
        )
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Email the people it creates an invitation to set their password.",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        media_dir = options["media_dir"]
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"No folder at {media_dir}.")
        as_author = None
        if options["as_author"]:
            as_author = User.objects.filter(username=options["as_author"]).first()
            if as_author is None:
                raise CommandError(f"No member has the username “{options['as_author']}”.")
        try:
            found = importer.scan(path)
        except wxr.WxrError as refused:
            raise CommandError(f"{path}: {refused} Nothing was imported.") from None
        self.stdout.write(
            f"{found.title or found.site}: {found.items} items, {found.comments} comments "
            f"(WXR {found.wxr_version})."
        )
        progress = Progress(self.stderr, found.items, found.comments)
        report = importer.import_file(
            path,
            importer.Options(
                media_dir=media_dir,
                dry_run=options["dry_run"],
                as_author=as_author,
                invite=options["invite"],
            ),
            progress=progress,
            found=found,
        )
        progress.finish()
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was kept. It would have done this:")
        for line in report.summary():
            self.stdout.write(line)
