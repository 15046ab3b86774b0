"""The one place that turns untrusted HTML into HTML we are willing to serve.

Only this module imports bleach, so swapping it (for nh3, say) touches one file.
Two allow-lists: a wide one for post bodies written by course members, and a narrow
one for comments that anyone may send. Both functions are idempotent: cleaning
their own output changes nothing, so re-saving a stored body is harmless.

Limits worth knowing:
- bleach parses with html5lib the way a browser would, so namespace tricks
  (``<svg><style>``, ``<math><mtext>``, ``<noscript>``) are resolved before the
  allow-list is applied; the elements whose content is code or foreign markup are
  dropped with everything inside them, not unwrapped into text.
- ``bleach.Cleaner`` keeps per-call state, so each thread gets its own instances.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from functools import partial
from html import unescape
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import BleachSanitizerFilter, Cleaner
from django.db import models
from django.utils.html import strip_tags

from coursblog.text import without_control_characters

URL_PROTOCOLS = frozenset({"http", "https", "mailto"})

POST_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "dd", "dl",
        "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s", "small", "source",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "u", "ul",
    }
)  # fmt: skip


# What may stay unencoded in each part of a URL; everything else is percent-encoded
# as a browser's URL parser would (a space, quotes, angle brackets, non-ASCII).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"
_HOST_LABEL = re.compile(r"^[^\W_]([\w-]*[^\W_])?$")
_PERCENT_NOT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_TABS_AND_NEWLINES = re.compile("[\t\n\r]")


def web_address(raw: str, *, relative: bool = False, mailto: bool = False) -> str | None:
    """``raw`` as a valid http(s) address, percent-encoded as browsers do, or None.

    With ``relative``, a path on this site (``/posts/x/``, ``#notes``) is accepted
    too; with ``mailto``, a ``mailto:`` address. Anything else (another scheme, no
    host, a host that is not a host name or IP address, credentials, a bad port)
    is None: the caller refuses it or drops the link.
    """
    url = _TABS_AND_NEWLINES.sub("", (raw or "").strip(" \x00-\x1f"))
    if not url or without_control_characters(url) != url or "\\" in url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    path = _encode(parts.path, _PATH_SAFE)
    query = _encode(parts.query, _QUERY_SAFE)
    fragment = _encode(parts.fragment, _QUERY_SAFE)
    if scheme in ("http", "https"):
        host = _host(parts.hostname or "")
        if host is None or "@" in parts.netloc:
            return None
        netloc = f"{host}:{port}" if port is not None else host
        return urlunsplit((scheme, netloc, path, query, fragment))
    if scheme == "mailto" and mailto:
        address = _encode(parts.path, "@.+-_~!$&'*=,;")
        return f"mailto:{address}" if "@" in address else None
    if not scheme and relative and not parts.netloc and not url.startswith("//"):
        if ":" in path.split("/", 1)[0]:
            return None  # "java<br>script:x" and the like are not paths
        return urlunsplit(("", "", path, query, fragment)) or None
    return None


def _encode(part: str, safe: str) -> str:
    return quote(_PERCENT_NOT_ESCAPE.sub("%25", part), safe=safe)


def _host(host: str) -> str | None:
    """A host name (labels of letters, digits and hyphens, any script) or an IP address."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        labels = host.rstrip(".").split(".")
        if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
            return None
        return host.lower()
    return f"[{address}]" if address.version == 6 else str(address)


def _is_web_url(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in ("", "http", "https")
    except ValueError:
        return False


def _image_attribute(tag: str, name: str, value: str) -> bool:
    """Pictures: plain attributes, and only web or relative URLs in src and srcset."""
    if name in ("srcset", "src"):
        candidates = value.split(",") if name == "srcset" else [value]
        return all(_is_web_url(c.strip().split(" ")[0]) for c in candidates if c.strip())
    if name == "type":
        return value.startswith("image/")
    allowed = {
        "img": {"alt", "title", "width", "height", "sizes", "loading"},
        "source": {"sizes", "media"},
    }
    return name in allowed[tag]


def _link_attribute(tag: str, name: str, value: str) -> bool:
    """Links: an address and a title, and target only to open a new tab (see _NewTabLinks)."""
    return name in ("href", "title") or (name == "target" and value == "_blank")


POST_ATTRIBUTES = {
    "a": _link_attribute,
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "img": _image_attribute,
    "source": _image_attribute,
    "ol": ["start", "reversed"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
}

# WordPress's default for comments ($allowedtags), plus paragraphs and line breaks.
COMMENT_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "p", "q", "s",
     "strike", "strong"}
)  # fmt: skip
COMMENT_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "blockquote": ["cite"]}
COMMENT_LINK_REL = "nofollow ugc noopener"

# Elements whose content is code, styling or foreign markup: drop them whole.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "noembed", "noframes", "iframe", "object",
     "embed", "svg", "math", "title", "textarea", "select", "xmp", "head", "frameset"}
)  # fmt: skip

_local = threading.local()


