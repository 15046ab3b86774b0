"""How a person is shown to a reader: their display name, or "Anonymous classmate".

Members choose a display name (a pseudonym is fine); only instructors see real names.
A student may post or comment "anonymous to classmates" when the course allows it:
everyone but the instructors then sees "Anonymous classmate", with no link to the
author's page and a neutral avatar, while instructors see who wrote it, marked as
anonymous to the class. Every page, feed, email and export that names an author
asks this module.
"""

from __future__ import annotations

import dataclasses

from django.urls import reverse

from accounts import avatars
from accounts.roles import is_instructor

ANONYMOUS_CLASSMATE = "Anonymous classmate"


@dataclasses.dataclass(frozen=True)
class ShownAuthor:
    name: str
    url: str = ""  # the author's page, when the reader may be led there
    anonymous_to_class: bool = False  # an instructor's view of an anonymous work
    hidden: bool = False  # the reader sees "Anonymous classmate"


def sees_identities(reader) -> bool:
    """Instructors see who wrote anonymous work, everywhere."""
    return is_instructor(reader)


def shown_name(display_name: str, anonymous: bool, identities: bool) -> str:
    """The name a reader sees for a work by ``display_name``."""
    return ANONYMOUS_CLASSMATE if anonymous and not identities else display_name


def comment_author_name(comment, identities: bool) -> str:
    """The name a reader sees for ``comment``'s author: a member's display name now (a
    guest's as typed), unless hidden as anonymous work."""
    name = comment.user.display_name if comment.user_id else comment.author_name
    return shown_name(name, comment.anonymous, identities)


def post_author(post, reader) -> ShownAuthor:
    """How ``post``'s author is shown to ``reader``."""
    author = post.author
    identities = sees_identities(reader)
    if post.anonymous and not identities and author.pk != getattr(reader, "pk", None):
        return ShownAuthor(ANONYMOUS_CLASSMATE, hidden=True)
    return ShownAuthor(
        author.display_name,
        url=author_url(author),
        anonymous_to_class=post.anonymous,
    )


def author_url(user) -> str:
    return reverse("posts:author", kwargs={"pk": user.pk})


def author_avatar(author, shown: ShownAuthor) -> avatars.Avatar:
    """The avatar beside ``shown``: the neutral one when the author is hidden from the
    reader, never the author's picture, initials or colour."""
    return avatars.avatar_for(author, shown.name, hidden=shown.hidden)
