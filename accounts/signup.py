"""The join-code field of allauth's sign-up forms.

allauth builds its sign-up form classes on this one (ACCOUNT_SIGNUP_FORM_CLASS) while
importing allauth.account.forms, so this module must not import allauth's forms.
"""

from __future__ import annotations

from django import forms

from course.models import CourseSettings


class JoinCodeSignupForm(forms.Form):
    """Extra field on allauth's sign-up forms (with a password, or an external login)."""

    join_code = forms.CharField(
        label="Course join code",
        max_length=64,
        help_text="Your instructor gives the class this code.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_join_code(self) -> str:
        code = self.cleaned_data["join_code"]
        if not CourseSettings.load().join_code_matches(code):
            raise forms.ValidationError(
                "That join code is not this course's. Check it with your instructor."
            )
        return code

    def signup(self, request, user) -> None:
        """allauth calls this after creating the user; the adapter makes them a student."""
