"""The LTI endpoints: the key set, the OIDC login, the launch and deep linking.

Every refusal is a page that says which check failed (lti/launch.py), with status
400 (403 when the person is not allowed), and a line in the log; never a 500.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import login as log_in
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiLaunch
from lti_tool.utils import sync_data_from_launch
from pylti1p3.contrib.django import DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from accounts import roles
from coursblog.middleware import allow_form_action
from lti import deep_linking, keys
from lti.launch import (
    DEEP_LINKING,
    MESSAGE_TYPE_CLAIM,
    Check,
    LaunchRefused,
    MessageLaunch,
    ToolConfig,
    services,
)
from lti.members import LmsPerson, member_for
from lti.middleware import mark_embedded
from lti.models import Platform, origin_of

logger = logging.getLogger(__name__)

CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
TARGET_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
# What a platform sends to start a login; kept to offer the same login in a new window.
LOGIN_PARAMETERS = (
    "iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id",
)  # fmt: skip
COOKIES_CHECKED = "lti_cookies"
NEW_WINDOW = "lti1p3_new_window"
LOGIN_MEMORY_SECONDS = 600


def launch_url() -> str:
    """The one redirect URI: where every platform posts its id_token."""
    return settings.SITE_URL + reverse("lti:launch")


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys (current and previous), for platforms to check its signatures."""
    return JsonResponse(keys.jwks())


def login_url(parameters: dict[str, str], **extra: str) -> str:
    return f"{reverse('lti:login')}?{urlencode({**parameters, **extra})}"


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login, started by the platform (GET or POST).

    First a page checks, in the browser, that cookies work where Coursblog is shown
    (inside the LMS's frame, a browser may refuse them): if they do it comes straight
    back here, and if not it offers to open Coursblog in a new window."""
    data = request.POST if request.method == "POST" else request.GET
    parameters = {name: data[name] for name in LOGIN_PARAMETERS if data.get(name)}
    if "iss" not in parameters or "login_hint" not in parameters:
        return refused(
            request,
            LaunchRefused(
                Check.LOGIN, "The platform's login request lacks its issuer or login hint."
            ),
        )
    if COOKIES_CHECKED not in data and NEW_WINDOW not in data:
        return render(
            request,
            "lti/cookie_check.html",
            {
                "continue_url": login_url(parameters, **{COOKIES_CHECKED: "1"}),
                "new_window_url": login_url(parameters, **{NEW_WINDOW: "1"}),
            },
        )
    oidc = DjangoOIDCLogin(request, ToolConfig(), **services(request))
    try:
        response = oidc.redirect(launch_url())
    except (OIDCException, LtiException) as error:
        return refused(
            request,
            LaunchRefused(
                Check.ISSUER,
                f"No platform is registered for the issuer “{parameters['iss']}” and client id "
                f"“{parameters.get('client_id', '')}” ({error}).",
            ),
        )
    state = parse_qs(urlsplit(response["Location"]).query).get("state", [""])[0]
    cache.set(f"lti-login:{state}", parameters, LOGIN_MEMORY_SECONDS)
    return response


@csrf_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The platform's signed id_token: check it all, log the member in, open the blog."""
    try:
        message_launch = MessageLaunch(request)
        message_launch.validate()
        return _start(request, message_launch)
    except LaunchRefused as refusal:
        if refusal.check == Check.STATE:
            refusal.new_window_url = _new_window_url(request)
        return refused(request, refusal)


def _start(request: HttpRequest, message_launch: MessageLaunch) -> HttpResponse:
    claims = message_launch.get_launch_data()
    lti_launch = LtiLaunch(message_launch)
    platform = Platform.objects.for_registration(lti_launch.registration)
    context_id = (claims.get(CONTEXT_CLAIM) or {}).get("id")
    if not context_id:
        raise LaunchRefused(Check.COURSE, "The launch does not come from a course.")
    try:
        with transaction.atomic():
            platform = Platform.objects.select_for_update().get(pk=platform.pk)
            if not platform.accepts_context(context_id):
                other = claims[CONTEXT_CLAIM].get("title") or context_id
                raise LaunchRefused(
                    Check.COURSE,
                    f"This blog belongs to the course “{platform.course_context}” of this LMS; "
                    f"it cannot open from another course (“{other}”) until the site hosts "
                    "several courses.",
                )
            sync_data_from_launch(lti_launch)
            if platform.course_context is None:
                platform.course_context = lti_launch.context
                platform.save(update_fields=["course_context"])
            user = member_for(platform, LmsPerson.from_claims(claims)).user
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        logger.exception("LTI launch with claims that could not be read")
        raise LaunchRefused(
            Check.CLAIMS, f"A claim of the launch could not be read ({error!r})."
        ) from error
    if not user.is_active:
        raise LaunchRefused(
            Check.ROLE, "Your Coursblog account is turned off. Ask your instructor to turn it on."
        )
    log_in(request, user, backend="django.contrib.auth.backends.ModelBackend")
    mark_embedded(request, platform)
    if claims.get(MESSAGE_TYPE_CLAIM) == DEEP_LINKING:
        if not roles.is_instructor(user):
            raise LaunchRefused(Check.ROLE, "Only instructors can add links to the course blog.")
        deep_linking.remember_request(request.session, lti_launch.registration, claims)
        return redirect("lti:deep_link")
    target = claims.get(TARGET_CLAIM, "")
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    ):
        target = reverse("posts:list")
    return redirect(target)


def _new_window_url(request: HttpRequest) -> str:
    """The login again, for a new window, if this launch's login is remembered."""
    parameters = cache.get(f"lti-login:{request.POST.get('state', '')}")
    return login_url(parameters, **{NEW_WINDOW: "1"}) if parameters else ""


def refused(request: HttpRequest, refusal: LaunchRefused) -> HttpResponse:
    logger.warning(
        "LTI launch refused (%s): %s", refusal.check.value, refusal.detail,
        extra={"lti_check": refusal.check.value},
    )  # fmt: skip
    status = 403 if refusal.check in (Check.COURSE, Check.ROLE) else 400
    return render(request, "lti/refused.html", {"refusal": refusal}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponse:
    """The instructor picks what the LMS links to; the signed answer goes back to the LMS."""
    request_data = request.session.get(deep_linking.SESSION_KEY)
    if request_data is None or not roles.is_instructor(request.user):
        return refused(
            request,
            LaunchRefused(
                Check.ROLE, "Start from the LMS's editor: its link button opens this page."
            ),
        )
    options = deep_linking.choices()
    chosen = next((c for c in options if c.value == request.POST.get("item")), None)
    if request.method == "GET" or chosen is None:
        error = "Choose the blog or a post." if request.method == "POST" else ""
        return render(
            request, "lti/deep_link.html", {"choices": options, "error": error},
            status=400 if error else 200,
        )  # fmt: skip
    token = deep_linking.response_jwt(request_data, chosen)
    del request.session[deep_linking.SESSION_KEY]
    return_url = request_data["settings"]["deep_link_return_url"]
    allow_form_action(request, [origin_of(return_url)])
    return render(
        request,
        "lti/deep_link_return.html",
        {"return_url": return_url, "jwt": token, "choice": chosen},
    )
