from __future__ import annotations

import re
import time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature, Signer
from django.db import transaction

from comments import moderation, notifications, tree
from comments.models import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    Comment,
    DiscussionSettings,
    ParentGone,
    Report,
)
from coursblog.html import plain_text, render_comment_html, web_address
from coursblog.text import CONTROL_CHARACTERS, LINE_BREAKS, refuse_control_characters
from course import anonymity

# Invisible format characters that can disguise a name or a web address: bidi
# overrides and isolates, zero-width spaces, word joiners, the byte-order mark.
# Zero-width (non-)joiners stay: scripts and emoji need them.
INVISIBLE_FORMATTING = re.compile(
    "[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
SINGLE_LINE_FIELDS = ("name", "email", "url", "parent")
PK_PATTERN = re.compile(r"[0-9]{1,18}")

# The HTTP status of a refusal, by the code of its error; anything else is a 400.
REFUSAL_STATUS = {
    "closed": 403,
    "members_only": 403,
    "parent_not_approved": 403,
    "duplicate": 409,
    "flood": 429,
    "address_ceiling": 429,
}
FORM_SIGNER_SALT = "comments.form.issued"
PARENT_GONE = "The comment you are replying to could not be found; it may have been deleted."


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
        raise ValidationError(PARENT_GONE, code="parent_missing")
    if not moderation.can_reply_to(parent):
        message = (
            "Replies to comments awaiting moderation are not allowed."
            if parent.status == Comment.Status.PENDING
            else "That comment has been removed, so it cannot take replies."
        )
        raise ValidationError(message, code="parent_not_approved")
    return parent


class _TypedTextForm(forms.Form):
    """Invisible control characters are removed from what was sent before anything
    else happens, and the form then refuses once with a message, so the text shown
    back is exactly what will be saved next time."""

    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        error_messages={
            "required": "Please type your comment.",
            "max_length": _too_long("Your comment"),
        },
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
    )

    def __init__(self, data=None, **kwargs):
        self.had_control_characters: set[str] = set()
        if data is not None:
            data = self._without_control_characters(data)
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            # The browser would cut a long paste silently; the server says so instead.
            field.widget.attrs.pop("maxlength", None)

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

    def clean_body(self) -> str:
        body = self._refuse_control_characters("body", self.cleaned_data["body"])
        if not plain_text(render_comment_html(body)):
            raise ValidationError(
                "Your comment has no text once markup that is not allowed is removed. "
                "Please type your comment as plain text.",
                code="empty_after_cleaning",
            )
        return body


