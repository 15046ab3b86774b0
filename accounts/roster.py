"""Bringing a class in: a roster CSV (name, email, optional username) becomes accounts.

Each row is imported on its own, so a bad row is reported with its line number and
the good rows still import. An email address already on an account updates that
account (name, username) instead of making another, so importing the same roster
twice changes nothing. New students get an invitation email with a link to set
their password.
"""

from __future__ import annotations

import csv
import dataclasses
import io

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from accounts import roles
from accounts.models import User
from course.models import CourseSettings

HEADER = ("name", "email", "username", "display name")


@dataclasses.dataclass
class RosterRow:
    line: int
    name: str
    email: str
    username: str
    display_name: str = ""


@dataclasses.dataclass
class ImportReport:
    created: list[User] = dataclasses.field(default_factory=list)
    updated: list[User] = dataclasses.field(default_factory=list)
    unchanged: list[User] = dataclasses.field(default_factory=list)
    problems: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (line, message)
    invited: int = 0


def read_rows(data: bytes) -> tuple[list[RosterRow], list[tuple[int, str]]]:
    """The rows of a roster file, and a line-numbered problem for each unreadable one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(0, "The file is not UTF-8 text. Save the spreadsheet as “CSV UTF-8”.")]
    rows, problems = [], []
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if line == 1 and tuple(c.lower() for c in cells[:2]) == HEADER[:2]:
            continue
        if len(cells) < 2 or len(cells) > 4:
            columns = f"{len(cells)} column{'s' if len(cells) != 1 else ''}"
            problems.append(
                (
                    line,
                    "expected name, email, and optionally a username and a display name; "
                    f"found {columns}.",
                )
            )
            continue
        name, email, username, display_name = (*cells, "", "")[:4]
        rows.append(RosterRow(line, name, email, username, display_name))
    return rows, problems


def import_roster(data: bytes, *, request: HttpRequest, invite: bool = True) -> ImportReport:
    rows, problems = read_rows(data)
    report = ImportReport(problems=problems)
    for row in rows:
        try:
            with transaction.atomic():
                user, outcome = _import_row(row)
        except ValidationError as error:
            report.problems.append((row.line, " ".join(error.messages)))
            continue
        getattr(report, outcome).append(user)
        if outcome == "created" and invite:
            try:
                send_invitation(user, request=request)
                report.invited += 1
            except OSError as error:
                report.problems.append(
                    (
                        row.line,
                        f"the account was made, but the invitation to {user.email} could not "
                        f"be sent ({error}). They can use “Forgot your password?”.",
                    )
                )
    report.problems.sort()
    return report


def _import_row(row: RosterRow) -> tuple[User, str]:
    if not row.name:
        raise ValidationError("The name is empty.")
    try:
        validate_email(row.email)
    except ValidationError:
        raise ValidationError(f"“{row.email}” is not an email address.") from None
    first_name, _, last_name = row.name.rpartition(" ") if " " in row.name else (row.name, "", "")
    user = User.objects.filter(email__iexact=row.email).first()
    username = row.username or (user.username if user else free_username(row.email))
    if (
        User.objects.filter(username__iexact=username)
        .exclude(pk=getattr(user, "pk", None))
        .exists()
    ):
        raise ValidationError(f"The username “{username}” belongs to someone else.")
    display_name = " ".join(row.display_name.split())
    if display_name and User.objects.display_name_taken(
        display_name, exclude_pk=getattr(user, "pk", None)
    ):
        raise ValidationError(f"The display name “{display_name}” belongs to someone else.")
    if user is None:
        user = User(
            email=row.email.lower(),
            username=username,
            first_name=first_name,
            last_name=last_name,
            display_name=display_name,
        )
        user.set_unusable_password()
        try:
            user.full_clean(exclude=["password", "display_name"])
            user.save()
        except IntegrityError:
            raise ValidationError(f"The username “{username}” is taken.") from None
        roles.make_student(user)
        _vouch_for_email(user)
        return user, "created"
    wanted = (first_name, last_name, username, display_name or user.display_name)
    changed = (user.first_name, user.last_name, user.username, user.display_name) != wanted
    user.first_name, user.last_name, user.username, user.display_name = wanted
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "username", "display_name"])
    roles.make_student(user)
    _vouch_for_email(user)
    return user, "updated" if changed else "unchanged"


def _vouch_for_email(user: User) -> None:
    """The school's roster vouches for the address: mark it verified, as allauth keeps it,
    so that a later log-in through an external account with the same verified address
    connects to this member instead of treating the account as unclaimed (allauth then
    drops an unverified account's password, as a guard against address squatting)."""
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def free_username(email: str) -> str:
    """A username made from the address's local part that nobody has ("ana.lopez2")."""
    base = slugify(email.split("@")[0]).replace("-", ".")[:140] or "student"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def send_invitation(user: User, *, request: HttpRequest) -> None:
    """Email ``user`` a link to set their password (a password-reset link, valid for days)."""
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    context = {
        "user": user,
        "course": CourseSettings.load(),
        "set_password_url": get_adapter(request).get_reset_password_from_key_url(key),
        "login_url": request.build_absolute_uri(reverse("account_login")),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        subject=render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
