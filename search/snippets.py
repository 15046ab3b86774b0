"""Highlighted snippets, built so that what people wrote can never become markup.

The databases mark matches with two control characters (START, STOP) that typed
text cannot hold (coursblog/text.py refuses control characters). A snippet may still
hold tags and entities (a post's body is HTML), or a tag cut in two at its edge:
they go first, then everything is escaped, and only then do the marks become
``<mark>`` elements, always in pairs. Escape first, then mark.
"""

from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe

START, STOP = "\x02", "\x03"
ELLIPSIS = "…"

_TAG = re.compile(r"<[^<>]*>")
_CUT_TAG_AT_START = re.compile(r"^[^<]*?>")  # "ef='…'>text": the end of a tag cut by the snippet
_CUT_TAG_AT_END = re.compile(r"<[^>]*$")


def highlighted(marked: str | None, *, html_source: bool = False) -> SafeString:
    """``marked`` (a database's snippet, matches between START and STOP) as safe HTML.

    ``html_source``: the snippet comes from HTML (a post's body), whose tags and
    entities are dropped; sanitised HTML escapes every < and > that is text, so each
    one left is part of a tag."""
    text = marked or ""
    if html_source:
        text = _CUT_TAG_AT_END.sub("", _CUT_TAG_AT_START.sub("", _TAG.sub(" ", text)))
        text = html.unescape(text)
    text = " ".join(text.split())
    pieces, open_mark = [], False
    for piece in re.split(f"([{START}{STOP}])", text):
        if piece == START:
            if not open_mark:
                pieces.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                pieces.append("</mark>")
                open_mark = False
        else:
            pieces.append(html.escape(piece, quote=True))
    if open_mark:
        pieces.append("</mark>")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text escaped above