class CommentForm(_TypedTextForm):
    """The "Leave a Reply" form. Field names match WordPress's where they can."""

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
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    notify_replies = forms.BooleanField(label="Notify me of replies by email", required=False)
    anonymous = forms.BooleanField(
        label="Anonymous to classmates (your instructors still see your name)", required=False
    )
    save_details = forms.BooleanField(
        label="Save my name, email and website in this browser for the next time I comment.",
        required=False,
    )
    # Anti-spam: a field people never see (bots fill it), and when the form was issued.
    phone = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    issued = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        *,
        post,
        user,
        rules: DiscussionSettings | None = None,
        ip_address: str | None = None,
        user_agent: str = "",
        **kwargs,
    ):
        self.post = post
        self.user = user
        self.rules = rules or DiscussionSettings.load()
        self.ip_address = ip_address
        self.user_agent = user_agent[:500]
        super().__init__(data, **kwargs)
        self.initial.setdefault("issued", issue_stamp())
        if user.is_authenticated:
            for field_name in ("name", "email", "url", "save_details"):
                del self.fields[field_name]
        if not anonymity.may_comment_anonymously(user):
            del self.fields["anonymous"]

    def clean_name(self) -> str:
        return self._refuse_control_characters("name", self.cleaned_data["name"])

    def clean_email(self) -> str:
        return self._refuse_control_characters("email", self.cleaned_data["email"])

    def clean_url(self) -> str:
        url = self._refuse_control_characters("url", self.cleaned_data["url"])
        if not url:
            return ""
        address = web_address(url)
        if address is None or len(address) > URL_MAX_LENGTH:
            raise ValidationError(
                "Please enter a web address starting with http:// or https://, like "
                "https://example.com (no spaces or quotation marks in the site's name).",
                code="invalid",
            )
        return address

    def clean_parent(self) -> Comment | None:
        return find_reply_target(self.post, self.cleaned_data["parent"])

    def clean_phone(self) -> str:
        if self.cleaned_data["phone"]:
            raise ValidationError(
                "Your comment was taken for an automated one, because a field meant to stay "
                "empty was filled in. Send it again without filling in “Leave this field empty”.",
                code="honeypot",
            )
        return ""

    def clean_issued(self) -> str:
        """Refuse a form sent faster than a person types, or older than a sitting."""
        raw = self.cleaned_data["issued"]
        try:
            issued_at = int(Signer(salt=FORM_SIGNER_SALT).unsign(raw))
        except (BadSignature, ValueError):
            self._reissue()
            raise ValidationError(
                "This form could not be checked. It has been renewed: please send it again.",
                code="stale_form",
            ) from None
        age = time.time() - issued_at
        if age < settings.COMMENT_FORM_MIN_SECONDS:
            raise ValidationError(
                "That was sent faster than a person can write. Please check your comment "
                "and send it again.",
                code="too_fast",
            )
        if age > settings.COMMENT_FORM_MAX_SECONDS:
            self._reissue()
            raise ValidationError(
                "This form was open for a long time and has expired. It has been renewed: "
                "please send your comment again.",
                code="stale_form",
            )
        return raw

    def _reissue(self) -> None:
        self.data["issued"] = issue_stamp()

    def clean(self):
        try:
            moderation.check_can_comment(self.post, self.user, self.rules)
        except moderation.MembersOnly as refusal:
            raise ValidationError(str(refusal), code="members_only") from None
        except moderation.CommentingClosed as closed:
            raise ValidationError(str(closed), code="closed") from None
        return super().clean()

    def _comment(self, parent: Comment | None) -> Comment:
        """The comment this form describes, not yet saved."""
        data = self.cleaned_data
        comment = Comment(
            post=self.post,
            parent=moderation.reply_parent(parent, self.rules),
            body=data["body"],
            notify_replies=data.get("notify_replies", False),
            anonymous=data.get("anonymous", False),
            ip_address=self.ip_address,
            user_agent=self.user_agent,
        )
        if self.user.is_authenticated:
            comment.user = self.user
            comment.author_name = self.user.display_name
            comment.author_email = self.user.email
        else:
            comment.author_name = data["name"]
            comment.author_email = data["email"]
            comment.author_url = data["url"]
        return comment

    def refusal_status(self) -> int:
        """HTTP status for a refused form: 403, 409 or 429 by what refused it, else 400."""
        for error_list in self.errors.as_data().values():
            for error in error_list:
                if error.code in REFUSAL_STATUS:
                    return REFUSAL_STATUS[error.code]
        return 400

    def save(self) -> Comment | None:
        """Save the comment with the status the discussion rules give it, or refuse it.

        Everything that depends on other comments is decided inside one transaction
        that holds the commenter's lock (comments/tree.py): the duplicate check first
        (a double click is the common case), then the flood and per-address rules,
        then the parent, checked again under its thread's lock. So of N identical
        comments sent at once exactly one is stored. A refusal adds its error to the
        form and returns None. Notifications go out once the save commits.
        """
        try:
            with transaction.atomic():
                tree.lock_commenters(moderation.commenter_keys(self._comment(None)))
                parent = self.cleaned_data["parent"]
                if parent is not None:
                    parent = find_reply_target(self.post, str(parent.pk), lock=True)
                comment = self._comment(parent)
                moderation.check_pace(comment)
                verdict = moderation.apply_verdict(comment, self.rules)
                comment.save()
                transaction.on_commit(
                    lambda: notifications.comment_posted(comment, verdict.reason), robust=True
                )
        except moderation.Refused as refusal:
            self.add_error(None, ValidationError(str(refusal), code=refusal.code))
            return None
        except ValidationError as error:  # the parent went away or was removed meanwhile
            self.add_error("parent", error)
            return None
        except ParentGone:
            self.add_error("parent", ValidationError(PARENT_GONE, code="parent_missing"))
            return None
        return comment


