from django.apps import AppConfig


class CoursblogConfig(AppConfig):
    """The project package as an app: site-wide templates tags and management commands."""

    name = "coursblog"
    verbose_name = "Coursblog"
