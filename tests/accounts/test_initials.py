"""Initials avatars: letters drawn from the name a reader sees, in any script."""

import pytest

from accounts.avatars import PALETTE, initials
from accounts.avatars import tone as avatar_tone

AVATAR_TONES = len(PALETTE)


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Maya Lindqvist", "ML"),
        ("Ana María López", "AL"),  # first and last word
        ("caroline", "C"),
        ("Élodie Ørsted", "ÉØ"),
        ("Ελένη Παπαδοπούλου", "ΕΠ"),
        ("Мария Иванова", "МИ"),
        ("王小明", "王"),  # no spaces between the words: the first character
        ("محمد علي", "مع"),
        ("(Maya) L.", "ML"),  # punctuation is not a letter
        ("ßeta", "ß"),  # its capital is two letters: kept as it is
        ("E\u0301milie", "É"),  # a combining accent, composed
    ],
)
def test_initials_are_the_first_letters_of_the_first_and_last_words(name, letters):
    assert initials(name) == letters


@pytest.mark.parametrize("name", ["", "   ", "😀", "- ."])
def test_a_name_without_letters_or_digits_has_no_initials(name):
    assert initials(name) == ""


def test_a_name_of_digits_takes_its_first_digit():
    assert initials("42 - 7") == "4"


def test_a_name_always_gets_the_same_tone_whatever_its_case():
    tones = {avatar_tone(name) for name in ("Maya Lindqvist", "maya lindqvist", "MAYA LINDQVIST")}
    assert len(tones) == 1
    assert all(0 <= avatar_tone(f"Student {n}") < AVATAR_TONES for n in range(50))
    assert len({avatar_tone(f"Student {n}") for n in range(50)}) == AVATAR_TONES
