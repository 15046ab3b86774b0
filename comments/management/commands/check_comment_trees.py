from django.core.management.base import BaseCommand, CommandError

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Verify every comment tree (nested sets against parent links). "
        "With --repair, rebuild the broken trees from their parent links."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Rebuild the trees that fail the check."
        )

    def handle(self, *args, repair: bool = False, **options) -> None:
        problems = Comment.objects.tree_problems()
        if not problems:
            self.stdout.write(self.style.SUCCESS("All comment trees are sound."))
            return
        for problem in problems:
            self.stdout.write(f"{problem}")
        if not repair:
            raise CommandError(
                f"{len(problems)} problem(s) found. Run with --repair to rebuild those trees."
            )
        repaired = Comment.objects.repair_trees()
        remaining = Comment.objects.tree_problems()
        if remaining:
            raise CommandError(f"{len(remaining)} problem(s) remain after the repair.")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {repaired} comment(s); all trees sound."))
