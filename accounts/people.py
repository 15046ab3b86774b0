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
import unicodedata
import zlib

from django.urls import reverse

from accounts.roles import is_instructor

ANONYMOUS_CLASSMATE = "Anonymous classmate"
AVATAR_TONES = 6  # the colours an initials avatar may take (static/css/site.css)


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


def initials(name: str) -> str:
    """The letters of an initials avatar for ``name``: the first letter of its first and
    of its last word ("Ana María López" gives "AL", "王小明" gives "王"), or "" when the
    name has no letter. Avatars are drawn from names, never fetched from a service that
    would learn who reads the page."""
    letters = [letter for word in unicodedata.normalize("NFC", name).split()
               if (letter := _first_letter(word))]  # fmt: skip
    if len(letters) > 1:
        letters = [letters[0], letters[-1]]
    return "".join(letters)


def _first_letter(word: str) -> str:
    for character in word:
        if character.isalpha():
            upper = character.upper()
            return upper if len(upper) == 1 else character  # "ß".upper() is "SS"
    return ""


def avatar_tone(name: str) -> int:
    """Which of the AVATAR_TONES colours ``name``'s avatar takes: the same on every page
    and in every process (a checksum, not Python's salted hash)."""
    return zlib.crc32(name.casefold().encode()) % AVATAR_TONES
