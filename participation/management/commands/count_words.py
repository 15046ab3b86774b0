"""Store the word count of every post and comment that lacks one or whose count is stale."""

from django.core.management.base import BaseCommand

from participation.words import store_missing


class Command(BaseCommand):
    help = (
        "Count the words of posts and comments saved without a count (bulk imports) or "
        "changed behind save(); the participation page then adds up stored counts only."
    )

    def handle(self, *args, **options) -> None:
        stored = store_missing()
        self.stdout.write(f"Counted the words of {stored} post(s) and comment(s).")
