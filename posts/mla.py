"""Works Cited entries in MLA 9 style, and the kinds of source they describe.

MLA's core elements, in order: Author. Title of source. Title of container, Other
contributors, Version, Number, Publisher, Publication date, Location. Optional:
Accessed date. A work that stands on its own (a book, a film, a whole website) has
its title in italics; a part of a larger work (a chapter, an article, a web page)
has its title in quotation marks and the container in italics.

A source's kind decides which of those elements it has (KIND_FIELDS), what the
editor calls them (FIELD_LABELS), and the few places where MLA writes a kind its
own way: the role before other contributors ("edited by", "directed by",
"Interview by"), and a film's streaming service, which is a second container.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Protocol

from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]  # fmt: skip


class Kind(models.TextChoices):
    BOOK = "book", "Book"
    CHAPTER = "chapter", "Chapter in a book"
    JOURNAL_ARTICLE = "journal_article", "Journal article"
    NEWS_ARTICLE = "news_article", "Newspaper or magazine article"
    WEBSITE = "website", "Web page or website"
    FILM = "film", "Film or video"
    INTERVIEW = "interview", "Interview"
    OTHER = "other", "Other"


# The fields of a source, in the order of MLA's core elements.
FIELDS = [
    "authors", "title", "container", "contributors", "edition", "volume", "issue",
    "publisher", "year", "pages", "url", "accessed",
]  # fmt: skip

ONLINE = ["url", "accessed"]
KIND_FIELDS: dict[str, list[str]] = {
    Kind.BOOK: ["authors", "title", "edition", "publisher", "year", *ONLINE],
    Kind.CHAPTER: [
        "authors", "title", "container", "contributors", "edition", "publisher", "year", "pages",
        *ONLINE,
    ],
    Kind.JOURNAL_ARTICLE: [
        "authors", "title", "container", "volume", "issue", "year", "pages", *ONLINE,
    ],
    Kind.NEWS_ARTICLE: [
        "authors", "title", "container", "volume", "issue", "year", "pages", *ONLINE,
    ],
    Kind.WEBSITE: ["authors", "title", "container", "publisher", "year", *ONLINE],
    Kind.FILM: ["authors", "title", "contributors", "publisher", "year", "container", *ONLINE],
    Kind.INTERVIEW: ["authors", "title", "contributors", "container", "year", "pages", *ONLINE],
    Kind.OTHER: [field for field in FIELDS if field != "contributors"],
}  # fmt: skip

# What the editor calls a field for a kind, where the general label would mislead.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "authors": {Kind.FILM: "Creators", Kind.INTERVIEW: "Person interviewed"},
    "title": {
        Kind.CHAPTER: "Chapter title",
        Kind.JOURNAL_ARTICLE: "Article title",
        Kind.NEWS_ARTICLE: "Article title",
        Kind.WEBSITE: "Page title",
        Kind.INTERVIEW: "Title, if it has one",
    },
    "container": {
        Kind.CHAPTER: "Book title",
        Kind.JOURNAL_ARTICLE: "Journal",
        Kind.NEWS_ARTICLE: "Newspaper or magazine",
        Kind.WEBSITE: "Website",
        Kind.FILM: "Streaming service or website",
        Kind.INTERVIEW: "Published in",
    },
    "contributors": {
        Kind.CHAPTER: "Editors of the book",
        Kind.FILM: "Directors",
        Kind.INTERVIEW: "Interviewer",
    },
    "publisher": {Kind.FILM: "Studio or distributor"},
    "year": {
        Kind.NEWS_ARTICLE: "Date",
        Kind.WEBSITE: "Date",
        Kind.INTERVIEW: "Date",
    },
}

# The role MLA writes before other contributors, by kind.
CONTRIBUTOR_ROLES = {Kind.CHAPTER: "edited by", Kind.FILM: "directed by"}


class CitableWork(Protocol):
    kind: str
    authors: str
    title: str
    container: str
    contributors: str
    edition: str
    volume: str
    issue: str
    publisher: str
    year: str
    url: str
    pages: str
    accessed: date | None


def uses(kind: str, field: str) -> bool:
    return field in KIND_FIELDS.get(kind, KIND_FIELDS[Kind.OTHER])


def label(field: str, kind: str, default: str) -> str:
    return FIELD_LABELS.get(field, {}).get(kind, default)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def author_names(authors: str) -> str:
    """MLA's author element from one "Last, First" name per line.

    One author: "Last, First". Two: "Last, First, and First Last". Three or more:
    "Last, First, et al."
    """
    names = _lines(authors)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]}, and {_first_last(names[1])}"
    return f"{names[0]}, et al."


def contributor_names(contributors: str) -> str:
    """Other contributors, first name first: "Robin Broad", "A and B", "A et al."."""
    names = [_first_last(name) for name in _lines(contributors)]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def _first_last(name: str) -> str:
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if first.strip() else last.strip()


def page_range(pages: str) -> str:
    pages = pages.strip().replace("--", "–").replace("-", "–")
    if not pages:
        return ""
    return f"pp. {pages}" if "–" in pages or "," in pages else f"p. {pages}"


_NUMBER_LABEL = re.compile(r"^(vol(ume)?|v|no|number|issue|iss|#)\.?\s*", re.IGNORECASE)


def numbers(volume: str, issue: str) -> list[str]:
    """MLA's number element: "vol. 64", "no. 1", however the label was typed."""
    shown = []
    for prefix, text in (("vol.", volume), ("no.", issue)):
        text = _NUMBER_LABEL.sub("", (text or "").strip())
        if text:
            shown.append(f"{prefix} {text}")
    return shown


