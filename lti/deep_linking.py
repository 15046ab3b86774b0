"""Deep linking: from the LMS's editor, an instructor picks a post or the whole blog and
the LMS gets a link it can launch, in a response JWT signed with the tool's key."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.urls import reverse
from lti_tool.models import LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource

from course.models import CourseSettings
from lti import keys
from posts.models import Post

SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
# In the instructor's session between the deep-linking launch and their choice.
SESSION_KEY = "lti_deep_link"
BLOG = "blog"


@dataclasses.dataclass(frozen=True)
class Choice:
    value: str
    title: str
    url: str


def choices() -> list[Choice]:
    """What an instructor can link to: the blog, then each published post, newest first."""
    blog = Choice(BLOG, CourseSettings.load().title, settings.SITE_URL + reverse("posts:list"))
    posts = [
        Choice(str(post.pk), post.title, settings.SITE_URL + post.get_absolute_url())
        for post in Post.objects.published().only("pk", "title", "slug")
    ]
    return [blog, *posts]


def remember_request(session, registration: LtiRegistration, claims: dict) -> None:
    session[SESSION_KEY] = {
        "registration": registration.pk,
        "deployment_id": claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"],
        "settings": claims[SETTINGS_CLAIM],
    }


def response_jwt(request_data: dict, choice: Choice) -> str:
    """The LtiDeepLinkingResponse for ``choice``, signed with the tool's current key."""
    registration = LtiRegistration.objects.get(pk=request_data["registration"])
    resource = DeepLinkResource().set_url(choice.url).set_title(choice.title)
    deep_link = DeepLink(
        keys.signing_registration(registration),
        request_data["deployment_id"],
        request_data["settings"],
    )
    return deep_link.get_response_jwt([resource])
