"""Validating an LTI 1.3 launch: pylti1p3 does the checks, this module names them.

The OIDC login (``views.login``) stores a nonce and sets a state cookie; the platform
then posts a signed ``id_token`` with that state. ``validate`` runs pylti1p3's checks
one by one, each under the name of what it verifies, so that a refusal can say which
check failed (``LaunchRefused.check``), and adds what pylti1p3 leaves out:

- the nonce is used once (pylti1p3 only checks that it is known);
- ``aud`` must name the registered client id, and ``azp`` too when there are several;
- the LTI version and the message type are told apart from other claim problems;
- a deployment id that nobody enabled is refused (django-lti would add it silently).
"""

from __future__ import annotations

import dataclasses
import os.path

import jwt
from django.db.models import TextChoices
from django.http import HttpRequest
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.exception import LtiException

from lti import keys
from lti.cookies import set_embedded_cookie
from lti.http import LmsSession

VERSION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/version"
MESSAGE_TYPE_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/message_type"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
HANDLED_MESSAGES = (RESOURCE_LINK, DEEP_LINKING)


class Check(TextChoices):
    """What a launch is checked for, in the order checked, and the words for a refusal."""

    LOGIN = "login", "login request"
    STATE = "state", "missing state"
    FORMAT = "format", "unreadable token"
    NONCE = "nonce", "reused nonce"
    ISSUER = "issuer", "unknown platform"
    AUDIENCE = "audience", "wrong audience"
    SIGNATURE = "signature", "bad signature"
    EXPIRED = "expired", "expired token"
    DEPLOYMENT = "deployment", "unknown deployment"
    VERSION = "version", "wrong LTI version"
    MESSAGE_TYPE = "message_type", "wrong message type"
    CLAIMS = "claims", "missing claims"
    COURSE = "course", "another course"
    ROLE = "role", "not allowed"


@dataclasses.dataclass
class LaunchRefused(Exception):
    """A launch failed ``check``; ``detail`` says how, in words for the person and the log."""

    check: Check
    detail: str
    new_window_url: str = ""

    def __str__(self) -> str:
        return f"{self.check.label}: {self.detail}"


def lti_cookie_path() -> str:
    """The LTI paths: the only ones that get the login's own cookies."""
    return os.path.commonpath([reverse("lti:login"), reverse("lti:launch")]).rstrip("/") + "/"


class ToolConfig(DjangoToolConfig):
    """django-lti's registration lookup, with two differences: a login request without a
    client id finds the issuer's registration when it has only one, and a deployment id
    must have been enabled (an unknown one is recorded, disabled, for the admin)."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        keys.current_key()  # the registration comes with the key that signs
        if client_id is None:
            candidates = list(LtiRegistration.objects.active().filter(issuer=iss)[:2])
            client_id = candidates[0].client_id if len(candidates) == 1 else ""
        return super().find_registration_by_params(iss, client_id, *args, **kwargs)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        if self.registration is None:
            return None
        self.deployment, _ = LtiDeployment.objects.get_or_create(
            registration=self.registration, deployment_id=deployment_id
        )
        if not self.deployment.is_active:
            return None
        return super().find_deployment_by_params(iss, deployment_id, client_id)


class LaunchStorage(DjangoCacheDataStorage):
    """pylti1p3's cache storage, tied to the browser by a cookie over HTTP too (pylti1p3
    does that over HTTPS only), with nonces that can be taken once."""

    def get_session_cookie_name(self) -> str:
        return self._session_cookie_name

    def take(self, key: str) -> bool:
        """Remove ``key``; True if it was there (atomic in the cache: one taker wins)."""
        return bool(self._get_cache().delete(self._prepare_key(key)))


class SessionService(DjangoSessionService):
    def use_nonce(self, nonce: str) -> bool:
        return self.data_storage.take(self._get_key("nonce", nonce))


class CookieService(DjangoCookieService):
    """The login's cookies (state, storage id): on the LTI paths only, usable in a frame."""

    def update_response(self, response) -> None:
        for name, cookie in self._cookie_data_to_set.items():
            set_embedded_cookie(
                response, name, str(cookie["value"]), max_age=cookie["exp"], path=lti_cookie_path()
            )


def services(request: HttpRequest) -> dict:
    """The pieces pylti1p3's login and launch share, set up the Coursblog way."""
    lti_request = DjangoRequest(request)
    return {
        "session_service": SessionService(request),
        "cookie_service": CookieService(lti_request),
        "launch_data_storage": LaunchStorage(),
    }


