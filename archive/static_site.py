"""The course as a static site to keep: a ZIP that opens offline from ``index.html``.

What goes in is what one reader may read, asked of course/visibility.py:

- **public** (the default): what a guest reads, ``Post.objects.public()``;
- **everything the class saw** (``everything``): what a student of the class reads,
  class-only and members-only posts too, for the instructor's own keeping.

In both, authors are named as the class saw them: anonymous work stays "Anonymous
classmate" (only instructors ever saw who wrote it, and an archive gets passed
around), and nothing that was one reader's goes in: no drafts, no held, spam or
trashed comments (a removed comment with approved replies is "This comment was
removed.", as on the site), no review notes, no real names, no email addresses.

Every page links to the others by relative addresses of ``.html`` files (a browser
opening files shows no folder's index page), the course's pictures are copied beside
them (every rendition, so ``srcset`` still works), the discussion is
comments/thread.py's own markup with relative permalinks and no Reply or Edit links,
the CSS is the site's, and no page needs JavaScript or anything from the network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from accounts import people
from accounts.roles import STUDENTS
from archive import offline
from archive.zips import Member
from comments.models import DiscussionSettings
from comments.thread import Marks, PagePlan, Thread, render_entries
from course import term, visibility
from course.models import CourseSettings
from images.models import Image
from posts.models import Citation, Post, PostQuerySet, Source

STATIC_FILES = ["css/site.css", "favicon.svg"]
# Bylines as the class saw them: a reader who is not an instructor and wrote none of
# the posts sees exactly what a guest sees of authors (accounts/people.py).
BYLINE_READER = AnonymousUser()


class AnyStudent:
    """A student of the class with no account: the reader "everything the class saw"
    means, as course/visibility.py asks of a reader (role_of finds them in the
    Students group). Only for readable_filter: no post is theirs."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = False

    @property
    def groups(self):
        return Group.objects.filter(name=STUDENTS)


def archived_posts(*, everything: bool) -> PostQuerySet:
    """The posts the archive holds, newest first, as the home page lists them."""
    if everything:
        posts = Post.objects.published()
        readable = visibility.readable_filter(AnyStudent())
        if readable is not None:
            posts = posts.filter(readable)
    else:
        posts = Post.objects.public()
    return posts.order_by("-published_at", "-pk")


@dataclasses.dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str


