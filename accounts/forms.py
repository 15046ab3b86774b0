from __future__ import annotations

from allauth.account.forms import LoginForm


class CourseLoginForm(LoginForm):
    """allauth's login form, labelled in the course's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this computer"