class MessageLaunch(DjangoMessageLaunch):
    """A launch whose every check failure is a LaunchRefused naming the check."""

    def __init__(self, request: HttpRequest) -> None:
        try:
            super().__init__(
                DjangoRequest(request, post_only=True),
                ToolConfig(),
                requests_session=LmsSession(),
                **services(request),
            )
        except LtiException as error:  # the login's storage cookie did not come back
            raise LaunchRefused(
                Check.STATE,
                "Your browser did not send back the cookie the login set (browsers may block "
                "cookies inside another site's page).",
            ) from error
        self.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})

    def validate(self) -> MessageLaunch:
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            for check, step in (
                (Check.STATE, self.validate_state),
                (Check.FORMAT, self.validate_jwt_format),
                (Check.NONCE, self.validate_nonce),
                (Check.AUDIENCE, self.validate_registration),
                (Check.SIGNATURE, self.validate_jwt_signature),
                (Check.DEPLOYMENT, self.validate_deployment),
                (Check.MESSAGE_TYPE, self.validate_message),
                (Check.NONCE, self.use_nonce),
            ):
                _checked(check, step)
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    def validate_registration(self) -> MessageLaunch:
        body = self._get_jwt_body()
        iss = body.get("iss")
        if not LtiRegistration.objects.active().filter(issuer=iss).exists():
            raise LaunchRefused(Check.ISSUER, f"No platform with the issuer “{iss}” is registered.")
        aud = body.get("aud")
        try:
            super().validate_registration()
        except LtiException:
            raise LaunchRefused(
                Check.AUDIENCE,
                f"The token is addressed to “{aud}”, which is not a client id registered for "
                f"“{iss}”.",
            ) from None
        client_id = self.get_client_id()
        if isinstance(aud, list) and len(aud) > 1 and body.get("azp") != client_id:
            raise LaunchRefused(
                Check.AUDIENCE,
                f"The token names several audiences and its azp is not “{client_id}”.",
            )
        return self

    def validate_jwt_signature(self) -> MessageLaunch:
        try:
            return super().validate_jwt_signature()
        except LtiException as error:
            if isinstance(error.__cause__, jwt.ExpiredSignatureError | jwt.ImmatureSignatureError):
                raise LaunchRefused(
                    Check.EXPIRED, f"The token is not valid now ({error.__cause__})."
                ) from error
            raise

    def validate_deployment(self) -> MessageLaunch:
        try:
            return super().validate_deployment()
        except LtiException:
            deployment_id = self._get_jwt_body().get(
                "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
            )
            raise LaunchRefused(
                Check.DEPLOYMENT,
                f"The deployment “{deployment_id}” is not enabled for this platform. An "
                "administrator can enable it under LMS platforms in the admin.",
            ) from None

    def validate_message(self) -> MessageLaunch:
        body = self._get_jwt_body()
        version = body.get(VERSION_CLAIM)
        if version != "1.3.0":
            raise LaunchRefused(
                Check.VERSION, f"The launch says LTI version “{version}”, not 1.3.0."
            )
        message_type = body.get(MESSAGE_TYPE_CLAIM)
        if message_type not in HANDLED_MESSAGES:
            raise LaunchRefused(
                Check.MESSAGE_TYPE,
                f"Coursblog opens course links and deep-linking requests; this was "
                f"“{message_type}”.",
            )
        try:
            return super().validate_message()
        except LtiException as error:
            raise LaunchRefused(Check.CLAIMS, str(error)) from error

    def validate_nonce(self) -> MessageLaunch:
        try:
            return super().validate_nonce()
        except LtiException:
            raise LaunchRefused(
                Check.NONCE, "The token's nonce is unknown or was used by an earlier launch."
            ) from None

    def use_nonce(self) -> MessageLaunch:
        if not self._session_service.use_nonce(self._get_jwt_body()["nonce"]):
            raise LaunchRefused(Check.NONCE, "The token's nonce was used by an earlier launch.")
        return self


def _checked(check: Check, step) -> None:
    """Run one pylti1p3 check; its LtiException becomes a refusal under ``check``."""
    try:
        step()
    except LaunchRefused:
        raise
    except LtiException as error:
        raise LaunchRefused(check, str(error)) from error
