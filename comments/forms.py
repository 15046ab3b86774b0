from __future__ import annotations

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from comments import moderation
from comments.models import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    Comment,
)
from coursblog.html import plain_text, render_comment_html

# Control characters (C0, DEL, C1), except tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n\t]+")
# Invisible format characters that can disguise a name or a web address: bidi
# overrides and isolates, zero-width spaces, word joiners, the byte-order mark.
# Zero-width (non-)joiners stay: scripts and emoji need them.
INVISIBLE_FORMATTING = re.compile(
    "[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
SINGLE_LINE_FIELDS = ("name", "email", "url", "parent")
PK_PATTERN = re.compile(r"[0-9]{1,18}")

# Refusals that are about permission, not about what was typed: HTTP 403.
FORBIDDEN_CODES = ("closed", "parent_not_approved")


def _too_long(what: str) -> str:
    return f"{what} is too long: %(show_value)s characters, and the limit is %(limit_value)s."


def find_reply_target(post, raw_pk: str, *, lock: bool = False) -> Comment | None:
    """The approved comment of ``post`` that ``raw_pk`` names, or None for no parent.

    Raises ValidationError, with a message for the reader, for anything else. A
    comment of another post reads as not found, so ids cannot be probed. With
    ``lock``, the comment's thread is locked (see CommentManager.lock_thread).
    """
    raw_pk = (raw_pk or "").strip()
    if not raw_pk:
        return None
    parent = None
    if PK_PATTERN.fullmatch(raw_pk):
        pk = int(raw_pk)
        parent = Comment.objects.lock_thread(pk) if lock else Comment.objects.filter(pk=pk).first()
    if parent is None or parent.post_id != post.pk:
        raise ValidationError(
            "The comment you are replying to could not be found; it may have been deleted.",
            code="parent_missing",
        )
    if not moderation.can_reply_to(parent):
        message = (
            "Replies to comments awaiting moderation are not allowed."
            if parent.status == Comment.Status.PENDING
            else "That comment has been removed, so it cannot take replies."
        )
        raise ValidationError(message, code="parent_not_approved")
    return parent


class CommentForm(forms.Form):
    """The "Leave a Reply" form. Field names match WordPress's where they can.

    Invisible control characters are removed from what was sent before anything
    else happens, and the form then refuses once with a message, so the text shown
    back is exactly what will be saved next time.
    """

    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Please enter your name.", "max_length": _too_long("Name")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=EMAIL_MAX_LENGTH,
        help_text="Your email address will not be published.",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
            "max_length": _too_long("Email address"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = forms.URLField(
        label="Website",
        max_length=URL_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Please enter a web address, like https://example.com.",
            "max_length": _too_long("Website address"),
        },
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        error_messages={
            "required": "Please type your comment.",
            "max_length": _too_long("Your comment"),
        },
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
    )
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, post, user, **kwargs):
        self.post = post
        self.user = user
        self.had_control_characters: set[str] = set()
        if data is not None:
            data = self._without_control_characters(data)
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            # The browser would cut a long paste silently; the server says so instead.
            field.widget.attrs.pop("maxlength", None)
        if user.is_authenticated:
            for field_name in ("name", "email", "url"):
                del self.fields[field_name]

    def _without_control_characters(self, data):
        data = data.copy()
        for field_name in (*SINGLE_LINE_FIELDS, "body"):
            value = data.get(field_name)
            if not isinstance(value, str):
                continue
            cleaned = CONTROL_CHARACTERS.sub("", value)
            if field_name in SINGLE_LINE_FIELDS:
                cleaned = INVISIBLE_FORMATTING.sub("", LINE_BREAKS.sub(" ", cleaned))
            if cleaned != value:
                self.had_control_characters.add(field_name)
                data[field_name] = cleaned
        return data

    def _refuse_control_characters(self, field_name: str, value):
        if field_name in self.had_control_characters:
            raise ValidationError(
                "This contained invisible control characters, which we have removed. "
                "Check the text and send it again.",
                code="control_characters",
            )
        return value

    def clean_name(self) -> str:
        return self._refuse_control_characters("name", self.cleaned_data["name"])

    def clean_email(self) -> str:
        return self._refuse_control_characters("email", self.cleaned_data["email"])

    def clean_url(self) -> str:
        return self._refuse_control_characters("url", self.cleaned_data["url"])

    def clean_body(self) -> str:
        body = self._refuse_control_characters("body", self.cleaned_data["body"])
        if not plain_text(render_comment_html(body)):
            raise ValidationError(
                "Your comment has no text once markup that is not allowed is removed. "
                "Please type your comment as plain text.",
                code="empty_after_cleaning",
            )
        return body

    def clean_parent(self) -> Comment | None:
        return find_reply_target(self.post, self.cleaned_data["parent"])

    def clean(self):
        try:
            moderation.check_can_comment(self.post, self.user)
        except moderation.CommentingClosed as closed:
            raise ValidationError(str(closed), code="closed") from None
        return super().clean()

    def refusal_status(self) -> int:
        """HTTP status for a refused form: 403 when not allowed, else 400."""
        for code in FORBIDDEN_CODES:
            if self.has_error(NON_FIELD_ERRORS, code) or self.has_error("parent", code):
                return 403
        return 400

    @property
    def replying_to(self) -> Comment | None:
        """The approved comment this form replies to, once validated."""
        if hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("parent")
        return None

    def save(self, *, ip_address: str | None, user_agent: str) -> Comment | None:
        """Save the comment with the status the moderation policy gives it.

        The parent is checked again under its thread's lock: if it was deleted or
        removed since the form was validated, nothing is saved, the form gets the
        error, and this returns None.
        """
        data = self.cleaned_data
        with transaction.atomic():
            parent = data["parent"]
            if parent is not None:
                try:
                    parent = find_reply_target(self.post, str(parent.pk), lock=True)
                except ValidationError as error:
                    self.add_error("parent", error)
                    return None
            comment = Comment(
                post=self.post,
                parent=parent,
                body=data["body"],
                ip_address=ip_address,
                user_agent=user_agent[:500],
            )
            if self.user.is_authenticated:
                comment.user = self.user
                comment.author_name = self.user.display_name
                comment.author_email = self.user.email
            else:
                comment.author_name = data["name"]
                comment.author_email = data["email"]
                comment.author_url = data["url"]
            comment.status = moderation.initial_status(comment)
            comment.save()
        return comment