class StaticSite:
    """One archive being made; ``members()`` gives its files one by one."""

    def __init__(
        self, *, everything: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> None:
        self.everything = everything
        self.progress = progress or (lambda step: None)
        self.made_at = timezone.now()
        self.posts: list[Post] = []  # what members() put in, for the caller's report
        self.media: set[str] = set()  # stored names of the pictures the pages show

    @property
    def file_name(self) -> str:
        which = "class" if self.everything else "public"
        return f"coursblog-archive-{which}-{timezone.localdate(self.made_at).isoformat()}.zip"

    def members(self) -> Iterator[Member]:
        self.course = CourseSettings.load()
        works_cited = Prefetch("citations", queryset=Citation.objects.select_related("source"))
        self.posts = list(
            archived_posts(everything=self.everything)
            .select_related("author", "featured_image")
            .prefetch_related(works_cited)
            .with_comment_counts()
        )
        self.slugs = {post.slug for post in self.posts}
        # Authors have a page when the archive holds a post it may name them on.
        signed = archived_posts(everything=self.everything).signed_for(BYLINE_READER)
        self.signed = dict(signed.values_list("pk", "author_id"))
        self.author_ids = set(self.signed.values())
        cited = {citation.source for post in self.posts for citation in post.citations.all()}
        self.sources = sorted(cited, key=lambda source: (source.title, source.pk))
        self.source_ids = {source.pk for source in self.sources}
        self._names = _stored_names()
        rules = DiscussionSettings.load()
        marks = Marks.for_post(self.posts[0]) if self.posts else Marks()

        total = len(self.posts)
        for number, post in enumerate(self.posts, start=1):
            yield Member(f"posts/{post.slug}.html", self._post_page(post, rules, marks))
            self.progress(Progress(number, total, post.title))
        yield Member("index.html", self._home_page())
        for author_id in sorted(self.author_ids):
            yield Member(f"authors/{author_id}.html", self._author_page(author_id))
        for source in self.sources:
            yield Member(f"sources/{source.pk}.html", self._source_page(source))
        for name in STATIC_FILES:
            path = finders.find(name)
            with open(path, "rb") as static:
                yield Member(f"static/{name}", static.read())
        for name in sorted(self.media):
            try:
                with default_storage.open(name) as stored:
                    data = stored.read()
            except OSError:
                self.progress(Progress(total, total, f"missing picture left out: {name}"))
                continue
            yield Member(f"media/{name}", data, compress=False)

    # Pages

    def _render(self, template: str, root: str, context: dict) -> bytes:
        mode = "everything the class could read" if self.everything else "the public posts"
        made_on = date_format(timezone.localtime(self.made_at), "F j, Y")
        note = f"{self.course.title}, as archived on {made_on}: {mode}."
        context = {
            "root": root,
            "course": self.course,
            "ended_notice": term.ended_notice(self.course),
            "private": self.everything,
            "archive_note": note,
            **context,
        }
        return render_to_string(template, context).encode()

    def _post_page(self, post: Post, rules: DiscussionSettings, marks: Marks) -> bytes:
        root = "../"
        # Every thread on one page, counted with the posts already.
        plan = PagePlan(post.approved_comment_count, newest_first=rules.order == rules.Order.NEWEST)
        thread = Thread.for_post(post, rules=rules, plan=plan)
        # The author of an anonymous post gets no "Author" mark: it would name them.
        post_marks = dataclasses.replace(
            marks, post_author_id=None if post.anonymous else post.author_id
        )
        thread_html = render_entries(
            thread.entries,
            page_url=f"{post.slug}.html",
            deepest_level=0,
            marks=post_marks,
            reportable=False,  # nobody can report from a copy on disk
        )
        body = self._offline(post.body, root)
        citations = [
            {"entry": citation.source.mla_html(), "source_id": citation.source_id}
            for citation in post.citations.all()
        ]
        return self._render(
            "archive/post.html",
            root,
            {
                "post": post,
                "author": self._author(post, root),
                "featured": self._picture(post.featured_image, post.featured_image_alt, root),
                "body": body,
                "citations": citations,
                "thread": thread,
                "thread_html": thread_html,
            },
        )

    def _home_page(self) -> bytes:
        root = ""
        summaries = [
            {
                "post": post,
                "author": self._author(post, root),
                "picture": self._picture(post.featured_image, "", root, lazy=True),
            }
            for post in self.posts
        ]
        return self._render("archive/index.html", root, {"summaries": summaries})

    def _author_page(self, author_id: int) -> bytes:
        posts = [post for post in self.posts if self.signed.get(post.pk) == author_id]
        author = posts[0].author
        return self._render("archive/author.html", "../", {"author": author, "posts": posts})

    def _source_page(self, source: Source) -> bytes:
        root = "../"
        posts = [
            {"post": post, "author": self._author(post, root)}
            for post in self.posts
            if any(citation.source_id == source.pk for citation in post.citations.all())
        ]
        return self._render("archive/source.html", root, {"source": source, "posts": posts})

    def _author(self, post: Post, root: str) -> people.ShownAuthor:
        """The byline as the class saw it, linking to the author's page in the archive."""
        shown = people.post_author(post, BYLINE_READER)
        if shown.hidden:
            return shown
        return dataclasses.replace(shown, url=f"{root}authors/{post.author_id}.html")

    def _picture(self, image: Image | None, alt: str, root: str, *, lazy=False) -> SafeString:
        """The site's own picture markup (images/_picture.html), made to work offline."""
        if image is None:
            return mark_safe("")
        html = render_to_string("images/_picture.html", {"image": image, "alt": alt, "lazy": lazy})
        return self._offline(html, root)

    def _offline(self, html: str, root: str) -> SafeString:
        rewritten = offline.rewrite_body(
            html,
            stored_name=self._stored_name,
            media_prefix=f"{root}media/",
            page_url=lambda address: self._link(address, root),
        )
        self.media |= rewritten.media
        return mark_safe(rewritten.html)  # noqa: S308 - sanitised HTML, only addresses changed

    def _stored_name(self, address: str) -> str | None:
        return offline.stored_name_at(address, self._names)

    def _link(self, address: str, root: str) -> str:
        """Where a link in a post leads in the archive (see archive/offline.py)."""
        try:
            parts = urlsplit(address)
        except ValueError:
            return address
        site = urlsplit(settings.SITE_URL)
        on_site = (not parts.scheme and not parts.netloc and parts.path.startswith("/")) or (
            parts.scheme in ("http", "https") and parts.netloc == site.netloc
        )
        if not on_site:
            return address
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        page = self._page_at(parts.path)
        if page is not None:
            return f"{root}{page}{fragment}"
        name = self._stored_name(address)
        if name is not None:
            self.media.add(name)
            return f"{root}media/{quote(name)}"
        return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))

    def _page_at(self, path: str) -> str | None:
        """The archive's file for the site's page at ``path``, if the archive holds it."""
        try:
            match = resolve(path)
        except Resolver404:
            return None
        kwargs = match.kwargs
        if match.view_name == "posts:list":
            return "index.html"
        if match.view_name == "posts:detail" and kwargs["slug"] in self.slugs:
            return f"posts/{kwargs['slug']}.html"
        if match.view_name == "posts:author" and kwargs["pk"] in self.author_ids:
            return f"authors/{kwargs['pk']}.html"
        if match.view_name == "posts:source" and kwargs["pk"] in self.source_ids:
            return f"sources/{kwargs['pk']}.html"
        return None


def _stored_names() -> dict[str, str]:
    """The stored names of every picture of the course (originals and renditions),
    by their last part (unique: each holds a random identifier)."""
    names = {}
    for file_name, renditions in Image.objects.values_list("file", "renditions"):
        for name in [file_name, *(rendition["name"] for rendition in renditions or [])]:
            names[name.rsplit("/", 1)[-1]] = name
    return names
