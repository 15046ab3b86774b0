"""What an LMS administrator types in to add Coursblog: every value built from
settings.SITE_URL, shown in the admin (LMS platforms) and explained in docs/lti.md."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from course.models import CourseSettings
from lti.services import AGS_SCOPE

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPES = [
    AGS_SCOPE + "lineitem",
    AGS_SCOPE + "lineitem.readonly",
    AGS_SCOPE + "score",
    AGS_SCOPE + "result.readonly",
    NRPS_SCOPE,
]

# Moodle's wording of the service options to choose.
AGS_CHOICE = "Use this service for grade sync and column management"
NRPS_CHOICE = "Use this service to retrieve members' information as per privacy settings"


@dataclasses.dataclass(frozen=True)
class ToolConfiguration:
    login_url: str
    redirect_uri: str
    jwks_url: str
    target_link_uri: str
    domain: str

    @classmethod
    def current(cls) -> ToolConfiguration:
        site = settings.SITE_URL
        return cls(
            login_url=site + reverse("lti:login"),
            redirect_uri=site + reverse("lti:launch"),
            jwks_url=site + reverse("lti:jwks"),
            target_link_uri=site + reverse("posts:list"),
            domain=urlsplit(site).netloc,
        )

    def canvas(self) -> dict:
        """For Canvas: Developer Keys › + LTI Key › Method: Paste JSON."""
        title = CourseSettings.load().title
        placements = [
            {
                "placement": "course_navigation",
                "message_type": "LtiResourceLinkRequest",
                "target_link_uri": self.target_link_uri,
                "text": title,
            },
            {
                "placement": "editor_button",
                "message_type": "LtiDeepLinkingRequest",
                "target_link_uri": self.target_link_uri,
                "text": f"Link to {title}",
            },
            {
                "placement": "link_selection",
                "message_type": "LtiDeepLinkingRequest",
                "target_link_uri": self.target_link_uri,
                "text": f"Link to {title}",
            },
        ]
        return {
            "title": title,
            "description": "The course blog: posts, Works Cited and threaded discussions.",
            "oidc_initiation_url": self.login_url,
            "target_link_uri": self.target_link_uri,
            "public_jwk_url": self.jwks_url,
            "scopes": SCOPES,
            "extensions": [
                {
                    "domain": self.domain,
                    "tool_id": "coursblog",
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "settings": {"text": title, "placements": placements},
                }
            ],
            "custom_fields": {},
        }

    def canvas_json(self) -> str:
        return json.dumps(self.canvas(), indent=2)

    def moodle(self) -> list[tuple[str, str]]:
        """For Moodle: Site administration › Plugins › External tool › Manage tools ›
        configure a tool manually, field by field."""
        return [
            ("Tool name", CourseSettings.load().title),
            ("Tool URL", self.target_link_uri),
            ("LTI version", "LTI 1.3"),
            ("Public key type", "Keyset URL"),
            ("Public keyset", self.jwks_url),
            ("Initiate login URL", self.login_url),
            ("Redirection URI(s)", self.redirect_uri),
            ("Supports Deep Linking (Content-Item Message)", "ticked"),
            ("Content Selection URL", self.target_link_uri),
            ("IMS LTI Assignment and Grade Services", AGS_CHOICE),
            ("IMS LTI Names and Role Provisioning", NRPS_CHOICE),
            ("Share launcher's name with tool", "Always"),
            ("Share launcher's email with tool", "Always"),
            ("Accept grades from the tool", "Always"),
        ]  # fmt: skip
