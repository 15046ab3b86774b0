from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from search import fts5

        # SQLite drops a table's triggers when a migration rebuilds the table: put back
        # any that went, and index again what was written while they were missing.
        post_migrate.connect(fts5.after_migrate, sender=self)
