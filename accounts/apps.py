from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts import roles

        # Permissions only exist once every app has migrated, hence post_migrate.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