class _DropContentFilter(html5lib_shim.Filter):
    """Remove the elements in DROPPED_WITH_CONTENT together with everything inside."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if kind == "StartTag" and name in DROPPED_WITH_CONTENT:
                depth += 1
                continue
            if kind == "EndTag" and name in DROPPED_WITH_CONTENT:
                depth = max(depth - 1, 0)
                continue
            if depth == 0 and not (kind == "EmptyTag" and name in DROPPED_WITH_CONTENT):
                yield token


class _LinkFilter(html5lib_shim.Filter):
    """Links as browsers and validators expect them: each ``href`` made a valid,
    percent-encoded address (web_address), and a link left with no address
    unwrapped, its text kept (an ``a`` without ``href`` may carry no ``rel``)."""

    relative = True

    def __iter__(self):
        dropping = False
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if name == "a" and kind == "StartTag":
                attributes = token["data"]
                href = attributes.get((None, "href"))
                # The parser keeps entities as written; the browser reads them decoded.
                address = (
                    web_address(unescape(href), relative=self.relative, mailto=True)
                    if href
                    else None
                )
                dropping = address is None
                if dropping:
                    continue
                attributes[(None, "href")] = address
            elif name == "a" and kind == "EndTag" and dropping:
                dropping = False
                continue
            yield token


class _CommentLinkFilter(_LinkFilter):
    relative = False  # a comment's links go to other sites; a bare path means nothing


class _Cleaner(Cleaner):
    """bleach's Cleaner that drops DROPPED_WITH_CONTENT elements with their content.

    bleach's tokenizer turns every tag outside the allow-list into text before the
    tree is built. Letting the dropped elements through as tags makes the parser
    treat their content as it would (raw text for script and style, a subtree for
    svg and math), and _DropContentFilter then removes that subtree whole.
    """

    def __init__(self, *, link_filter: type[_LinkFilter] = _LinkFilter, **kwargs):
        super().__init__(**kwargs)
        self.link_filter = link_filter
        self.parser = html5lib_shim.BleachHTMLParser(
            tags=self.tags | DROPPED_WITH_CONTENT,
            strip=self.strip,
            consume_entities=False,
            namespaceHTMLElements=False,
        )

    def clean(self, text: str) -> str:
        if not text:
            return ""
        dom = self.parser.parseFragment(text)
        filtered = BleachSanitizerFilter(
            source=_DropContentFilter(self.walker(dom)),
            allowed_tags=self.tags,
            attributes=self.attributes,
            strip_disallowed_tags=self.strip,
            strip_html_comments=self.strip_comments,
            allowed_protocols=self.protocols,
        )
        for filter_class in self.filters:
            filtered = filter_class(source=filtered)
        return self.serializer.render(self.link_filter(source=filtered))


NEW_TAB_LINK_REL = "noopener noreferrer"


class _NewTabLinks(html5lib_shim.Filter):
    """A link that opens a new tab gets rel="noopener noreferrer" whatever it was sent
    with, so the page it opens can neither reach back into ours nor learn its address.

    It runs after the sanitiser, which keeps no rel at all."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attributes = token["data"]
                if attributes.get((None, "target")) == "_blank":
                    attributes[(None, "rel")] = NEW_TAB_LINK_REL
            yield token


def _set_comment_link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = COMMENT_LINK_REL
    return attrs


def _cleaner(kind: str) -> _Cleaner:
    cleaners = getattr(_local, "cleaners", None)
    if cleaners is None:
        cleaners = _local.cleaners = {
            "post": _Cleaner(
                tags=POST_TAGS,
                attributes=POST_ATTRIBUTES,
                protocols=URL_PROTOCOLS,
                strip=True,
                filters=[_NewTabLinks],
            ),
            "comment": _Cleaner(
                tags=COMMENT_TAGS,
                attributes=COMMENT_ATTRIBUTES,
                protocols=URL_PROTOCOLS,
                strip=True,
                link_filter=_CommentLinkFilter,
                filters=[
                    partial(
                        LinkifyFilter,
                        callbacks=[_set_comment_link_rel],
                        skip_tags={"code"},
                        parse_email=False,
                    )
                ],
            ),
        }
    return cleaners[kind]


def sanitize_html(raw: str) -> str:
    """Reduce a post body to the post allow-list. Idempotent."""
    return _cleaner("post").clean(without_control_characters(raw or ""))


_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_STARTS_WITH_BLOCK = re.compile(r"^<(p|blockquote)[\s>]", re.IGNORECASE)


def _paragraphs(text: str) -> str:
    """Plain text to paragraphs, as WordPress's wpautop does for comments.

    Blank lines separate paragraphs and single newlines become ``<br>``. A chunk that
    already starts with a block element is left alone, which keeps the whole
    pipeline idempotent on its own output.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    chunks = []
    for chunk in _BLANK_LINES.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_WITH_BLOCK.match(chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(chunks)


def render_comment_html(text: str) -> str:
    """A comment as typed (plain text, optionally some inline HTML) to safe HTML.

    Paragraphs from blank lines, the comment allow-list, bare URLs linked, and every
    link marked ``rel="nofollow ugc noopener"``. Idempotent.
    """
    return _cleaner("comment").clean(_paragraphs(without_control_characters(text or "")))


def plain_text(html: str) -> str:
    """Text content of an HTML fragment (for excerpts and emails); escape it on output."""
    return " ".join(unescape(strip_tags(html or "")).split())


class SanitizedHTMLField(models.TextField):
    """A TextField whose value is run through ``sanitize_html`` on every save.

    ``QuerySet.update()`` and ``bulk_update()`` skip ``pre_save``, so never write
    untrusted HTML through them. Migrations see a plain TextField.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = sanitize_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs
