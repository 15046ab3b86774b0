"""The tool's key pairs (django-lti's ``Key``): the current one signs, the previous one
stays published so that what it signed (or a platform's cached key set) still works.

Launches, service tokens and deep-linking responses are signed with the newest active
key (``LtiRegistration.to_registration``); the JWKS endpoint publishes every active key,
and rotating keeps exactly two active: the new one and the one before it.
"""

from __future__ import annotations

from django.db import transaction
from lti_tool.models import Key, LtiRegistration
from pylti1p3.registration import Registration


def current_key() -> Key:
    """The key that signs now (made on first use)."""
    key = Key.objects.active().order_by("-datetime_created", "-pk").first()
    return key or Key.objects.generate()


@transaction.atomic
def rotate() -> Key:
    """Make a new current key; the current one becomes the previous; older ones retire."""
    previous = Key.objects.active().order_by("-datetime_created", "-pk").first()
    new = Key.objects.generate()
    keep = [new.pk] + ([previous.pk] if previous else [])
    Key.objects.active().exclude(pk__in=keep).update(is_active=False)
    return new


def jwks() -> dict:
    """The public key set platforms fetch: the current key and the previous one."""
    current_key()
    return Key.objects.as_jwks()


def signing_registration(registration: LtiRegistration) -> Registration:
    """pylti1p3's view of ``registration``, with the current key to sign with."""
    current_key()  # django-lti expects one to exist
    return registration.to_registration()
