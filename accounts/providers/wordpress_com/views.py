from __future__ import annotations

from allauth.socialaccount import app_settings
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.http import HttpRequest

API_URL = "https://public-api.wordpress.com"


class WordPressComOAuth2Adapter(OAuth2Adapter):
    """WordPress.com's OAuth 2 endpoints; the client id and secret go in the token
    request's body, as WordPress.com asks."""

    provider_id = "wordpress_com"

    @property
    def api_url(self) -> str:
        settings = app_settings.PROVIDERS.get(self.provider_id, {})
        return settings.get("API_URL", API_URL).rstrip("/")

    @property
    def authorize_url(self) -> str:
        return f"{self.api_url}/oauth2/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{self.api_url}/oauth2/token"

    @property
    def profile_url(self) -> str:
        return f"{self.api_url}/rest/v1.1/me"

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, headers={"Authorization": f"Bearer {token.token}"}
            )
        if not response.ok:
            raise OAuth2Error(f"WordPress.com refused the profile request ({response.status_code})")
        data = response.json()
        if not isinstance(data, dict) or "ID" not in data:
            raise OAuth2Error("WordPress.com sent a profile without an ID")
        return self.get_provider().sociallogin_from_response(request, data)


oauth2_login = OAuth2LoginView.adapter_view(WordPressComOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WordPressComOAuth2Adapter)
