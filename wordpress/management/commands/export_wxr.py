"""python manage.py export_wxr OUT.xml [--include-private]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wordpress import exporter


class Command(BaseCommand):
    help = "Export the blog as a WordPress WXR 1.2 file, for WordPress's importer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="Where to write the file.")
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="Also export unpublished posts (drafts and submitted posts), with their status.",
        )

    def handle(self, *args, **options) -> None:
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"No folder at {out.parent}.")
        partial = out.with_name(out.name + ".part")
        with partial.open("w", encoding="utf-8") as stream:
            exporter.write(stream, include_private=options["include_private"])
        partial.replace(out)  # a failed export leaves no half-written file behind
        posts = exporter.exported_posts(options["include_private"]).count()
        self.stdout.write(f"Exported {posts} posts to {out}.")
