"""A post body made to work from a folder of files: its links and pictures, relative.

Post bodies are sanitised HTML (coursblog/html.py) whose pictures point at the site's
media and whose links may point at the site's pages. In the archive:

- a picture of the course's own (an ``Image`` file or rendition, found by its stored
  name at the end of the address, whatever the media address is) points at its copy
  in the archive, and the copy is asked for;
- a picture from another site would be fetched from the network, so it becomes its
  alt text (an archive opened offline makes no request: the archive tests record every
  one);
- a link to a page the archive holds points at that page's file; a link to another
  page of the site points at the site (it works while the site lives); links to
  other sites stay as they are.

Only the start tags of ``a``, ``img``, ``source`` and ``picture`` are rewritten; all
else is copied as written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

REWRITTEN = {"a", "img", "source", "picture"}


@dataclasses.dataclass
class Rewritten:
    html: str
    media: set[str]  # stored names of the course's pictures the body shows


def rewrite_body(
    html: str,
    *,
    stored_name: Callable[[str], str | None],
    media_prefix: str,
    page_url: Callable[[str], str],
) -> Rewritten:
    """``html`` with its addresses made to work offline (see the module docstring).

    ``stored_name(address)`` gives the stored name of one of the course's pictures at
    ``address``, or None; such a picture's address becomes ``media_prefix`` followed
    by its stored name. ``page_url(address)`` gives what a link to ``address`` becomes."""
    parser = _Rewriter(stored_name, media_prefix, page_url)
    parser.feed(html)
    parser.close()
    return Rewritten("".join(parser.out), parser.media)


class _Rewriter(HTMLParser):
    def __init__(self, stored_name, media_prefix: str, page_url) -> None:
        super().__init__(convert_charrefs=False)
        self.stored_name = stored_name
        self.media_prefix = media_prefix
        self.page_url = page_url
        self.out: list[str] = []
        self.media: set[str] = set()
        self.pictures: list[int] = []  # where each open <picture> tag is in ``out``
        self.unwrapped: list[bool] = []  # for each open <picture>: became a <span>

    # Everything but the rewritten start tags is copied as written.
    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture" and self.pictures:
            self.pictures.pop()
            self.out.append("</span>" if self.unwrapped.pop() else "</picture>")
            return
        self.out.append(f"</{tag}>")

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in REWRITTEN:
            self.out.append(self.get_starttag_text() or "")
            return
        attributes = dict(attrs)
        if tag == "picture":
            self.pictures.append(len(self.out))
            self.unwrapped.append(False)
            self.out.append("<picture>")
        elif tag == "a":
            if attributes.get("href") is not None:
                attributes["href"] = self.page_url(attributes["href"])
            self.out.append(_tag(tag, attributes))
        elif tag == "source":
            srcset = self._srcset(attributes.get("srcset") or "")
            if srcset:  # a source of another site's pictures is left out
                self.out.append(_tag(tag, {**attributes, "srcset": srcset}))
        else:
            self._img(attributes)

    def _img(self, attributes: dict) -> None:
        src = self._own(attributes.get("src") or "")
        if src is None:
            alt = attributes.get("alt") or "an image"
            self.out.append(
                f'<span class="offline-image">[Image not kept in the archive: {escape(alt)}]</span>'
            )
            if self.pictures and not self.unwrapped[-1]:
                self.out[self.pictures[-1]] = '<span class="offline-picture">'
                self.unwrapped[-1] = True
                self._drop_sources_since(self.pictures[-1])
            return
        attributes["src"] = src
        if attributes.get("srcset"):
            srcset = self._srcset(attributes["srcset"])
            if srcset:
                attributes["srcset"] = srcset
            else:
                del attributes["srcset"]
                attributes.pop("sizes", None)
        self.out.append(_tag("img", attributes))

    def _drop_sources_since(self, start: int) -> None:
        for index in range(start + 1, len(self.out)):
            if self.out[index].startswith("<source"):
                self.out[index] = ""

    def _own(self, address: str) -> str | None:
        """The archive's address of one of the course's pictures, or None."""
        name = self.stored_name(address.strip())
        if name is None:
            return None
        self.media.add(name)
        return self.media_prefix + quote(name)

    def _srcset(self, srcset: str) -> str:
        """The candidates of ``srcset`` that are the course's pictures, made relative."""
        kept = []
        for candidate in srcset.split(","):
            address, _, descriptor = candidate.strip().partition(" ")
            own = self._own(address) if address else None
            if own is not None:
                kept.append(f"{own} {descriptor.strip()}".strip())
        return ", ".join(kept)


def _tag(name: str, attributes: dict) -> str:
    parts = [name]
    for key, value in attributes.items():
        parts.append(key if value is None else f'{key}="{escape(value, quote=True)}"')
    return f"<{' '.join(parts)}>"


def stored_name_at(address: str, names_by_basename: dict[str, str]) -> str | None:
    """The stored name of the course's file at ``address`` (any media address: local,
    a bucket's, a CDN's), found by its last part and checked against its whole path."""
    try:
        path = unquote(urlsplit(address).path)
    except ValueError:
        return None
    name = names_by_basename.get(path.rsplit("/", 1)[-1])
    if name is not None and (path == name or path.endswith("/" + name)):
        return name
    return None
