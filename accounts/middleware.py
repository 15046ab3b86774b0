"""Leaving the site for an external log-in without breaking the site's CSP."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.socialaccount.providers import registry
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


class ExternalLoginHandoffMiddleware:
    """The form that starts an external log-in leaves the site through a page of ours.

    allauth starts a log-in on a POST (so no other site can start one for a reader)
    and answers with a redirect to the provider. Chrome and Safari apply the page's
    ``form-action 'self'`` to every redirect that follows a form, so they refuse that
    one. This answers it instead with a page that goes on to the provider by itself
    (a meta refresh, no JavaScript) and says where it goes: the form's target and the
    site's policy stay as strict as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        location = response.get("Location", "")
        if (
            request.method == "POST"
            and response.status_code in (301, 302, 303, 307, 308)
            and _starts_external_login(request)
            and urlsplit(location).netloc not in ("", request.get_host())
        ):
            response = render(
                request,
                "socialaccount/handoff.html",
                {"provider_url": location, "provider_host": urlsplit(location).hostname},
            )
            add_never_cache_headers(response)
        return response


def _starts_external_login(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name in {
        f"{provider_class.id}_login" for provider_class in registry.get_class_list()
    }
