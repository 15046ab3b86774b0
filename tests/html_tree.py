"""Read rendered pages the way a browser builds them, for assertions on structure."""

from __future__ import annotations

from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _CommentNesting(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []  # the id of each open element
        self.parent_of: dict[str, str | None] = {}
        self.order: list[str] = []

    def handle_starttag(self, tag, attrs):
        element_id = dict(attrs).get("id")
        if element_id and element_id.startswith("comment-") and element_id[8:].isdigit():
            enclosing = next(
                (i for i in reversed(self.stack) if i and i.startswith("comment-")), None
            )
            self.parent_of[element_id] = enclosing
            self.order.append(element_id)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element_id)

    def handle_endtag(self, tag):
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()


def comment_nesting(html: str) -> dict[int, int | None]:
    """{comment pk: pk of the comment element that contains it (None at top level)}.

    Insertion order is document order.
    """
    parser = _CommentNesting()
    parser.feed(html)
    return {
        int(element_id[8:]): (int(parent[8:]) if parent else None)
        for element_id in parser.order
        for parent in [parser.parent_of[element_id]]
    }
