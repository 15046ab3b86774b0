from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from allauth.socialaccount.models import SocialApp

        from accounts import adapter, roles
        from accounts.models import User

        # Permissions only exist once every app has migrated, hence post_migrate.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        # Roles show on pages (the "Instructor" mark): a change of groups is a change
        # of what pages show, from whichever side it is made.
        m2m_changed.connect(roles.groups_changed, sender=User.groups.through)
        # The external log-ins offered show on pages (the log-in page, the comment form).
        post_save.connect(adapter.social_apps_changed, sender=SocialApp)
        post_delete.connect(adapter.social_apps_changed, sender=SocialApp)
