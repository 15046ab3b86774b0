"""Cookies that work inside the LMS's frame: ``SameSite=None; Secure; Partitioned``.

Inside an LMS's iframe Coursblog is a third party. Browsers send a third party's
cookies only when they say ``SameSite=None; Secure``, and Chrome now blocks such
cookies unless they are also ``Partitioned`` (CHIPS: kept apart for each top-level
site, so the LMS's frame gets a cookie jar of its own). Browsers that refuse even
those (Safari) get the new-window launch (see views.login).

Only the LTI paths' own cookies (state, launch storage) and the session and CSRF
cookies of a session that began with a launch are written this way; every other
cookie keeps Django's settings (``SameSite=Lax``).

Python 3.11's ``http.cookies`` cannot write ``Partitioned`` (3.14 can), hence the
small Morsel subclass below.
"""

from __future__ import annotations

from http.cookies import Morsel

from django.http import HttpResponse


class _PartitionedMorsel(Morsel):
    def OutputString(self, attrs=None) -> str:
        return f"{super().OutputString(attrs)}; Partitioned"


def embed_cookie(response: HttpResponse, name: str) -> None:
    """Rewrite the cookie ``name`` that ``response`` sets so it works inside a frame."""
    morsel = response.cookies[name]
    embedded = _PartitionedMorsel()
    embedded.set(morsel.key, morsel.value, morsel.coded_value)
    embedded.update({key: value for key, value in morsel.items() if value})
    embedded["secure"] = True
    embedded["samesite"] = "None"
    response.cookies[name] = embedded


def set_embedded_cookie(
    response: HttpResponse, name: str, value: str, *, max_age: int | None, path: str
) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True)
    embed_cookie(response, name)
