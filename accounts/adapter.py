"""How django-allauth fits the course: sign-up needs the join code and makes a student."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

from accounts import roles
from course.models import CourseSettings


class CourseAccountAdapter(DefaultAccountAdapter):
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
