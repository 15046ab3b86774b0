"""What a comment's stored markup holds: only what belongs to the comment.

A comment's fragment (Comment.fragment_html) is made when the comment is saved so
that serving a page sanitises and escapes nothing. It holds the author as the
comment records them (a guest's name, linked to their website) and the comment's
text, separated by PART_BREAK. Everything that depends on the post, the site or
the reader (the date in the site's time zone, the "Author" and "Instructor"
marks, the permalink, Reply and Edit links) is added when the page is assembled,
in comments/thread.py.

This module sits below the model: it works on plain values and imports nothing
of the app, so the model can use it without an import cycle.
"""

from __future__ import annotations

from html import escape

from coursblog.text import single_line

# Separates the author's part from the text in a stored fragment. Sanitised HTML
# and escaped names never hold control characters (coursblog/text.py), so the
# mark cannot occur in either part.
PART_BREAK = "\x03"


def comment_fragment(*, author_name: str, author_url: str, by_guest: bool, body_html: str) -> str:
    """The stored fragment of a comment with these values (see the module docstring)."""
    name = escape(single_line(author_name))
    if by_guest and author_url.startswith(("https://", "http://")):
        url = escape(single_line(author_url))
        author = f'<a href="{url}" rel="external nofollow ugc" class="url">{name}</a>'
    else:
        author = name
    return f'{author}{PART_BREAK}<div class="comment-content">{body_html}</div>'


def fragment_parts(fragment_html: str) -> tuple[str, str] | None:
    """The author's part and the text of a stored fragment; None when it is missing
    or of an older format (rebuild_comment_fragments makes it again)."""
    author, mark, content = fragment_html.partition(PART_BREAK)
    return (author, content) if mark else None