def short_url(url: str) -> str:
    """MLA 9 drops the scheme from URLs it prints, but writes DOIs as https://doi.org/…."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            rest = url[len(prefix) :].rstrip("/")
            if rest.startswith(("doi.org/", "dx.doi.org/")):
                return "https://doi.org/" + rest.partition("/")[2]
            return rest
    return url


def mla_date(value: date) -> str:
    return f"{value.day} {MLA_MONTHS[value.month - 1]} {value.year}"


_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"([A-Za-z]+)\.?"
_DATE_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("year", "month")),
    (re.compile(rf"^{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})$"), ("month", "day", "year")),
    (re.compile(rf"^(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})$"), ("day", "month", "year")),
    (re.compile(rf"^{_MONTH},?\s+(\d{{4}})$"), ("month", "year")),
]


def publication_date(text: str) -> str:
    """A typed date in MLA's form ("2016-01-04", "January 4, 2016" → "4 Jan. 2016").

    Anything else (a year, "spring 2010", "1925-27") is kept as typed."""
    text = " ".join((text or "").split())
    for pattern, order in _DATE_FORMS:
        if match := pattern.match(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["month"]
            month = int(month) if month.isdigit() else _MONTHS.get(month.lower())
            day = int(parts.get("day") or 1)
            try:
                date(int(parts["year"]), month or 0, day)
            except ValueError:
                return text
            shown = f"{MLA_MONTHS[month - 1]} {parts['year']}"
            return f"{day} {shown}" if "day" in parts else shown
    return text


def _closed(text: str) -> str:
    """End an element with a period unless it already ends with punctuation."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _title(title: str, *, quoted: bool) -> SafeString:
    if quoted:
        return format_html("“{}”", _closed(title))
    return format_html("<cite>{}</cite>{}", title, "" if title[-1:] in ".?!" else ".")


def _container(elements: list[SafeString], *, ends_with_url: bool) -> SafeString:
    """Elements of a container joined by commas, closed by a period."""
    joined = format_html_join(", ", "{}", ((element,) for element in elements))
    closed = str(elements[-1]).endswith(".") and not ends_with_url
    return mark_safe(joined + ("" if closed else "."))  # noqa: S308 - joined escaped parts


def _url(url: str) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, short_url(url))


def works_cited_entry(work: CitableWork) -> SafeString:
    """The MLA 9 entry for ``work``, from the fields its kind uses."""
    kind = work.kind if work.kind in KIND_FIELDS else Kind.OTHER

    def field(name: str) -> str:
        return (getattr(work, name, "") or "").strip() if uses(kind, name) else ""

    title, container, publisher = field("title"), field("container"), field("publisher")
    contributors, url = contributor_names(field("contributors")), field("url")
    # A film with a studio stands alone, and a service that streams it is a second
    # container; a video without one is a part of the website it is on.
    second_container = kind == Kind.FILM and bool(container) and bool(publisher)
    in_container = bool(container) and not second_container

    parts: list[SafeString] = []
    if names := author_names(field("authors")):
        parts.append(format_html("{}", _closed(names)))
    if title:
        parts.append(_title(title, quoted=in_container))
    if kind == Kind.INTERVIEW:
        if contributors:
            parts.append(format_html("Interview by {}.", contributors))
        elif not title and not container:
            parts.append(format_html("{}", "Personal interview."))

    elements: list[SafeString] = []
    if in_container:
        elements.append(format_html("<cite>{}</cite>", container))
    if contributors and kind in CONTRIBUTOR_ROLES:
        role = CONTRIBUTOR_ROLES[kind]
        elements.append(format_html("{} {}", role if elements else role.capitalize(), contributors))
    texts = [field("edition"), *numbers(field("volume"), field("issue")), publisher]
    texts += [publication_date(field("year")), page_range(field("pages"))]
    elements += [format_html("{}", text) for text in texts if text]
    location_url = url and not second_container
    if location_url:
        elements.append(_url(url))
    if elements:
        parts.append(_container(elements, ends_with_url=bool(location_url)))
    if second_container:
        platform = [format_html("<cite>{}</cite>", container)] + ([_url(url)] if url else [])
        parts.append(_container(platform, ends_with_url=bool(url)))

    if uses(kind, "accessed") and work.accessed:
        parts.append(format_html("Accessed {}.", mla_date(work.accessed)))
    return mark_safe(" ".join(parts))  # noqa: S308 - every part above is escaped


_ARTICLE = re.compile(r"^(a|an|the)\s+")
_LEADING_MARKS = re.compile(r"^[\W_]+")


def _sortable(text: str) -> str:
    """Case and accents folded, leading quotes and a leading A, An or The dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = " ".join(_LEADING_MARKS.sub("", folded).split())
    return _ARTICLE.sub("", folded)


def sort_key(work: CitableWork) -> tuple[str, str, str]:
    """MLA's order: by the entry's first word, the first author's last name (then
    first name), or the title when there is no author; then by title."""
    names = _lines(work.authors)
    title = _sortable(work.title or "")
    if not names:
        return (title, "", "")
    last, _, first = names[0].partition(",")
    return (_sortable(last), _sortable(first), title)
