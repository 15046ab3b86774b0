"""Reading WordPress eXtended RSS (WXR 1.0, 1.1 and 1.2) as a stream.

The file is parsed with lxml's ``iterparse`` and each element is cleared once read,
so a file of any length is read in the memory of one item (a post with its
comments). Parsing is safe: no entity is expanded, nothing is fetched, and a file
that declares a document type is refused outright, as WordPress's own importer
does (an export never has one; entity bombs and external entities need one).

Elements are matched by local name, and the WordPress namespaces by their shape
(``http://`` or ``https://wordpress.org/export/1.x/``), so every WXR version reads
the same. The values are kept as WordPress wrote them (strings); what they mean
here is wordpress.importer's business.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO

from lxml import etree

WP, EXCERPT, CONTENT, DC, RSS = "wp", "excerpt", "content", "dc", ""
_WP_NAMESPACE = re.compile(r"^https?://(www\.)?wordpress\.(org|com)/export/\d+\.\d+/?$")
_EXCERPT_NAMESPACE = re.compile(
    r"^https?://(www\.)?wordpress\.(org|com)/export/\d+\.\d+/excerpt/?$"
)
NO_DATE = "0000-00-00 00:00:00"


class WxrError(ValueError):
    """The file cannot be imported: ``line`` (when known) and what is wrong."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line else message)


@dataclasses.dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    author_id: str = ""


@dataclasses.dataclass
class Term:
    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""  # the parent category's slug
    description: str = ""


@dataclasses.dataclass
class Comment:
    comment_id: str
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    comment_type: str = ""
    parent: str = "0"
    user_id: str = "0"
    meta: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Item:
    line: int
    title: str = ""
    link: str = ""
    creator: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    post_id: str = ""
    date: str = ""
    date_gmt: str = ""
    comment_status: str = ""
    post_name: str = ""
    status: str = ""
    post_parent: str = "0"
    post_type: str = ""
    password: str = ""
    is_sticky: str = "0"
    attachment_url: str = ""
    terms: list[Term] = dataclasses.field(default_factory=list)
    meta: dict[str, str] = dataclasses.field(default_factory=dict)
    comments: list[Comment] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Channel:
    title: str = ""
    link: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    authors: list[Author] = dataclasses.field(default_factory=list)
    terms: list[Term] = dataclasses.field(default_factory=list)

    @property
    def site(self) -> str:
        """The WordPress site, as its address without scheme or final slash."""
        url = self.base_blog_url or self.link or self.base_site_url
        return re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE).rstrip("/").lower()


_names: dict[str, tuple[str, str]] = {}


def _name(tag) -> tuple[str, str]:
    """(namespace kind, local name) of an element's tag."""
    if not isinstance(tag, str):  # comments and processing instructions
        return ("?", "")
    found = _names.get(tag)
    if found is None:
        namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        if _WP_NAMESPACE.match(namespace):
            kind = WP
        elif _EXCERPT_NAMESPACE.match(namespace):
            kind = EXCERPT
        elif "purl.org/rss/1.0/modules/content" in namespace:
            kind = CONTENT
        elif "purl.org/dc/elements/1.1" in namespace:
            kind = DC
        else:
            kind = namespace or RSS
        found = _names[tag] = (kind, local)
    return found


def _text(element) -> str:
    return element.text or ""


def _children(element) -> Iterator[tuple[str, str, etree._Element]]:
    for child in element:
        kind, local = _name(child.tag)
        if local:
            yield kind, local, child


def _fields(element) -> dict[str, str]:
    """The wp: children of ``element`` as {local name: text}."""
    return {local: _text(child) for kind, local, child in _children(element) if kind == WP}


def _meta(element) -> tuple[str, str]:
    fields = _fields(element)
    return fields.get("meta_key", ""), fields.get("meta_value", "")


def _author(element) -> Author:
    fields = _fields(element)
    return Author(
        login=fields.get("author_login", "").strip(),
        email=fields.get("author_email", "").strip(),
        display_name=fields.get("author_display_name", "").strip(),
        first_name=fields.get("author_first_name", "").strip(),
        last_name=fields.get("author_last_name", "").strip(),
        author_id=fields.get("author_id", "").strip(),
    )


def _category(element) -> Term:
    fields = _fields(element)
    return Term(
        taxonomy="category",
        slug=fields.get("category_nicename", "").strip(),
        name=fields.get("cat_name", "").strip(),
        parent=fields.get("category_parent", "").strip(),
        description=fields.get("category_description", ""),
    )


def _tag(element) -> Term:
    fields = _fields(element)
    return Term(
        taxonomy="post_tag",
        slug=fields.get("tag_slug", "").strip(),
        name=fields.get("tag_name", "").strip(),
        description=fields.get("tag_description", ""),
    )


def _comment(element) -> Comment:
    comment = Comment(comment_id="")
    for kind, local, child in _children(element):
        if kind != WP:
            continue
        if local == "commentmeta":
            key, value = _meta(child)
            comment.meta[key] = value
        elif local == "comment_author_IP":
            comment.author_ip = _text(child).strip()
        elif local == "comment_type":
            comment.comment_type = _text(child).strip()
        elif local.startswith("comment_") and local[8:] in _COMMENT_FIELDS:
            setattr(comment, _COMMENT_FIELDS[local[8:]], _text(child))
    comment.comment_id = comment.comment_id.strip()
    comment.parent = comment.parent.strip() or "0"
    comment.user_id = comment.user_id.strip() or "0"
    comment.approved = comment.approved.strip()
    return comment


