from __future__ import annotations

from allauth.account.forms import LoginForm
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User


class CourseLoginForm(LoginForm):
    """allauth's login form, labelled in the course's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this computer"


class DisplayNameForm(forms.ModelForm):
    """The name everyone else sees: the member's own choice, unique in the course."""

    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Display name"}
        help_texts = {
            "display_name": "What classmates and readers see on your posts and comments. "
            "A pseudonym is fine; your real name is only for your instructors.",
        }

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError("Choose a display name.", code="required")
        if User.objects.display_name_taken(name, exclude_pk=self.instance.pk):
            raise ValidationError(
                "Another member of the course already uses this name. Choose another.",
                code="taken",
            )
        return name


class AvatarForm(forms.Form):
    """A picture to show beside the member's name instead of their initials."""

    picture = forms.FileField(
        label="Picture",
        help_text="A JPEG, PNG, WebP or GIF; its centre square is shown, small, beside "
        "your name on your posts and comments.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
