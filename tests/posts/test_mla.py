"""Works Cited entries in MLA 9 style."""

from datetime import date
from types import SimpleNamespace

import pytest

from posts.mla import author_names, page_range, works_cited_entry


def work(**fields):
    blank = dict.fromkeys(
        ["authors", "title", "container", "edition", "publisher", "year", "url", "pages"], ""
    )
    return SimpleNamespace(**{**blank, "accessed": None, **fields})


@pytest.mark.parametrize(
    ("fields", "entry"),
    [
        pytest.param(
            {
                "authors": "Riasanovsky, Nicholas V.\nSteinberg, Mark D.",
                "title": "A History of Russia",
                "publisher": "Oxford University Press",
                "year": "2018",
            },
            "Riasanovsky, Nicholas V., and Mark D. Steinberg. <cite>A History of Russia</cite>. "
            "Oxford University Press, 2018.",
            id="book, two authors",
        ),
        pytest.param(
            {
                "authors": "Freeze, Gregory L., editor",
                "title": "Russia: A History",
                "edition": "3rd ed.",
                "publisher": "Oxford University Press",
                "year": "2009",
            },
            "Freeze, Gregory L., editor. <cite>Russia: A History</cite>. 3rd ed., "
            "Oxford University Press, 2009.",
            id="edited book, edition",
        ),
        pytest.param(
            {
                "authors": "Lüthi, Lorenz M.\nRadchenko, Sergey\nZubok, Vladislav",
                "title": "The Sino-Soviet Split",
                "container": "Cold War History",
                "year": "2008",
                "pages": "1-20",
            },
            "Lüthi, Lorenz M., et al. “The Sino-Soviet Split.” <cite>Cold War History</cite>, "
            "2008, pp. 1–20.",
            id="article, three authors, pages",
        ),
        pytest.param(
            {
                "title": "The ESAU Papers",
                "container": "CIA Reading Room",
                "url": "https://www.cia.gov/readingroom/esau/",
                "accessed": date(2018, 11, 5),
            },
            "“The ESAU Papers.” <cite>CIA Reading Room</cite>, "
            '<a href="https://www.cia.gov/readingroom/esau/">www.cia.gov/readingroom/esau</a>. '
            "Accessed 5 Nov. 2018.",
            id="web page, no author, access date",
        ),
        pytest.param(
            {"title": "Why Did the Split Happen?"},
            "<cite>Why Did the Split Happen?</cite>",
            id="title with its own punctuation",
        ),
        pytest.param(
            {"authors": "O'Brien, <b>Kate</b>", "title": "Fish & Chips"},
            "O&#x27;Brien, &lt;b&gt;Kate&lt;/b&gt;. <cite>Fish &amp; Chips</cite>.",
            id="escaped",
        ),
    ],
)
def test_works_cited_entries(fields, entry):
    assert works_cited_entry(work(**fields)) == entry


def test_author_names_ignore_blank_lines():
    assert author_names("\n  Freeze, Gregory L.  \n\n") == "Freeze, Gregory L."


@pytest.mark.parametrize(("pages", "shown"), [("92", "p. 92"), ("92-96", "pp. 92–96"), ("", "")])
def test_page_ranges(pages, shown):
    assert page_range(pages) == shown
