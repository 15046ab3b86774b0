"""Works Cited entries in MLA 9 style.

MLA's core elements, in order: Author. Title of source. Title of container, Version,
Publisher, Publication date, Location. Optional: Accessed date. A work that stands
on its own (a book) has its title in italics; a part of a larger work (an article,
a chapter, a web page) has its title in quotation marks and the container in italics.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]  # fmt: skip


class CitableWork(Protocol):
    authors: str
    title: str
    container: str
    edition: str
    publisher: str
    year: str
    url: str
    pages: str
    accessed: date | None


def author_names(authors: str) -> str:
    """MLA's author element from one "Last, First" name per line.

    One author: "Last, First". Two: "Last, First, and First Last". Three or more:
    "Last, First, et al."
    """
    names = [line.strip() for line in authors.splitlines() if line.strip()]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]}, and {_first_last(names[1])}"
    return f"{names[0]}, et al."


def _first_last(name: str) -> str:
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if first.strip() else last.strip()


def page_range(pages: str) -> str:
    pages = pages.strip().replace("--", "–").replace("-", "–")
    if not pages:
        return ""
    return f"pp. {pages}" if "–" in pages or "," in pages else f"p. {pages}"


def short_url(url: str) -> str:
    """MLA 9 drops the scheme from URLs it prints."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            return url[len(prefix) :].rstrip("/")
    return url


def mla_date(value: date) -> str:
    return f"{value.day} {MLA_MONTHS[value.month - 1]} {value.year}"


def _closed(text: str) -> str:
    """End an element with a period unless it already ends with punctuation."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def works_cited_entry(work: CitableWork) -> SafeString:
    parts: list[SafeString] = []
    if names := author_names(work.authors):
        parts.append(format_html("{}", _closed(names)))

    title = work.title.strip()
    if work.container.strip():
        parts.append(format_html("“{}”", _closed(title)))
    else:
        parts.append(format_html("<cite>{}</cite>{}", title, "" if title[-1:] in ".?!" else "."))

    container_elements: list[SafeString] = []
    if work.container.strip():
        container_elements.append(format_html("<cite>{}</cite>", work.container.strip()))
    for text in (work.edition, work.publisher, work.year, page_range(work.pages)):
        if text.strip():
            container_elements.append(format_html("{}", text.strip()))
    if work.url.strip():
        container_elements.append(format_html('<a href="{}">{}</a>', work.url, short_url(work.url)))
    if container_elements:
        joined = format_html_join(", ", "{}", ((element,) for element in container_elements))
        last_text = container_elements[-1]
        ends_with_period = str(last_text).endswith(".") and not work.url.strip()
        parts.append(mark_safe(joined + ("" if ends_with_period else ".")))  # noqa: S308

    if work.accessed:
        parts.append(format_html("Accessed {}.", mla_date(work.accessed)))
    return mark_safe(" ".join(parts))  # noqa: S308 - every part above is escaped
