"""How django-allauth fits the course: sign-up needs the join code and makes a student;
the external log-ins offered are the ones the instructor configured."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers import registry
from allauth.socialaccount.providers.base import Provider
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import roles
from accounts.models import User
from coursblog.http import client_ip
from coursblog.text import single_line
from course.models import CourseSettings, SiteVersion


class CourseAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The address the rate limits count, by the site's one rule (TRUSTED_PROXIES)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address.")
        return ip

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open only while the instructor has set a join code."""
        return bool(CourseSettings.load().join_code)

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            roles.make_student(user)
        return user


class CourseSocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict):
        """A new member is first seen by the name their provider gives."""
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.display_name = single_line(name or "")
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        user = sociallogin.user
        if user.display_name:
            # Unique in the course; the member can choose another in their account page.
            user.display_name = User.objects.free_display_name(user.display_name)
        user = super().save_user(request, sociallogin, form=form)
        roles.make_student(user)
        return user


def offered_providers(request: HttpRequest, *, site_version: int | None = None) -> list[Provider]:
    """The external log-ins the instructor has configured (a Social application in the
    admin, not marked hidden), in the order of SOCIAL_LOGIN_PROVIDERS; none without one.

    Given the site's version as the caller just read it (the post page reads it with
    the post), a process reuses the applications it read at that version: every change
    to one raises the version (``social_apps_changed``), so a page never offers a
    log-in that is gone, and the post page reads them once per site version.
    """
    global _apps_at_version
    known = _apps_at_version
    if site_version is not None and known is not None and known[0] == site_version:
        apps = known[1]
    else:
        apps = get_adapter(request).list_apps(request)
        apps = [app for app in apps if not app.settings.get("hidden")]
        if site_version is not None:
            _apps_at_version = (site_version, apps)
    order = {cls.id: number for number, cls in enumerate(registry.get_class_list())}
    providers = [
        registry.get_class(app.provider)(request, app=app)
        for app in apps
        if registry.get_class(app.provider) is not None
    ]
    return sorted(providers, key=lambda provider: (order[provider.id], provider.name))


# The applications as this process last read them, at the site's version of that read.
_apps_at_version: tuple[int, list[SocialApp]] | None = None


def forget_offered_providers() -> None:
    """Drop this process's copy (tests start from the database)."""
    global _apps_at_version
    _apps_at_version = None


def social_apps_changed(sender, instance: SocialApp, using: str, **kwargs) -> None:
    """Which log-ins the pages offer is a setting: a change raises the site's version."""
    SiteVersion.raise_version(using)
