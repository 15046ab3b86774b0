"""What a reader typed, made into a search both databases run the same way.

A search is words and "quoted phrases", all of which must appear. Nothing else the
reader types is an operator: quotes left open, ``*``, ``-``, ``NEAR``, ``OR``,
parentheses and the like are read as text or dropped, so no query can make either
database's query language fail. Each term is quoted again for the database
(search/engines.py), so a word such as NEAR is a word.
"""

from __future__ import annotations

import dataclasses
import re

MAX_LENGTH = 200  # characters: longer is refused with a message, not cut short
MAX_TERMS = 12  # words and phrases; more are refused too

_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclasses.dataclass(frozen=True)
class Query:
    text: str  # as typed, tidied: for the search box and the page's title
    terms: tuple[tuple[str, ...], ...] = ()  # each a word, or a phrase's words
    problem: str = ""  # why nothing was searched, for the reader

    @property
    def searchable(self) -> bool:
        return bool(self.terms) and not self.problem

    def fts5(self) -> str:
        """SQLite FTS5's MATCH expression: each term a quoted string (a phrase)."""
        return " ".join(f'"{" ".join(term)}"' for term in self.terms)

    def websearch(self) -> str:
        """PostgreSQL's websearch_to_tsquery text: each term in quotes, so "or" is a word."""
        return " ".join(f'"{" ".join(term)}"' for term in self.terms)


def parse(raw: str | None) -> Query:
    text = " ".join("".join(c if c.isprintable() else " " for c in raw or "").split())
    if not text:
        return Query(text)
    if len(text) > MAX_LENGTH:
        return Query(
            text[:MAX_LENGTH],
            problem=f"That search is too long: use at most {MAX_LENGTH} characters.",
        )
    terms = []
    for phrase, word in _TOKEN.findall(text):
        words = tuple(w.lower() for w in _WORD.findall(phrase or word))
        if words and words not in terms:
            terms.append(words)
    if not terms:
        return Query(text, problem="Search for a word: that search has only punctuation in it.")
    if len(terms) > MAX_TERMS:
        return Query(text, problem=f"That search has too many words: use at most {MAX_TERMS}.")
    return Query(text, tuple(terms))
