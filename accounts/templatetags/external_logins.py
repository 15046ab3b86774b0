"""``{% offered_logins %}``: the external log-ins the instructor configured (see adapter.py)."""

from __future__ import annotations

from allauth.socialaccount.providers.base import Provider
from django import template

from accounts.adapter import offered_providers

register = template.Library()


@register.simple_tag(takes_context=True)
def offered_logins(context, site_version=None) -> list[Provider]:
    """``{% offered_logins post.site_version as providers %}``; the site's version, when
    the page has read it, spares the query (see ``offered_providers``)."""
    version = site_version if isinstance(site_version, int) else None
    return offered_providers(context["request"], site_version=version)
