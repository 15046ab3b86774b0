from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts import roles
        from accounts.models import User

        # Permissions only exist once every app has migrated, hence post_migrate.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        # Roles show on pages (the "Instructor" mark): a change of groups is a change
        # of what pages show, from whichever side it is made.
        m2m_changed.connect(roles.groups_changed, sender=User.groups.through)
