"""Who may read what: the one rule, used by every page, listing, feed, count and file.

The course has an audience (public, members, class only) and a post may narrow its
own to the class. A reader may read a published post when their role reaches the
post's audience; its author and the instructors may always read it (a draft, too).
What a reader may not read does not exist for them: views answer 404, listings,
counts, feeds, sitemaps and search leave it out, its images are refused.

Post.objects.visible_to(reader) applies this in SQL (the course's audience as a
subquery, so it costs no query of its own); audience_of and may_read apply it to
one post already loaded. When the site hosts several courses, the course becomes a
column of the post and this module is where that is learnt.
"""

from __future__ import annotations

from django.db.models import Exists, Q

from accounts.roles import Role, role_of
from course.models import Audience, CourseSettings

# The role a reader needs for each audience.
REQUIRED_ROLE = {
    Audience.PUBLIC: Role.GUEST,
    Audience.MEMBERS: Role.MEMBER,
    Audience.CLASS: Role.STUDENT,
}
POST_FOLLOWS_COURSE = "course"


def readable_audiences(role: Role) -> list[str]:
    """The audiences a reader of ``role`` may read."""
    return [audience for audience, needed in REQUIRED_ROLE.items() if role >= needed]


def audience_of(post) -> str:
    """The audience a post has: the course's, or class only if the post narrows it."""
    course = course_audience_of(post)
    if post.visibility == Audience.CLASS or course == Audience.CLASS:
        return Audience.CLASS
    return course


def course_audience_of(post) -> str:
    """The course's audience, as read with the post (PostQuerySet.with_page_state) or now."""
    audience = getattr(post, "course_audience", None)
    if audience is None:
        audience = post.course_audience = CourseSettings.load().visibility
    return audience


def is_public(post) -> bool:
    """Anyone may read it: published, and neither the course nor the post narrows it."""
    return post.is_published and audience_of(post) == Audience.PUBLIC


def may_read(reader, post) -> bool:
    """The rule of Post.objects.visible_to, for one post already loaded."""
    role = role_of(reader)
    if role == Role.INSTRUCTOR or (reader.is_authenticated and post.author_id == reader.pk):
        return True
    return post.is_published and audience_of(post) in readable_audiences(role)


def may_read_course(reader) -> bool:
    """The course's audience includes ``reader`` (what it shows of its members, their
    avatars say, follows the course's audience)."""
    return CourseSettings.load().visibility in readable_audiences(role_of(reader))


def readable_filter(reader, *, prefix: str = "") -> Q | None:
    """A filter on posts (or, with ``prefix``, on rows that point at one, "post__", or
    carry copies of its columns, "post_" in search/models.py) selecting what ``reader``
    may read beyond their own posts; None: everything.

    The published condition is not in it (the caller's queryset decides that)."""
    role = role_of(reader)
    if role == Role.INSTRUCTOR:
        return None
    audiences = readable_audiences(role)
    course_allows = ~_course_narrower_than(audiences)
    post_allows = Q(**{f"{prefix}visibility": POST_FOLLOWS_COURSE})
    if Audience.CLASS in audiences:
        post_allows |= Q(**{f"{prefix}visibility": Audience.CLASS})
    return post_allows & Q(course_allows)


def public_filter(*, prefix: str = "") -> Q:
    """A filter selecting posts anyone may read (with the caller's published condition)."""
    course_public = ~_course_narrower_than([Audience.PUBLIC])
    return Q(**{f"{prefix}visibility": POST_FOLLOWS_COURSE}) & Q(course_public)


def _course_narrower_than(audiences: list[str]) -> Exists:
    """The course's record names an audience outside ``audiences`` (no record yet means
    the default, public)."""
    return Exists(CourseSettings.objects.filter(pk=1).exclude(visibility__in=audiences))


def course_is_public() -> bool:
    return CourseSettings.load().visibility == Audience.PUBLIC
