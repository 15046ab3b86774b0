"""Snippets: escape first, then mark, so what people wrote never becomes markup."""

import pytest

from search.snippets import START, STOP, highlighted


@pytest.mark.parametrize(
    ("marked", "html_source", "expected"),
    [
        (f"a {START}mao{STOP} b", False, "a <mark>mao</mark> b"),
        (f"<script>alert(1)</script> {START}mao{STOP}", False,
         "&lt;script&gt;alert(1)&lt;/script&gt; <mark>mao</mark>"),
        (f'{START}"><img src=x onerror=alert(1)>{STOP}', False,
         "<mark>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</mark>"),
        (f"<p>The <b>{START}treaty{STOP}</b> &amp; co</p>", True,
         "The <mark>treaty</mark> &amp; co"),
        (f"&lt;script&gt; {START}x{STOP}", True, "&lt;script&gt; <mark>x</mark>"),
        (f'ef="https://x">{START}mao{STOP} met <a hr', True, "<mark>mao</mark> met"),
        (f'<a href="{START}mao{STOP}.org">link</a>', True, "link"),
        (f"{START}open", False, "<mark>open</mark>"),
        (f"{STOP}close{STOP} {START}{START}twice{STOP}", False, "close <mark>twice</mark>"),
        (None, False, ""),
    ],
)  # fmt: skip
def test_marks_become_mark_elements_and_nothing_else_is_markup(marked, html_source, expected):
    assert highlighted(marked, html_source=html_source) == expected
