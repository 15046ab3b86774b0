from django.core.management.base import BaseCommand

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Make every comment's stored markup (its author and text) again, for example after "
        "an upgrade changed its format. Safe to run while the site serves pages."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int = 1000, **options) -> None:
        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            self.stdout.write(f"{done:,} of {total:,} comments ({percent}%)")

        changed = Comment.objects.rebuild_fragments(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{changed:,} comment fragment(s) made again."))
