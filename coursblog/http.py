"""Small helpers for reading requests."""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when it cannot be known.

    Directly connected, it is REMOTE_ADDR. Behind proxies named in TRUSTED_PROXIES
    (addresses or networks), X-Forwarded-For is read from the right, skipping the
    trusted hops: the first address that is not a trusted proxy is the client's
    (what is left of it, anyone could have written). The header is never read when
    the request did not come from a trusted proxy.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = trusted_proxies()
    if remote is None or not _is_trusted(remote, trusted):
        return str(remote) if remote is not None else None
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return None  # a trusted proxy passed on something that is not an address
        if not _is_trusted(address, trusted):
            return str(address)
    return str(remote)  # every hop was one of ours: the request began inside


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:4711"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "192.0.2.1:4711"
        raw = raw.split(":")[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address, trusted: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


@cache
def _networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """settings.TRUSTED_PROXIES as networks (checked at start by the settings)."""
    return _networks(tuple(settings.TRUSTED_PROXIES))