_COMMENT_FIELDS = {
    "id": "comment_id", "author": "author", "author_email": "author_email",
    "author_url": "author_url", "date": "date", "date_gmt": "date_gmt",
    "content": "content", "approved": "approved", "parent": "parent", "user_id": "user_id",
}  # fmt: skip
_ITEM_FIELDS = {
    "post_id", "post_date", "post_date_gmt", "comment_status", "post_name", "status",
    "post_parent", "post_type", "post_password", "is_sticky", "attachment_url",
}  # fmt: skip


def _item(element, comments: list[Comment]) -> Item:
    item = Item(line=element.sourceline or 0, comments=comments)
    for kind, local, child in _children(element):
        if kind == RSS and local in ("title", "link", "guid"):
            setattr(item, local, _text(child).strip())
        elif kind == RSS and local == "category":
            domain, slug = child.get("domain", ""), child.get("nicename")
            if slug is not None and domain in ("category", "post_tag"):
                item.terms.append(Term(domain, slug.strip(), _text(child).strip()))
        elif kind == DC and local == "creator":
            item.creator = _text(child).strip()
        elif kind == CONTENT and local == "encoded":
            item.content = _text(child)
        elif kind == EXCERPT and local == "encoded":
            item.excerpt = _text(child)
        elif kind == WP and local == "postmeta":
            key, value = _meta(child)
            item.meta[key] = value
        elif kind == WP and local in _ITEM_FIELDS:
            value = _text(child).strip()
            name = {"post_date": "date", "post_date_gmt": "date_gmt",
                    "post_password": "password"}.get(local, local)  # fmt: skip
            setattr(item, name, value)
    return item


def _refusal(error: etree.XMLSyntaxError) -> WxrError:
    message = error.msg or str(error)
    if "amplification" in message or "entity" in message.lower():
        message = f"entity expansion refused ({message})"
    else:
        message = f"this is not well-formed XML: {message}"
    return WxrError(f"The file cannot be read: {message}.", error.lineno)


def read(source: str | IO[bytes]) -> Iterator[Channel | Item]:
    """The channel (once, before the first item), then each item, as they are read.

    Raises WxrError for a file that is not a well-formed WXR file, at the point
    where that shows; wordpress.importer.scan reads a whole file first, so nothing
    is imported from a file that turns out to be broken.
    """
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    channel = Channel()
    channel_sent = False
    depth = 0
    comments: list[Comment] = []
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element)
                elif depth == 3 and not channel_sent and _name(element.tag) == (RSS, "item"):
                    _check_channel(channel, element.sourceline)
                    channel_sent = True
                    yield channel
                continue
            depth -= 1
            if depth == 3 and _name(element.tag) == (WP, "comment"):
                comments.append(_comment(element))
                element.clear(keep_tail=False)
                element.getparent().remove(element)
            elif depth == 2:
                kind, local = _name(element.tag)
                if kind == RSS and local == "item":
                    yield _item(element, comments)
                    comments = []
                else:
                    _read_channel_field(channel, kind, local, element)
                _drop(element)
    except etree.XMLSyntaxError as error:
        raise _refusal(error) from None
    if not channel_sent:
        _check_channel(channel, None)
        yield channel


def _check_root(element) -> None:
    tree = element.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise WxrError(
            "The file declares a document type (<!DOCTYPE>), which WordPress exports never "
            "do; it is refused because it could expand entities or fetch files.",
            element.sourceline,
        )
    if _name(element.tag) != (RSS, "rss"):
        raise WxrError(
            f"This is not a WordPress export: it starts with <{_name(element.tag)[1]}>, not <rss>.",
            element.sourceline,
        )


def _check_channel(channel: Channel, line: int | None) -> None:
    if not re.match(r"^\d+\.\d+$", channel.wxr_version):
        raise WxrError(
            "This is not a WordPress export: it has no WXR version (wp:wxr_version) "
            "before its first item.",
            line,
        )


_CHANNEL_FIELDS = {
    (RSS, "title"), (RSS, "link"), (WP, "wxr_version"), (WP, "base_site_url"),
    (WP, "base_blog_url"),
}  # fmt: skip


def _read_channel_field(channel: Channel, kind: str, local: str, element) -> None:
    if (kind, local) in _CHANNEL_FIELDS:
        setattr(channel, local, _text(element).strip())
    elif kind == WP and local == "author":
        channel.authors.append(_author(element))
    elif kind == WP and local == "category":
        channel.terms.append(_category(element))
    elif kind == WP and local == "tag":
        channel.terms.append(_tag(element))


def _drop(element) -> None:
    """Forget an element already read, and what came before it, to keep memory flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


# Dates ------------------------------------------------------------------------------


def parse_date(value: str) -> datetime | None:
    """A WordPress date ("2018-11-05 14:03:00"), naive; None for an empty or zero date."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def utc(date: str, date_gmt: str, offset: timedelta) -> datetime | None:
    """The moment, from the ``_gmt`` field, else the local date less the blog's offset."""
    moment = parse_date(date_gmt)
    if moment is not None:
        return moment.replace(tzinfo=UTC)
    local = parse_date(date)
    if local is None:
        return None
    return (local - offset).replace(tzinfo=UTC)


def offset_of(items_dates: Counter) -> timedelta | None:
    """The blog's usual UTC offset: the commonest gap between local and GMT dates."""
    if not items_dates:
        return None
    seconds, _ = items_dates.most_common(1)[0]
    return timedelta(seconds=seconds)
