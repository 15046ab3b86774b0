"""How django-allauth fits the course: sign-up needs the join code and makes a student."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import roles
from coursblog.http import client_ip
from course.models import CourseSettings


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
    def save_user(self, request: HttpRequest, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        roles.make_student(user)
        return user
