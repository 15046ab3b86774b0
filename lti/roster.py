"""Roster sync (Names and Role Provisioning Services): the LMS course's members become
site members, with their names and roles; those who left are turned off (their posts
and comments stay)."""

from __future__ import annotations

import dataclasses

import requests
from lti_tool.models import LtiUser
from pylti1p3.exception import LtiException

from accounts.models import User
from lti.members import LmsPerson, leave, member_for
from lti.models import Platform
from lti.services import ServiceUnavailable, roster_service


class RosterError(Exception):
    pass


@dataclasses.dataclass
class RosterReport:
    created: list[User] = dataclasses.field(default_factory=list)
    updated: list[User] = dataclasses.field(default_factory=list)
    deactivated: list[User] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} new, {len(self.updated)} updated, "
            f"{len(self.deactivated)} turned off (they left the course)"
        )


def sync_roster(platform: Platform) -> RosterReport:
    """Fetch the course's members from the LMS and bring the site's accounts in line."""
    try:
        members = roster_service(platform).get_members()
    except ServiceUnavailable as error:
        raise RosterError(str(error)) from error
    except (LtiException, requests.RequestException, ValueError) as error:
        raise RosterError(f"The LMS did not send the roster: {error}") from error
    context = platform.course_context
    for member in members:
        member.setdefault("status", "Active")  # NRPS: absent means Active
        member.setdefault("roles", [])
    context.update_memberships(members)  # django-lti's record of the LMS memberships
    report = RosterReport()
    present = set()
    for member in members:
        person = LmsPerson.from_roster(member)
        if member["status"] != "Active":
            continue
        present.add(person.sub)
        outcome = member_for(platform, person)
        (report.created if outcome.created else report.updated).append(outcome.user)
    gone = (
        LtiUser.objects.filter(registration=platform.registration, auth_user__isnull=False)
        .exclude(sub__in=present)
        .select_related("auth_user")
    )
    for lti_user in gone:
        if leave(platform, lti_user.auth_user):
            report.deactivated.append(lti_user.auth_user)
    return report
