"""LMS users become site members: found by ``sub``, named by the LMS, given their role.

A launch and the roster sync both describe people the same way (``LmsPerson``); one
function (``member_for``) finds, makes or updates the site account for each. The
LMS user is matched by the ``sub`` the platform gives them (django-lti's ``LtiUser``,
unique per registration, whose ``auth_user`` is the site account), and, when the
instructor allows it, by a verified email the first time. The LMS's given and family
names become the real name; the display name is made once from it and is then the
member's to change.

The LMS decides the role of the accounts linked to it (superusers, who run the site,
excepted): Instructor, TeachingAssistant and ContentDeveloper make an instructor,
Learner a student, any other role a member (in neither group).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from lti_tool.models import LtiUser

from accounts import roles
from accounts.models import User
from accounts.roster import free_username
from lti.models import Platform, RosterDeparture

INSTRUCTOR_ROLES = frozenset({"Instructor", "TeachingAssistant", "ContentDeveloper"})
STUDENT_ROLES = frozenset({"Learner"})
# Context roles only: "…/membership#Instructor", "…/membership/Instructor#TeachingAssistant"
# or the short "Instructor". Institution and system roles say nothing about this course.
_CONTEXT_ROLE = re.compile(
    r"^(?:http://purl\.imsglobal\.org/vocab/lis/v2/membership(?:/\w+)?#)?(?P<name>\w+)$"
)


def context_role_names(lms_roles: Iterable[str]) -> set[str]:
    return {match["name"] for role in lms_roles if (match := _CONTEXT_ROLE.match(role.strip()))}


def course_role(lms_roles: Iterable[str]) -> roles.Role:
    """The site role for a member with these LMS roles."""
    names = context_role_names(lms_roles)
    if names & INSTRUCTOR_ROLES:
        return roles.Role.INSTRUCTOR
    if names & STUDENT_ROLES:
        return roles.Role.STUDENT
    return roles.Role.MEMBER


@dataclasses.dataclass(frozen=True)
class LmsPerson:
    """Who the LMS says someone is: from a launch's claims or a roster entry."""

    sub: str
    given_name: str = ""
    family_name: str = ""
    name: str = ""
    email: str = ""
    roles: tuple[str, ...] = ()

    @classmethod
    def from_claims(cls, claims: dict) -> LmsPerson:
        return cls(
            sub=str(claims["sub"]),
            given_name=claims.get("given_name") or "",
            family_name=claims.get("family_name") or "",
            name=claims.get("name") or "",
            email=claims.get("email") or "",
            roles=tuple(claims.get("https://purl.imsglobal.org/spec/lti/claim/roles") or ()),
        )

    @classmethod
    def from_roster(cls, member: dict) -> LmsPerson:
        return cls(
            sub=str(member["user_id"]),
            given_name=member.get("given_name") or "",
            family_name=member.get("family_name") or "",
            name=member.get("name") or "",
            email=member.get("email") or "",
            roles=tuple(member.get("roles") or ()),
        )

    @property
    def real_name(self) -> tuple[str, str]:
        """(first, last): the LMS's given and family names, or its full name split."""
        if self.given_name or self.family_name:
            return self.given_name.strip(), self.family_name.strip()
        first, _, last = self.name.strip().rpartition(" ")
        return (first, last) if first else (last, "")


@dataclasses.dataclass(frozen=True)
class Outcome:
    user: User
    created: bool


def member_for(platform: Platform, person: LmsPerson) -> Outcome:
    """The site member for this LMS user: found or made, named and given their role.

    The LtiUser row is locked, so two launches of a new LMS user make one account."""
    with transaction.atomic():
        lti_user, _ = LtiUser.objects.get_or_create(
            registration=platform.registration, sub=person.sub
        )
        lti_user = (
            LtiUser.objects.select_for_update(of=("self",))  # not the (nullable) account
            .select_related("auth_user")
            .get(pk=lti_user.pk)
        )
        user, created = lti_user.auth_user, False
        if user is None and platform.match_by_email and person.email:
            user = _account_with_verified_email(person.email)
        if user is None:
            user, created = _new_account(person), True
        if lti_user.auth_user_id != user.pk:
            lti_user.auth_user = user
            lti_user.save(update_fields=["auth_user", "datetime_modified"])
        if not created:
            _update_names(user, person)
        _come_back_if_left(user)
        set_role(user, course_role(person.roles))
    return Outcome(user, created)


def _account_with_verified_email(email: str) -> User | None:
    """The one account whose verified address this is (none if several claim it)."""
    users = list(
        User.objects.filter(
            emailaddress__email__iexact=email.strip(), emailaddress__verified=True
        ).distinct()[:2]
    )
    return users[0] if len(users) == 1 else None


def _new_account(person: LmsPerson) -> User:
    first, last = person.real_name
    email = person.email.strip().lower()
    if email and User.objects.filter(email__iexact=email).exists():
        email = ""  # that address logs someone else in; this account does without it
    user = User(
        username=free_username(email or f"{first}.{last}".strip(".") or "member"),
        first_name=first,
        last_name=last,
        email=email,
    )
    user.set_unusable_password()  # they come in through the LMS
    user.save()
    if email:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def _update_names(user: User, person: LmsPerson) -> None:
    first, last = person.real_name
    if (first or last) and (user.first_name, user.last_name) != (first, last):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])


def _come_back_if_left(user: User) -> None:
    if RosterDeparture.objects.filter(user=user).delete()[0]:
        user.is_active = True
        user.save(update_fields=["is_active"])


def set_role(user: User, role: roles.Role) -> None:
    """Give ``user`` exactly this role (a superuser keeps being one)."""
    if user.is_superuser or roles.role_of(user) == role:
        return
    if role == roles.Role.INSTRUCTOR:
        roles.make_instructor(user)
        return
    # A member is in neither group; a student is in Students only.
    user.groups.remove(*Group.objects.filter(name=roles.INSTRUCTORS))
    if user.is_staff:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    if role == roles.Role.STUDENT:
        roles.make_student(user)
    else:
        user.groups.remove(*Group.objects.filter(name=roles.STUDENTS))
    roles.forget_role(user)


def leave(platform: Platform, user: User) -> bool:
    """The roster says ``user`` left the course: turn the account off (their work stays)."""
    if user.is_superuser or not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    RosterDeparture.objects.get_or_create(user=user, defaults={"platform": platform})
    return True