class ReportForm(forms.Form):
    """A member's report of a comment (comments/reports.py has the rules)."""

    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a reason."},
    )
    note = forms.CharField(
        label="Note for the instructors",
        required=False,
        max_length=Report._meta.get_field("note").max_length,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 45}),
        help_text="Optional, except for “Other”. Only the instructors read it.",
        error_messages={"max_length": _too_long("Your note")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs.pop("maxlength", None)  # the server says so instead

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Please say what is wrong with this comment.")
        return data


def issue_stamp() -> str:
    """The signed time a comment form was handed out (see CommentForm.clean_issued)."""
    return Signer(salt=FORM_SIGNER_SALT).sign(str(int(time.time())))


class CommentEditForm(_TypedTextForm):
    """A commenter's own edit, within the edit window: checked again like a new comment."""

    def __init__(self, data=None, *, comment: Comment, rules: DiscussionSettings, **kwargs):
        self.comment = comment
        self.rules = rules
        kwargs.setdefault("initial", {"body": comment.body})
        super().__init__(data, **kwargs)

    def save(self) -> Comment:
        comment = self.comment
        comment.body = self.cleaned_data["body"]
        was_approved = comment.status == Comment.Status.APPROVED
        verdict = moderation.apply_verdict(comment, self.rules)
        comment.save(update_fields=["body", "status", "held_reason"])
        if not was_approved and comment.status == Comment.Status.APPROVED:
            transaction.on_commit(lambda: notifications.comment_approved(comment), robust=True)
        elif was_approved and comment.status == Comment.Status.PENDING:
            transaction.on_commit(
                lambda: notifications.comment_posted(comment, verdict.reason), robust=True
            )
        return comment


class InstructorReplyForm(_TypedTextForm):
    """An instructor's reply from the admin's comment list, threaded under the comment.

    It goes the way a reply from the post page goes (the thread's lock, the discussion
    rules, the notifications); the rules approve an instructor's comment. Replying to a
    held comment approves it first, in the same transaction ("Approve and reply")."""

    def __init__(self, data=None, *, parent: Comment, user, **kwargs):
        self.parent = parent
        self.user = user
        super().__init__(data, **kwargs)
        self.fields["body"].label = "Reply"
        self.fields["body"].widget.attrs.update(rows=4, cols=60)

    def save(self, *, approve_parent: bool = False) -> Comment | None:
        """The reply, saved; None (with an error on the form) when the comment cannot
        take one: it was removed, or it is held and ``approve_parent`` is off."""
        rules = DiscussionSettings.load()
        with transaction.atomic():
            parent = Comment.objects.lock_thread(self.parent.pk)
            if parent is None:
                self.add_error(None, ValidationError(PARENT_GONE, code="parent_missing"))
                return None
            if approve_parent and parent.status == Comment.Status.PENDING:
                parent.approve(by=self.user)
            if not moderation.can_reply_to(parent):
                message = (
                    "This comment is held for moderation: approve it to reply."
                    if parent.status == Comment.Status.PENDING
                    else "This comment is in the spam or the trash, so it cannot take replies."
                )
                self.add_error(None, ValidationError(message, code="parent_not_approved"))
                transaction.set_rollback(True)
                return None
            reply = Comment(
                post=parent.post,
                parent=moderation.reply_parent(parent, rules),
                user=self.user,
                author_name=self.user.display_name,
                author_email=self.user.email,
                body=self.cleaned_data["body"],
            )
            verdict = moderation.apply_verdict(reply, rules)
            reply.save()
            transaction.on_commit(
                lambda: notifications.comment_posted(reply, verdict.reason), robust=True
            )
        self.parent = parent
        return reply


class QuickEditForm(_TypedTextForm):
    """An instructor's correction of a comment's text from the comment list (the
    status stays: editing is not moderating)."""

    def __init__(self, data=None, *, comment: Comment, **kwargs):
        self.comment = comment
        kwargs.setdefault("initial", {"body": comment.body})
        super().__init__(data, **kwargs)
        self.fields["body"].widget.attrs.update(rows=6, cols=60)

    def save(self) -> Comment:
        self.comment.body = self.cleaned_data["body"]
        self.comment.save(update_fields=["body"])
        return self.comment
