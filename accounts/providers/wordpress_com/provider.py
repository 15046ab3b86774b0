from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from accounts.providers.wordpress_com.views import WordPressComOAuth2Adapter


class WordPressComAccount(ProviderAccount):
    """No avatar: WordPress.com's is a Gravatar, an image from a third party."""

    def get_profile_url(self) -> str | None:
        return self.account.extra_data.get("profile_URL")

    def to_str(self) -> str:
        return self.account.extra_data.get("display_name") or super().to_str()


class WordPressComProvider(OAuth2Provider):
    """The account from ``GET /rest/v1.1/me``: ``ID``, ``display_name``, ``username``,
    ``email`` and ``email_verified`` (true once the address is confirmed)."""

    id = "wordpress_com"
    name = "WordPress.com"
    account_class = WordPressComAccount
    oauth2_adapter_class = WordPressComOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        # "auth" is WordPress.com's log-in scope: the /me endpoints, no access to sites.
        return ["auth"]

    def extract_uid(self, data: dict) -> str:
        return str(data["ID"])

    def extract_common_fields(self, data: dict) -> dict:
        return {
            "email": data.get("email"),
            "username": data.get("username"),
            "name": data.get("display_name"),
        }

    def extract_email_addresses(self, data: dict) -> list[EmailAddress]:
        email = data.get("email")
        if not email:
            return []
        verified = data.get("email_verified") is True
        return [EmailAddress(email=email, verified=verified, primary=True)]


provider_classes = [WordPressComProvider]
