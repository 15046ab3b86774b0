"""Requests to the LMS (its keys, tokens, roster and gradebook) never wait forever."""

from __future__ import annotations

import requests
from django.conf import settings


class LmsSession(requests.Session):
    """A requests session whose calls time out after settings.LTI_HTTP_TIMEOUT seconds."""

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = "Coursblog LTI"

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", settings.LTI_HTTP_TIMEOUT)
        return super().request(method, url, *args, **kwargs)
