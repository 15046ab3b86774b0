from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class CoursblogConfig(AppConfig):
    """The project package as an app: site-wide templates tags and management commands."""

    name = "coursblog"
    verbose_name = "Coursblog"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(sender, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """Every `migrate` makes the database cache's table, when the settings use one.

    Production without Redis keeps its cache (and so the login rate limits) in the
    database; a deployment that only runs `migrate` gets the table without a step
    of its own. Does nothing where the table exists or no database cache is set.
    """
    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))
