"""Works Cited entries in MLA 9 style, for each kind of source, and their order.

The expected entries are examples from the MLA Handbook (9th ed.) and the guides
that teach it (Purdue OWL, college libraries' MLA 9 pages), typed into our fields.
Page ranges take an en dash, as the handbook prints them.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from posts.mla import (
    KIND_FIELDS,
    Kind,
    author_names,
    page_range,
    publication_date,
    sort_key,
    works_cited_entry,
)


def work(**fields):
    blank = dict.fromkeys(
        ["authors", "title", "container", "contributors", "edition", "volume", "issue",
         "publisher", "year", "url", "pages"],
        "",
    )  # fmt: skip
    return SimpleNamespace(**{**blank, "kind": Kind.BOOK, "accessed": None, **fields})


ENTRIES = [
    pytest.param(
        {"authors": "Mantel, Hilary", "title": "Wolf Hall", "publisher": "Picador", "year": "2010"},
        "Mantel, Hilary. <cite>Wolf Hall</cite>. Picador, 2010.",
        id="book",
    ),
    pytest.param(
        {
            "authors": "Sennett, Richard\r\nCobb, Jonathan",
            "title": "The Hidden Injuries of Class",
            "publisher": "Vintage Books",
            "year": "1973",
        },
        "Sennett, Richard, and Jonathan Cobb. <cite>The Hidden Injuries of Class</cite>. "
        "Vintage Books, 1973.",
        id="book, two authors",
    ),
    pytest.param(
        {
            "authors": "Smith, John\nDoe, Jane\nRoe, Richard",
            "title": "Writing and Erasing: New Theories for Pencils",
            "publisher": "Utah State UP",
            "year": "2001",
        },
        "Smith, John, et al. <cite>Writing and Erasing: New Theories for Pencils</cite>. "
        "Utah State UP, 2001.",
        id="book, three authors",
    ),
    pytest.param(
        {
            "authors": "Milkis, Sidney M.\nNelson, Michael",
            "title": "The American Presidency: Origins and Development, 1776-1993",
            "edition": "2nd ed.",
            "publisher": "CQ Press",
            "year": "1994",
        },
        "Milkis, Sidney M., and Michael Nelson. <cite>The American Presidency: Origins and "
        "Development, 1776-1993</cite>. 2nd ed., CQ Press, 1994.",
        id="book, edition",
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
        id="edited book",
    ),
    pytest.param(
        {
            "kind": Kind.CHAPTER,
            "authors": "Sweeney, John",
            "title": "The New Internationalism",
            "container": "Global Backlash: Citizen Initiatives in a Just World Economy",
            "contributors": "Broad, Robin",
            "publisher": "MacMillan Press",
            "year": "2002",
            "pages": "55-62",
        },
        "Sweeney, John. “The New Internationalism.” <cite>Global Backlash: Citizen Initiatives "
        "in a Just World Economy</cite>, edited by Robin Broad, MacMillan Press, 2002, "
        "pp. 55–62.",
        id="chapter in an edited book",
    ),
    pytest.param(
        {
            "kind": Kind.CHAPTER,
            "authors": "Bould, Mark",
            "title": "Speculative Fiction",
            "container": "The Cambridge Companion to Twenty-First Century American Fiction",
            "contributors": "Miller, Joshua",
            "publisher": "Cambridge UP",
            "year": "2021",
            "pages": "63–78",
            "url": "https://doi.org/10.1017/9781108974288.005",
        },
        "Bould, Mark. “Speculative Fiction.” <cite>The Cambridge Companion to Twenty-First "
        "Century American Fiction</cite>, edited by Joshua Miller, Cambridge UP, 2021, "
        'pp. 63–78, <a href="https://doi.org/10.1017/9781108974288.005">'
        "https://doi.org/10.1017/9781108974288.005</a>.",
        id="chapter with a DOI",
    ),
    pytest.param(
        {
            "kind": Kind.JOURNAL_ARTICLE,
            "authors": "Goldman, Anne",
            "title": "Questions of Transport: Reading Primo Levi Reading Dante",
            "container": "The Georgia Review",
            "volume": "64",
            "issue": "1",
            "year": "spring 2010",
            "pages": "69-88",
        },
        "Goldman, Anne. “Questions of Transport: Reading Primo Levi Reading Dante.” "
        "<cite>The Georgia Review</cite>, vol. 64, no. 1, spring 2010, pp. 69–88.",
        id="journal article",
    ),
    pytest.param(
        {
            "kind": Kind.JOURNAL_ARTICLE,
            "authors": "Dixit, Jay\nKristal, Marissa",
            "title": "Reading Between the Lines",
            "container": "Psychology Today",
            "volume": "vol. 40",
            "issue": "No. 4",
            "year": "July-Aug. 2007",
            "pages": "74-79",
        },
        "Dixit, Jay, and Marissa Kristal. “Reading Between the Lines.” "
        "<cite>Psychology Today</cite>, vol. 40, no. 4, July-Aug. 2007, pp. 74–79.",
        id="journal article, labels typed with the numbers",
    ),
    pytest.param(
        {
            "kind": Kind.NEWS_ARTICLE,
            "authors": "Als, Hilton",
            "title": "Dreamgirls",
            "container": "The New Yorker",
            "volume": "91",
            "issue": "42",
            "year": "2016-01-04",
            "pages": "80-81",
        },
        "Als, Hilton. “Dreamgirls.” <cite>The New Yorker</cite>, vol. 91, no. 42, 4 Jan. 2016, "
        "pp. 80–81.",
        id="magazine article",
    ),
    pytest.param(
        {
            "kind": Kind.NEWS_ARTICLE,
            "authors": "St. Fleur, Nicholas",
            "title": "City Bees Stick to a Flower Diet Rather Than Slurp Up Soda",
            "container": "The New York Times",
            "year": "May 19, 2016",
            "url": "https://www.nytimes.com/2016/05/19/science/bees-flowers-soda.html",
        },
        "St. Fleur, Nicholas. “City Bees Stick to a Flower Diet Rather Than Slurp Up Soda.” "
        "<cite>The New York Times</cite>, 19 May 2016, "
        '<a href="https://www.nytimes.com/2016/05/19/science/bees-flowers-soda.html">'
        "www.nytimes.com/2016/05/19/science/bees-flowers-soda.html</a>.",
        id="online newspaper article",
    ),
    pytest.param(
        {
            "kind": Kind.WEBSITE,
            "authors": "Grobar, Matt",
            "title": "Garfield: Ving Rhames, Nicholas Hoult, Hannah Waddingham, and Cecily Strong "
            "Board Animated Feature from Alcon Entertainment",
            "container": "Deadline",
            "publisher": "Penske Media Corp.",
            "year": "17 August 2022",
            "url": "https://deadline.com/2022/08/garfield-adds-ving-rhames-1235094576/",
        },
        "Grobar, Matt. “Garfield: Ving Rhames, Nicholas Hoult, Hannah Waddingham, and Cecily "
        "Strong Board Animated Feature from Alcon Entertainment.” <cite>Deadline</cite>, "
        "Penske Media Corp., 17 Aug. 2022, "
        '<a href="https://deadline.com/2022/08/garfield-adds-ving-rhames-1235094576/">'
        "deadline.com/2022/08/garfield-adds-ving-rhames-1235094576</a>.",
        id="web page",
    ),
    pytest.param(
        {
            "kind": Kind.WEBSITE,
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
        {
            "kind": Kind.FILM,
            "title": "Moonlight",
            "contributors": "Jenkins, Barry",
            "publisher": "A24",
            "year": "2016",
        },
        "<cite>Moonlight</cite>. Directed by Barry Jenkins, A24, 2016.",
        id="film",
    ),
    pytest.param(
        {
            "kind": Kind.FILM,
            "title": "The Color Purple",
            "contributors": "Spielberg, Steven",
            "publisher": "Warner Bros.",
            "year": "1985",
            "container": "Netflix",
            "url": "https://www.netflix.com/title/60010207",
        },
        "<cite>The Color Purple</cite>. Directed by Steven Spielberg, Warner Bros., 1985. "
        '<cite>Netflix</cite>, <a href="https://www.netflix.com/title/60010207">'
        "www.netflix.com/title/60010207</a>.",
        id="film on a streaming service",
    ),
    pytest.param(
        {
            "kind": Kind.FILM,
            "authors": "Sommers, Christina Hoff",
            "title": "Is It Time to Break the Glass Ceiling?",
            "container": "YouTube",
            "year": "2016-02-14",
            "url": "https://www.youtube.com/watch?v=abc123",
        },
        "Sommers, Christina Hoff. “Is It Time to Break the Glass Ceiling?” <cite>YouTube</cite>, "
        '14 Feb. 2016, <a href="https://www.youtube.com/watch?v=abc123">'
        "www.youtube.com/watch?v=abc123</a>.",
        id="online video",
    ),
    pytest.param(
        {"kind": Kind.INTERVIEW, "authors": "Purdy, James", "year": "2021-02-01"},
        "Purdy, James. Personal interview. 1 Feb. 2021.",
        id="interview by the student",
    ),
    pytest.param(
        {
            "kind": Kind.INTERVIEW,
            "authors": "Gaiman, Neil",
            "contributors": "Fay, Kim",
            "container": "Publishers Weekly",
            "year": "3 May 2021",
            "url": "https://www.publishersweekly.com/pw/interview-gaiman.html",
        },
        "Gaiman, Neil. Interview by Kim Fay. <cite>Publishers Weekly</cite>, 3 May 2021, "
        '<a href="https://www.publishersweekly.com/pw/interview-gaiman.html">'
        "www.publishersweekly.com/pw/interview-gaiman.html</a>.",
        id="published interview",
    ),
    pytest.param(
        {
            "kind": Kind.INTERVIEW,
            "authors": "Gaiman, Neil",
            "title": "The Art of Fiction",
            "contributors": "Fay, Kim",
            "container": "The Paris Review",
            "issue": "230",
            "year": "2019",
        },
        "Gaiman, Neil. “The Art of Fiction.” Interview by Kim Fay. <cite>The Paris Review</cite>, "
        "2019.",
        id="titled interview",
    ),
    pytest.param(
        {
            "kind": Kind.OTHER,
            "authors": "Lüthi, Lorenz M.\nRadchenko, Sergey\nZubok, Vladislav",
            "title": "The Sino-Soviet Split",
            "container": "Cold War History",
            "year": "2008",
            "pages": "1-20",
        },
        "Lüthi, Lorenz M., et al. “The Sino-Soviet Split.” <cite>Cold War History</cite>, "
        "2008, pp. 1–20.",
        id="other, in a container",
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
]


@pytest.mark.parametrize(("fields", "entry"), ENTRIES)
def test_works_cited_entries(fields, entry):
    assert works_cited_entry(work(**fields)) == entry


def test_a_kind_leaves_out_the_fields_it_does_not_use():
    book = work(title="Wolf Hall", container="Left over from an article", pages="12", volume="3")
    assert works_cited_entry(book) == "<cite>Wolf Hall</cite>."


def test_every_kind_has_fields_and_an_entry():
    assert set(KIND_FIELDS) == set(Kind)
    for kind in Kind:
        assert works_cited_entry(work(kind=kind, authors="Doe, Jane", title="A Title"))


def test_author_names_ignore_blank_lines():
    assert author_names("\n  Freeze, Gregory L.  \n\n") == "Freeze, Gregory L."


@pytest.mark.parametrize(("pages", "shown"), [("92", "p. 92"), ("92-96", "pp. 92–96"), ("", "")])
def test_page_ranges(pages, shown):
    assert page_range(pages) == shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("2016", "2016"),
        ("2016-01-04", "4 Jan. 2016"),
        ("2016-9", "Sept. 2016"),
        ("January 4, 2016", "4 Jan. 2016"),
        ("Sept. 5, 2012", "5 Sept. 2012"),
        ("4 june 2015", "4 June 2015"),
        ("May 2021", "May 2021"),
        ("spring 2010", "spring 2010"),
        ("2016-02-30", "2016-02-30"),
        ("1925-27", "1925-27"),
    ],
)
def test_dates_are_written_as_mla_does(typed, shown):
    assert publication_date(typed) == shown


def test_entries_sort_by_their_first_word_ignoring_articles_case_and_accents():
    works = [
        work(authors="Riasanovsky, Nicholas V.", title="A History of Russia"),
        work(title="The Sino-Soviet Split"),
        work(authors="Freeze, Gregory L., editor", title="Russia: A History"),
        work(authors="Ångström, Anders", title="Light"),
        work(title="“A Quoted Title”", kind=Kind.WEBSITE, container="Site"),
        work(authors="freeze, Gregory L.", title="An Earlier Book"),
        work(title="Moscow Diary"),
        work(authors="Smith, Zoe", title="Zed"),
        work(authors="Smithson, Al", title="Alpha"),
    ]
    ordered = [w.title for w in sorted(works, key=sort_key)]
    assert ordered == [
        "Light",
        "An Earlier Book",
        "Russia: A History",
        "Moscow Diary",
        "“A Quoted Title”",
        "A History of Russia",
        "The Sino-Soviet Split",
        "Zed",
        "Alpha",
    ]
