"""Small helpers for reading requests."""

import ipaddress

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when REMOTE_ADDR is not one (a unix socket, say)."""
    raw = request.META.get("REMOTE_ADDR", "").strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
