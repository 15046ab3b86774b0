"""Avatars: made here from a name, or a member's own picture; never fetched elsewhere.

No Gravatar: asking a third party for a picture by an email hash tells it who reads
which page, and the hash identifies the member. The default avatar is drawn here from
the name the reader sees (accounts/people.py): its initials, white on a colour chosen
by the name, as inline SVG (no request at all). A member may upload a picture instead:
it goes through the image pipeline (images/processing.py: limits, decode bombs,
metadata stripped) and is kept as its centre square at two sizes, under random names.
Who may fetch those files is decided with the course's other pictures
(images/publication.py): anyone when the course is public, else its readers.

Work anonymous to classmates shows the neutral avatar (a silhouette) to everyone but
the instructors: never the author's picture, initials or colour.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
import uuid
import zlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import SafeString

from images import processing, publication

# The colours an initials avatar may take: each gives white text at least 4.5:1
# (WCAG AA; tests/accounts/test_avatars.py computes it), the same in both colour schemes.
PALETTE = ("#0b5cad", "#8a4b08", "#6a3d9a", "#2b6e33", "#a1305d", "#00677a")
NEUTRAL_COLOUR = "#5c6670"
# The sides, in px, of the squares an uploaded picture is kept at: 48 for bylines and
# the thread, 96 for screens with two device pixels to a CSS pixel.
PICTURE_SIDES = (48, 96)
PICTURE_FOLDER = "avatars/"


def initials(name: str) -> str:
    """The letters of ``name``'s avatar: the first letter of its first and of its last
    word ("Ana María López" gives "AL", "王小明" gives "王", "Ωmega" gives "Ω"),
    skipping emoji and punctuation; its first digit when it has no letter; else ""."""
    words = unicodedata.normalize("NFC", name).split()
    letters = [letter for word in words if (letter := _first(word, str.isalpha))]
    if not letters:
        letters = [digit for word in words if (digit := _first(word, str.isdigit))][:1]
    if len(letters) > 1:
        letters = [letters[0], letters[-1]]
    return "".join(letters)


def _first(word: str, wanted) -> str:
    """The first ``wanted`` character of ``word``, upper case, with the combining marks
    that follow it (Devanagari's vowel signs, say: "कि", not "क")."""
    for index, character in enumerate(word):
        if wanted(character):
            upper = character.upper()
            found = upper if len(upper) == 1 else character  # "ß".upper() is "SS"
            for mark in word[index + 1 :]:
                # A virama joins the next letter: alone, it would leave half a letter.
                if not unicodedata.category(mark).startswith("M") or _is_virama(mark):
                    break
                found += mark
            return found
    return ""


def _is_virama(mark: str) -> bool:
    return unicodedata.combining(mark) == 9


def tone(name: str) -> int:
    """Which PALETTE colour ``name`` takes: the same on every page and in every process
    (a checksum, not Python's salted hash), whatever the name's case."""
    return zlib.crc32(name.casefold().encode()) % len(PALETTE)


def colour_for(name: str) -> str:
    return PALETTE[tone(name)]


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a "#rrggbb" colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two "#rrggbb" colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@functools.lru_cache(maxsize=2048)
def initials_svg(name: str, size: int) -> SafeString:
    """The initials avatar of ``name``, ``size`` CSS px wide, as inline SVG. Hidden from
    assistive technology: the name is always written beside it."""
    letters = initials(name)
    if not letters:
        return neutral_svg(size)
    font_size = 17 if len(letters) == 1 else 15
    return format_html(
        '<svg class="avatar-image" width="{}" height="{}" viewBox="0 0 40 40" aria-hidden="true">'
        '<circle cx="20" cy="20" r="20" fill="{}"/>'
        '<text x="20" y="20" dy=".36em" text-anchor="middle" fill="#fff" '
        'font-family="system-ui, sans-serif" font-size="{}" font-weight="700">{}</text></svg>',
        size,
        size,
        colour_for(name),
        font_size,
        letters,
    )


@functools.lru_cache(maxsize=16)
def neutral_svg(size: int) -> SafeString:
    """The avatar of no one in particular: a silhouette on grey."""
    return format_html(
        '<svg class="avatar-image avatar-neutral" width="{}" height="{}" viewBox="0 0 40 40" '
        'aria-hidden="true"><circle cx="20" cy="20" r="20" fill="{}"/>'
        '<circle cx="20" cy="15" r="7" fill="#fff"/>'
        '<path d="M7 33a13 11 0 0 1 26 0z" fill="#fff"/></svg>',
        size,
        size,
        NEUTRAL_COLOUR,
    )


@dataclasses.dataclass(frozen=True)
class Avatar:
    """What a page shows beside a name: a member's picture, or a drawn avatar."""

    name: str = ""  # the name the reader sees, for the drawn avatar
    small: str = ""  # the picture's stored names, when there is one
    large: str = ""
    neutral: bool = False

    @property
    def has_picture(self) -> bool:
        return bool(self.small and self.large)

    def html(self, size: int = 32) -> SafeString:
        """The avatar, ``size`` CSS px square, as markup to put beside the name."""
        if self.neutral:
            return neutral_svg(size)
        if not self.has_picture:
            return initials_svg(self.name, size)
        small, large = default_storage.url(self.small), default_storage.url(self.large)
        return format_html(
            '<img class="avatar-image" src="{}" srcset="{} {}w, {} {}w" sizes="{}px" '
            'width="{}" height="{}" alt="" loading="lazy">',
            small,
            small,
            PICTURE_SIDES[0],
            large,
            PICTURE_SIDES[1],
            size,
            size,
            size,
        )


NEUTRAL = Avatar(neutral=True)


def avatar_for(user, shown_name: str, *, hidden: bool = False) -> Avatar:
    """The avatar to show beside ``shown_name``: neutral when the author is hidden from
    this reader (anonymous to classmates), the member's picture when they uploaded one,
    else drawn from the name (also for guests' comments: ``user`` None)."""
    if hidden:
        return NEUTRAL
    small = getattr(user, "avatar_small", None)
    large = getattr(user, "avatar_large", None)
    if small and large:
        return Avatar(shown_name, small.name, large.name)
    return Avatar(shown_name)


def set_picture(user, upload) -> None:
    """Make ``upload`` ``user``'s avatar, replacing any other. Raises
    processing.ImageRejected (with the reason, for the member) and then changes nothing."""
    squares = processing.prepare_square(upload, PICTURE_SIDES)
    # Random names: a picture cannot be found by guessing, whatever the course.
    stem = PICTURE_FOLDER + uuid.uuid4().hex
    saved: list[str] = []
    try:
        for side in PICTURE_SIDES:
            square = squares[side]
            name = f"{stem}-{side}.{square.extension}"
            saved.append(default_storage.save(name, ContentFile(square.data)))
        _replace(user, *saved)
    except Exception:
        for name in saved:  # leave no orphan files behind
            default_storage.delete(name)
        raise


def remove_picture(user) -> None:
    """Go back to the drawn avatar; the picture's files are deleted."""
    _replace(user, "", "")


def _replace(user, small: str, large: str) -> None:
    old = publication.avatar_names(user)
    with transaction.atomic():
        user.avatar_small, user.avatar_large = small, large
        # Saving the user raises the site's version: cached pages show the new avatar.
        user.save(update_fields=["avatar_small", "avatar_large"])

    def tidy() -> None:
        publication.withdraw_files(old)
        for name in old:
            default_storage.delete(name)
        publication.sync_avatars([user])

    transaction.on_commit(tidy, robust=True)
