from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from accounts.models import User
from lti import keys
from lti.models import Platform
from tests.lti.platform import LEARNER, TestPlatform, new_key


@pytest.fixture(scope="session")
def platform_key():
    return new_key()


@pytest.fixture(scope="session")
def tool_jwk():
    from jwcrypto.jwk import JWK

    return JWK.generate(kty="RSA", size=2048)


@pytest.fixture
def platform(platform_key, settings):
    """The test LMS, running; not yet registered in Coursblog."""
    lms = TestPlatform(platform_key)
    lms.tool_login_url = settings.SITE_URL + reverse("lti:login")
    lms.tool_target_link_uri = settings.SITE_URL + reverse("posts:list")
    yield lms
    lms.stop()


def register(lms: TestPlatform, **platform_fields) -> Platform:
    registration = LtiRegistration.objects.create(
        name="Test LMS",
        issuer=lms.issuer,
        client_id=lms.client_id,
        auth_url=lms.auth_url,
        token_url=lms.token_url,
        keyset_url=lms.jwks_url,
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=lms.deployment_id, is_active=True
    )
    fields = {"frame_origins": lms.url, **platform_fields}
    return Platform.objects.create(registration=registration, **fields)


@pytest.fixture
def registered(db, platform, tool_jwk) -> Platform:
    """The test LMS registered in Coursblog, and trusting the tool's current keys."""
    registered = register(platform)
    Key.objects.create_from_jwk(tool_jwk)  # made once: generating keys is slow
    platform.tool_jwks = keys.jwks()
    return registered


def start_login(client, lms: TestPlatform, person=LEARNER, message="resource") -> dict:
    """The OIDC login, as the platform starts it: returns the auth request's parameters."""
    parameters = {**lms.login_parameters(person, message), "lti_cookies": "1"}
    response = client.get(reverse("lti:login"), parameters)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith(lms.auth_url)
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def launch(
    client, lms: TestPlatform, person=LEARNER, message="resource", *, sign_with=None, claims=None
):
    """A whole launch with the Django test client; ``claims`` replace the platform's
    (a None value drops the claim)."""
    auth = start_login(client, lms, person, message)
    token_claims = lms.claims(person, nonce=auth["nonce"], message=message)
    for name, value in (claims or {}).items():
        if value is None:
            token_claims.pop(name, None)
        else:
            token_claims[name] = value
    token = lms.sign(token_claims, key=sign_with)
    return client.post(reverse("lti:launch"), {"id_token": token, "state": auth["state"]})


def launched(client, platform, person=LEARNER, *, course=None):
    """Launch as ``person`` and return their account (and refresh ``course``, now bound)."""
    launch(client, platform, person)
    if course is not None:
        course.refresh_from_db()
    return User.objects.get(lti_users__sub=person.sub)
