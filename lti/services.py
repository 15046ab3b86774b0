"""The LTI Advantage services of a platform's course: the roster (NRPS) and the
gradebook (AGS), called with an OAuth2 token the tool gets by signing a JWT with its
key (pylti1p3's ServiceConnector)."""

from __future__ import annotations

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from lti import keys
from lti.http import LmsSession
from lti.models import Platform

AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"


class ServiceUnavailable(Exception):
    """The course cannot use this service yet; the message says what to do."""


def _connector(platform: Platform) -> ServiceConnector:
    return ServiceConnector(keys.signing_registration(platform.registration), LmsSession())


def roster_service(platform: Platform) -> NamesRolesProvisioningService:
    context = platform.course_context
    if context is None:
        raise ServiceUnavailable("No LMS course yet: open Coursblog once from the LMS course.")
    if not context.memberships_url:
        raise ServiceUnavailable(
            "The LMS did not offer its roster service (Names and Role Provisioning) at the "
            "last launch: turn it on for Coursblog in the LMS, then open Coursblog again."
        )
    return NamesRolesProvisioningService(
        _connector(platform), {"context_memberships_url": context.memberships_url}
    )


def gradebook_service(platform: Platform) -> AssignmentsGradesService:
    context = platform.course_context
    if context is None:
        raise ServiceUnavailable("No LMS course yet: open Coursblog once from the LMS course.")
    if not context.lineitems_url or not context.can_publish_scores:
        raise ServiceUnavailable(
            "The LMS did not offer its gradebook service (Assignment and Grade Services) at "
            "the last launch: turn it on for Coursblog in the LMS, then open Coursblog again."
        )
    allowed = (
        (context.can_query_lineitems, "lineitem.readonly"),
        (context.can_manage_lineitems, "lineitem"),
        (context.can_publish_scores, "score"),
        (context.can_access_results, "result.readonly"),
    )
    scopes = [AGS_SCOPE + name for granted, name in allowed if granted]
    return AssignmentsGradesService(
        _connector(platform), {"scope": scopes, "lineitems": context.lineitems_url}
    )
