"""Old WordPress addresses, and where they now lead.

WordPress links a post as ``/?p=123`` (its id), or by its permalink, which can be
``/2018/11/05/the-sino-soviet-split/``, ``/the-sino-soviet-split/``, a page under
its parent (``/about/contact/``) or anything a site chose. The import keeps each
post's own permalink path (ImportedItem.old_path), so any structure resolves
exactly; a path we never saw falls back to its last part as the post's slug, as
WordPress itself guesses. ``?replytocom=456`` and ``#comment-456`` name a comment
by its WordPress id; ``/category/<slug>/`` and ``/tag/<slug>/`` name topics and tags.

An old address leads only where its reader may go: a post they may not read, or a
comment not approved, is unknown to them (a plain 404, never its new address).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.http import QueryDict
from django.urls import reverse
from taggit.models import Tag

from comments.models import Comment
from posts.models import Post
from topics.models import Topic
from wordpress.models import ImportedItem

Kind = ImportedItem.Kind
FROM_WORDPRESS = "from=wordpress"
_ID = re.compile(r"^\d{1,18}$")
_TERM_PATH = re.compile(r"^/(category|tag)/(?:[^/]+/)*(?P<slug>[^/]+)/?$")


def _imported_post(reader, **lookup) -> tuple[ImportedItem, Post] | None:
    readable = Post.objects.visible_to(reader)
    for item in ImportedItem.objects.filter(kind=Kind.POST, **lookup).order_by("pk"):
        post = readable.filter(pk=item.object_id).first()
        if post is not None:
            return item, post
    return None


def post_for_id(reader, wp_id: str) -> tuple[ImportedItem, Post] | None:
    """The post imported with WordPress id ``wp_id`` (from any imported site), if
    ``reader`` may read it."""
    return _imported_post(reader, wp_id=wp_id) if _ID.match(wp_id) else None


def post_for_path(reader, path: str) -> tuple[ImportedItem, Post] | None:
    """The post whose WordPress address had this path, exactly or by its last part, if
    ``reader`` may read it."""
    path = unquote(path)
    exact = {path, path.rstrip("/"), path.rstrip("/") + "/"}
    found = _imported_post(reader, old_path__in=exact)
    if found is not None:
        return found
    slug = path.rstrip("/").rpartition("/")[2]
    if not slug:
        return None
    return _imported_post(reader, old_path__endswith=f"/{slug}/")


def comment_for(site: str, wp_id: str) -> Comment | None:
    """The approved comment imported from ``site`` with WordPress id ``wp_id``."""
    if not _ID.match(wp_id):
        return None
    item = ImportedItem.objects.of(site, Kind.COMMENT).filter(wp_id=wp_id).first()
    if item is None:
        return None
    return Comment.objects.approved().filter(pk=item.object_id).select_related("post").first()


def comment_url(post: Post, wp_comment_id: str) -> str | None:
    """Where the comment that had ``wp_comment_id`` on ``post``'s WordPress site is now
    (``post`` is one its reader may read)."""
    item = ImportedItem.objects.filter(kind=Kind.POST, object_id=post.pk).first()
    if item is None:
        return None
    comment = comment_for(item.site, wp_comment_id)
    if comment is None or comment.post_id != post.pk:
        return None
    return comment.get_absolute_url()


def _with_comment(item: ImportedItem, post: Post, query: QueryDict) -> str:
    reply_to = query.get("replytocom", "")
    comment = comment_for(item.site, reply_to) if reply_to else None
    if comment is not None and comment.post_id == post.pk:
        return comment.get_absolute_url()
    # The marker lets static/js/wordpress-links.js read an old #comment-<id> fragment,
    # which the browser carries over the redirect, as a WordPress id.
    return f"{post.get_absolute_url()}?{FROM_WORDPRESS}"


def target_for_id_query(reader, query: QueryDict) -> tuple[str, Post] | None:
    """``/?p=123`` (or ``?page_id=``): the post's new address and the post, or None if
    unknown to ``reader``."""
    wp_id = query.get("p") or query.get("page_id") or ""
    found = post_for_id(reader, wp_id)
    return (_with_comment(*found, query), found[1]) if found else None


def target_for_path(reader, path: str, query: QueryDict) -> tuple[str, Post | None] | None:
    """The new address for an old WordPress path that matches nothing of ours, and the
    post it leads to (None for a topic or a tag); None if unknown to ``reader``."""
    term = _TERM_PATH.match(unquote(path))
    if term is not None:
        slug = term.group("slug")
        if term.group(1) == "category":
            topic = Topic.objects.filter(slug=slug).first()
            return (topic.get_absolute_url(), None) if topic else None
        tag = Tag.objects.filter(slug=slug).first()
        return (reverse("topics:tag", kwargs={"slug": tag.slug}), None) if tag else None
    found = post_for_path(reader, path)
    return (_with_comment(*found, query), found[1]) if found else None
