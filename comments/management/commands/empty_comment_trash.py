from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.models import Comment

TRASH_DAYS = 30


class Command(BaseCommand):
    help = (
        f"Delete for good the comments that have been in the trash for more than "
        f"{TRASH_DAYS} days (their replies move up). Run it daily, from cron."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=TRASH_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        cutoff = timezone.now() - timedelta(days=days)
        old = Comment.objects.filter(status=Comment.Status.TRASH, moderated_at__lt=cutoff)
        deleted = 0
        for comment in old.order_by("-level"):
            deleted += comment.delete()[0]
        self.stdout.write(f"Deleted {deleted} comment(s) trashed more than {days} days ago.")
