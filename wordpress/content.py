"""WordPress's stored text to the HTML WordPress would have shown.

WordPress keeps posts and comments as typed and formats them on every page view:
``wpautop`` turns blank lines into paragraphs and single newlines into ``<br>``,
shortcodes (``[caption]``, ``[gallery]``) are expanded, and block-editor posts
carry ``<!-- wp:… -->`` delimiters (and skip ``wpautop``). Here that happens once,
at import; the result then goes through the site's sanitiser like anything else.

``wpautop`` follows WordPress's wp-includes/formatting.php step by step. PHP's
regular expressions there run without the Unicode flag, so ``\\s`` is ASCII
whitespace only: a no-break space is text, not a line break (re.ASCII here).
"""

from __future__ import annotations

import html
import re

_FLAGS = re.ASCII
_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)


def _sub(pattern: str, replacement, text: str, flags: int = 0) -> str:
    return re.sub(pattern, replacement, text, flags=_FLAGS | flags)


def wpautop(text: str, br: bool = True) -> str:
    """Paragraphs from blank lines, ``<br />`` from single newlines, as WordPress does."""
    if not text.strip():
        return ""
    text += "\n"
    # <pre> blocks are left exactly as they are.
    kept: dict[str, str] = {}
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for number, part in enumerate(parts):
            start = part.find("<pre")
            if start == -1:
                text += part
                continue
            placeholder = f"<pre wp-pre-tag-{number}></pre>"
            kept[placeholder] = part[start:] + "</pre>"
            text += part[:start] + placeholder
        text += last
    text = _sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = _sub(rf"(<{_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = _sub(rf"(</{_BLOCKS}>)", r"\1\n\n", text)
    text = _sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Newlines inside a tag's attributes are not line breaks.
    text = _sub(r"<[^<>]*>", lambda tag: tag.group(0).replace("\n", " <!-- wpnl --> "), text)
    if "<option" in text:
        text = _sub(r"\s*<option", "<option", text)
        text = _sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = _sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = _sub(r"\s*</object>", "</object>", text)
        text = _sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = _sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = _sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = _sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = _sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = _sub(r"</figcaption>\s*", "</figcaption>", text)
    text = _sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text, flags=_FLAGS) if part]
    text = "".join("<p>" + part.strip("\n") + "</p>\n" for part in paragraphs)
    text = _sub(r"<p>\s*</p>", "", text)
    text = _sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = _sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = _sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = _sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)", r"\1", text)
    text = _sub(rf"(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    if br:
        text = _sub(
            r"<(script|style|svg|math).*?</\1>",
            lambda element: element.group(0).replace("\n", "<WPPreserveNewline />"),
            text,
            re.DOTALL,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = _sub(rf"(</?{_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = _sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = _sub(r"\n</p>$", "</p>", text)
    for placeholder, block in kept.items():
        text = text.replace(placeholder, block)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


# Block-editor delimiters: <!-- wp:paragraph --> … <!-- /wp:paragraph -->, with JSON.
_BLOCK_DELIMITER = re.compile(r"<!--\s+/?wp:[a-z][a-z0-9_/-]*(?:\s+\{.*?\})?\s+/?-->", re.DOTALL)

# Shortcodes WordPress and WordPress.com register. Others ("[sic]", "[1]") are text.
_REMOVED_SHORTCODES = (
    "gallery", "playlist", "audio", "video", "wpvideo", "youtube", "vimeo", "dailymotion",
    "googlemaps", "slideshow", "soundcloud", "spotify", "tweet", "twitter-timeline",
    "instagram", "flickr", "scribd", "ted", "polldaddy", "crowdsignal", "contact-form",
    "contact-field", "archives", "recipe", "gravatar", "blip.tv", "googleapps", "wufoo",
)  # fmt: skip
_CODE_SHORTCODES = ("code", "sourcecode", "source")
_CAPTION_SHORTCODES = ("caption", "wp_caption")
_NAMES = "|".join(
    re.escape(name)
    for name in (*_CAPTION_SHORTCODES, *_CODE_SHORTCODES, "embed", *_REMOVED_SHORTCODES)
)
_ENCLOSING = re.compile(rf"(\[?)\[({_NAMES})(?![\w.-])([^\]]*)\](.*?)\[/\2\](\]?)", re.DOTALL)
_SELF_CLOSING = re.compile(rf"(\[?)\[({_NAMES})(?![\w.-])([^\]]*?)/?\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_CAPTIONED = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)


def _attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): next(g for g in match.groups()[1:] if g is not None)
        for match in _ATTRIBUTE.finditer(text)
    }


def _caption(attributes: str, content: str) -> str:
    parts = _CAPTIONED.match(content)
    picture, caption = (parts.group(1), parts.group(2)) if parts else ("", content)
    caption = caption.strip() or html.escape(_attributes(attributes).get("caption", ""))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{picture}{figcaption}</figure>"


def expand_shortcodes(text: str, removed: set[str]) -> str:
    """Captions become figures, code becomes <pre>, embeds become links; the other
    registered shortcodes are removed with what they enclose, as WordPress's
    ``strip_shortcodes`` does (their names are added to ``removed``).
    ``[[caption]]`` is WordPress's way to write the text "[caption]"."""

    def enclosing(match: re.Match) -> str:
        opening, name, attributes, content, closing = match.groups()
        if opening and closing:
            return match.group(0)[1:-1]
        name = name.lower()
        if name in _CAPTION_SHORTCODES:
            return _caption(attributes, expand_shortcodes(content, removed))
        if name in _CODE_SHORTCODES:
            return f"<pre><code>{content}</code></pre>"
        if name == "embed":
            url = html.escape(content.strip())
            return f'<p><a href="{url}">{url}</a></p>'
        removed.add(name)
        return ""

    def self_closing(match: re.Match) -> str:
        opening, name, _attributes_text, closing = match.groups()
        if opening and closing:
            return match.group(0)[1:-1]
        removed.add(name.lower())
        return ""

    if "[" not in text:
        return text
    return _SELF_CLOSING.sub(self_closing, _ENCLOSING.sub(enclosing, text))


def post_html(content: str, removed_shortcodes: set[str]) -> str:
    """A WordPress post's content as WordPress showed it (before our sanitiser).

    Classic-editor posts get ``wpautop``; block-editor posts (with ``<!-- wp:``
    delimiters) are already HTML, and only lose their delimiters.
    """
    has_blocks = "<!-- wp:" in content
    content = _BLOCK_DELIMITER.sub("", content)
    if not has_blocks:
        content = wpautop(content)
    content = expand_shortcodes(content, removed_shortcodes)
    # A shortcode alone on its line was a paragraph of its own; its figure is not.
    content = _sub(r"<p>\s*(<figure>.*?</figure>)\s*(?:<br />\s*)?</p>", r"\1", content, re.DOTALL)
    return _sub(r"<p>\s*</p>\n?", "", content).strip()


def comment_html(content: str) -> str:
    """A WordPress comment as WordPress showed it (before our comment sanitiser)."""
    return wpautop(content).strip()
