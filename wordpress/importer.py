"""Bringing a WordPress blog in: a WXR file becomes members, topics, tags, posts,
threaded comments and images.

Two readings of the file, both streamed (wordpress.wxr):

1. ``scan`` reads it whole and imports nothing. A malformed or truncated file is
   refused here, with its line, before anything changes. It also gathers the
   little the second reading needs ahead: the authors, categories and tags, the
   attachments (so a post can use an image listed after it), and the blog's UTC
   offset (for dates without their ``_gmt`` twin).
2. ``Importer.run`` imports item after item, each in its own transaction, from any
   item on and for as long as it is given, so the admin can run it in steps.

Everything imported is remembered in ImportedItem (site + WordPress id → what it
became), so importing the same file again changes nothing and says so, and a file
from another site adds to the first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from allauth.core.context import request_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from accounts import roles
from accounts.models import User
from accounts.roster import send_invitation
from comments.importing import NewComment, insert_threads
from comments.models import BODY_MAX_LENGTH, NAME_MAX_LENGTH, URL_MAX_LENGTH, Comment
from coursblog.html import plain_text, render_comment_html
from coursblog.text import single_line
from course.models import Audience
from images.models import Image
from posts.models import Post
from topics.models import Topic
from wordpress import content, media, wxr
from wordpress.models import ImportedItem

Kind = ImportedItem.Kind
IMPORTED_TYPES = ("post", "page")
PINGS = ("pingback", "trackback")
# WordPress's default category; every uncategorised post has it, so it says nothing.
DEFAULT_CATEGORY = "uncategorized"
MAX_NOTES = 200


# What WordPress's statuses become here: one place each, so they can be changed.


def private_post_status() -> str:
    """What a WordPress ``private`` post becomes: published, but for the class only
    (course/visibility.py); never seen by the public. The report says so."""
    return Post.Status.PUBLISHED


POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # published_at in the future: shows from then on
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}


def comment_status(approved: str) -> str | None:
    """Our status for WordPress's ``comment_approved`` (None: unknown, held and reported)."""
    return COMMENT_STATUSES.get(approved.strip().lower())


# The report -----------------------------------------------------------------------

KINDS = ("people", "topics", "tags", "posts", "comments", "images")
OUTCOMES = ("created", "updated", "unchanged", "skipped")


@dataclasses.dataclass
class Report:
    """What an import did: counts per kind and outcome, the reasons for skips, and
    notes on what was changed on the way in. Kept as JSON by the admin's jobs."""

    counts: dict[str, dict[str, int]] = dataclasses.field(
        default_factory=lambda: {kind: dict.fromkeys(OUTCOMES, 0) for kind in KINDS}
    )
    reasons: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    more_notes: int = 0
    missing_images: list[str] = dataclasses.field(default_factory=list)
    dry_run: bool = False

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts[kind][outcome] += number

    def skip(self, kind: str, reason: str, number: int = 1) -> None:
        """``number`` things of ``kind`` not imported, for ``reason``."""
        self.count(kind, "skipped", number)
        self.reasons[reason] = self.reasons.get(reason, 0) + number

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)
        else:
            self.more_notes += 1

    def missing_image(self, url: str) -> None:
        if url not in self.missing_images:
            self.missing_images.append(url)

    @property
    def changed_nothing(self) -> bool:
        return not any(counts["created"] or counts["updated"] for counts in self.counts.values())

    def rows(self) -> list[tuple[str, int, int, int, int]]:
        """(kind, created, updated, unchanged, skipped) for each kind."""
        return [(kind, *(self.counts[kind][outcome] for outcome in OUTCOMES)) for kind in KINDS]

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> Report:
        return cls(**data) if data else cls()

    def summary(self) -> list[str]:
        """The report as lines of text (the command prints these)."""
        lines = ["Nothing changed: everything in the file was imported before."] * (
            self.changed_nothing and not self.dry_run
        )
        for kind, created, updated, unchanged, skipped in self.rows():
            if created or updated or unchanged or skipped:
                lines.append(
                    f"{kind.capitalize()}: {created} created, {updated} updated, "
                    f"{unchanged} unchanged, {skipped} skipped"
                )
        lines += [f"Skipped: {reason} ({number})" for reason, number in self.reasons.items()]
        lines += [f"Note: {note}" for note in self.notes]
        if self.more_notes:
            lines.append(f"… and {self.more_notes} more notes.")
        lines += [f"Image not found, address kept: {url}" for url in self.missing_images]
        return lines


# The first reading -----------------------------------------------------------------


@dataclasses.dataclass
class Scan:
    """What the first reading found; JSON-safe, so a job can keep it between steps."""

    site: str
    title: str
    wxr_version: str
    authors: list[dict]
    terms: list[dict]
    items: int = 0
    comments: int = 0
    item_types: dict[str, int] = dataclasses.field(default_factory=dict)
    attachments: dict[str, dict] = dataclasses.field(default_factory=dict)
    offset_seconds: int | None = None

    @property
    def offset(self) -> timedelta:
        """The blog's UTC offset, else the course's time zone's (for dates with no _gmt)."""
        if self.offset_seconds is not None:
            return timedelta(seconds=self.offset_seconds)
        return timezone.now().astimezone(timezone.get_default_timezone()).utcoffset()

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Scan:
        return cls(**data)


def scan(source: str | Path | IO[bytes]) -> Scan:
    """Read the whole file once, importing nothing. Raises wxr.WxrError if it is broken."""
    gaps: Counter = Counter()
    found: Scan | None = None
    creators: set[str] = set()
    types: Counter = Counter()
    for record in wxr.read(_source(source)):
        if isinstance(record, wxr.Channel):
            found = Scan(
                site=record.site,
                title=record.title,
                wxr_version=record.wxr_version,
                authors=[dataclasses.asdict(author) for author in record.authors],
                terms=[dataclasses.asdict(term) for term in record.terms],
            )
            continue
        item = record
        found.items += 1
        types[item.post_type or "post"] += 1
        found.comments += len(item.comments)
        creators.add(item.creator)
        if item.post_type == "attachment":
            found.attachments[item.post_id] = {
                "url": item.attachment_url or item.guid,
                "alt": item.meta.get("_wp_attachment_image_alt", ""),
                "title": item.title,
            }
        local, gmt = wxr.parse_date(item.date), wxr.parse_date(item.date_gmt)
        if local and gmt and item.post_type in IMPORTED_TYPES:
            gaps[int((local - gmt).total_seconds())] += 1
    known = {author["login"] for author in found.authors}
    # WXR 1.0 lists no authors: a post's creator login is all there is.
    found.authors += [
        dataclasses.asdict(wxr.Author(login=login)) for login in sorted(creators - known) if login
    ]
    offset = wxr.offset_of(gaps)
    found.offset_seconds = int(offset.total_seconds()) if offset is not None else None
    found.item_types = dict(types)
    return found


def _source(source):
    return str(source) if isinstance(source, Path) else source


# People, with their display names ---------------------------------------------------


def apply_display_name(user: User, author: wxr.Author) -> None:
    """Keep WordPress's names on a new member: its display name as theirs (made unique
    in the course), its first and last names as the real name."""
    user.first_name, user.last_name = author.first_name[:150], author.last_name[:150]
    wanted = author.display_name or " ".join([author.first_name, author.last_name]).strip()
    if wanted:
        user.display_name = User.objects.free_display_name(wanted, exclude_pk=user.pk)


def _valid_email(email: str) -> str:
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _free_username(login: str) -> str:
    allowed = "".join(c for c in login if c.isalnum() or c in "@.+-_")[:140] or "member"
    candidate, number = allowed, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{allowed}{number}"
    return candidate


# The second reading ----------------------------------------------------------------


@dataclasses.dataclass
class Options:
    media_dir: Path | None = None
    dry_run: bool = False
    as_author: User | None = None
    invite: bool = False
    request: HttpRequest | None = None  # for the invitations' links
    owner: User | None = None  # who uploads the images when a post's author is unknown


Progress = Callable[[int, int], None]  # (items read, comments read)


def digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


class Importer:
    """The second reading: see the module's docstring."""

    def __init__(self, found: Scan, options: Options, report: Report | None = None):
        self.scan = found
        self.site = found.site
        self.options = options
        self.report = report or Report(dry_run=options.dry_run)
        self.uploads = media.Uploads(options.media_dir, dry_run=options.dry_run)
        self.people: dict[str, int] = {}  # login → user id
        self.logins_by_id = {a["author_id"]: a["login"] for a in found.authors if a["author_id"]}
        self.topics: dict[str, int] = {}  # slug → topic id
        self.tags: dict[str, int] = {}  # slug → tag id
        self.images: dict[str, Image | None] = {}  # uploads path → image (None: missing)
        self.known: dict[str, dict[str, ImportedItem]] = {}

    # Running ------------------------------------------------------------------------

    def run(
        self,
        source: str | Path | IO[bytes],
        *,
        start: int = 0,
        seconds: float | None = None,
        progress: Progress | None = None,
    ) -> int | None:
        """Import the items from number ``start`` on (the channel's people, topics
        and tags first, when starting). Stop after ``seconds`` (at an item's end) and
        return the next item's number, or None once the file is done."""
        deadline = None if seconds is None else time.monotonic() + seconds
        number = 0
        comments_read = 0
        for record in wxr.read(_source(source)):
            if isinstance(record, wxr.Channel):
                self._channel(record, counted=start == 0)
                continue
            if number >= start:
                if deadline is not None and number > start and time.monotonic() > deadline:
                    return number  # at least one item a step, and never an empty last step
                with transaction.atomic():
                    self._item(record)
                comments_read += len(record.comments)
                if progress is not None:
                    progress(number + 1, comments_read)
            number += 1
        return None

    # The channel: people, topics, tags ---------------------------------------------------

    def _channel(self, channel: wxr.Channel, *, counted: bool) -> None:
        authors = [wxr.Author(**author) for author in self.scan.authors]
        with transaction.atomic():
            for author in authors:
                self._person(author, counted=counted)
            categories = [wxr.Term(**t) for t in self.scan.terms if t["taxonomy"] == "category"]
            for term in categories:
                self._topic(term, counted=counted)
            for term in categories:  # parents may come after their children
                self._topic_parent(term)
            for term in self.scan.terms:
                if term["taxonomy"] == "post_tag":
                    self._tag(wxr.Term(**term), counted=counted)

    def _known(self, kind: str) -> dict[str, ImportedItem]:
        """This site's items of ``kind`` imported before, by WordPress id (read once)."""
        if kind not in self.known:
            rows = ImportedItem.objects.of(self.site, kind).only("wp_id", "object_id", "digest")
            self.known[kind] = {row.wp_id: row for row in rows}
        return self.known[kind]

    def _remembered(self, kind: str, wp_id: str, model) -> tuple[ImportedItem | None, object]:
        item = self._known(kind).get(wp_id)
        found = model.objects.filter(pk=item.object_id).first() if item else None
        return item, found

    def _remember(self, kind: str, wp_id: str, target, **fields) -> None:
        item = self._known(kind).get(wp_id)
        if item is None:
            self.known[kind][wp_id] = ImportedItem.objects.create(
                site=self.site, kind=kind, wp_id=wp_id, object_id=target.pk, **fields
            )
        else:
            ImportedItem.objects.filter(pk=item.pk).update(object_id=target.pk, **fields)
            item.object_id = target.pk
            for name, value in fields.items():
                setattr(item, name, value)

    def _person(self, author: wxr.Author, *, counted: bool) -> None:
        if not author.login:
            return
        _, user = self._remembered(Kind.PERSON, author.login, User)
        outcome = "unchanged"
        if user is None:
            email = _valid_email(author.email)
            user = (email and User.objects.filter(email__iexact=email).first()) or (
                User.objects.filter(username__iexact=author.login).first()
            )
            if user is not None and counted:
                self.report.note(f"{author.login} is the member {user.get_username()} here.")
            elif user is None and self.options.as_author is not None:
                return  # their posts go to --as-author; nobody new is made for them
            elif user is None:
                user = User(username=_free_username(author.login), email=email.lower())
                apply_display_name(user, author)
                user.set_unusable_password()
                user.save()
                roles.make_student(user)
                outcome = "created"
                if self.options.invite and user.email and not self.options.dry_run:
                    # Once the new member is saved for good (never in a dry run).
                    transaction.on_commit(lambda user=user: self._invite(user))
            self._remember(Kind.PERSON, author.login, user)
        self.people[author.login] = user.pk
        if counted:
            self.report.count("people", outcome)

    def _topic(self, term: wxr.Term, *, counted: bool) -> int | None:
        if term.slug == DEFAULT_CATEGORY:
            if counted:
                self.report.skip("topics", "WordPress's default category, “Uncategorized”")
            return None
        _, topic = self._remembered(Kind.TOPIC, term.slug, Topic)
        outcome = "unchanged"
        if topic is None:
            slug = slugify(unquote(term.slug))[:190]
            topic = Topic.objects.filter(slug=slug).first() if slug else None
            if topic is None:
                topic = Topic(name=(term.name or term.slug)[:200], description=term.description)
                topic.slug = slug
                topic.save()
                outcome = "created"
            self._remember(Kind.TOPIC, term.slug, topic)
        self.topics[term.slug] = topic.pk
        if counted or outcome == "created":
            self.report.count("topics", outcome)
        return topic.pk

    def _topic_parent(self, term: wxr.Term) -> None:
        child, parent = self.topics.get(term.slug), self.topics.get(term.parent)
        if child and parent and child != parent:
            Topic.objects.filter(pk=child, parent__isnull=True).update(parent=parent)

    def _tag(self, term: wxr.Term, *, counted: bool) -> int:
        _, tag = self._remembered(Kind.TAG, term.slug, Tag)
        outcome = "unchanged"
        if tag is None:
            name = single_line(term.name or unquote(term.slug))[:100]
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag(name=name)
                slug = slugify(unquote(term.slug), allow_unicode=True)[:100]
                if slug and not Tag.objects.filter(slug=slug).exists():
                    tag.slug = slug
                tag.save()
                outcome = "created"
            self._remember(Kind.TAG, term.slug, tag)
        self.tags[term.slug] = tag.pk
        if counted or outcome == "created":
            self.report.count("tags", outcome)
        return tag.pk

    # Items ------------------------------------------------------------------------------

    def _item(self, item: wxr.Item) -> None:
        kind = item.post_type or "post"
        if kind == "attachment":
            url = item.attachment_url or item.guid
            if media.uploads_path(url) is None:
                self.report.skip("images", "attachments that are not images")
            self._image(url, owner_id=self.people.get(item.creator))
            return
        if kind not in IMPORTED_TYPES:
            self.report.skip("posts", f"not a post or page (WordPress “{kind}” items)")
            return
        if not item.post_id.isdigit():
            self.report.skip("posts", "no WordPress post id")
            self.report.note(f"The item on line {item.line} has no post id: not imported.")
            return
        status = POST_STATUSES.get(item.status)
        if item.status == "private":
            status = private_post_status()
        if status is None:
            reason = {"trash": "in WordPress's trash", "auto-draft": "empty automatic drafts"}
            self.report.skip("posts", reason.get(item.status, f"status “{item.status}”"))
            self.report.skip("comments", "on a post that was not imported", len(item.comments))
            return
        post = self._post(item, status)
        if post is not None:
            self._comments(item, post)
        else:
            self.report.skip("comments", "on a post that was not imported", len(item.comments))

    def _post(self, item: wxr.Item, status: str) -> Post | None:
        source = (
            item.title, item.content, item.excerpt, item.status, item.date, item.date_gmt,
            item.post_name, item.comment_status, item.password, item.creator,
            sorted((t.taxonomy, t.slug) for t in item.terms), item.meta.get("_thumbnail_id"),
            str(self.options.as_author and self.options.as_author.pk),
        )  # fmt: skip
        source_digest = digest(*source)
        remembered, post = self._remembered(Kind.POST, item.post_id, Post)
        if remembered is not None and post is None:
            self.report.skip("posts", "deleted here since they were imported")
            return None
        if post is not None and remembered.digest == source_digest:
            self.report.count("posts", "unchanged")
            return post
        outcome = "created" if post is None else "updated"
        post = post or Post()
        self._fill_post(post, item, status)
        post.save()
        # Terms the channel did not list (partial exports) are made as they come.
        topics = {
            self.topics.get(t.slug) or self._topic(t, counted=False)
            for t in item.terms
            if t.taxonomy == "category"
        }
        post.topics.set(topics - {None})
        tags = {
            self.tags.get(t.slug) or self._tag(t, counted=False)
            for t in item.terms
            if t.taxonomy == "post_tag"
        }
        post.tags.set(list(Tag.objects.filter(pk__in=tags)))
        self._remember(
            Kind.POST, item.post_id, post, digest=source_digest, old_path=_path_of(item.link)
        )
        self.report.count("posts", outcome)
        return post

    def _fill_post(self, post: Post, item: wxr.Item, status: str) -> None:
        label = f"“{item.title or item.post_name}” ({item.post_type} {item.post_id})"
        if item.password and status == Post.Status.PUBLISHED:
            status = Post.Status.DRAFT
            self.report.note(f"{label} had a password, so it is a draft here.")
        if item.status == "private":
            self.report.note(f"{label} was private, so it is for the class only here.")
        post.visibility = Audience.CLASS if item.status == "private" else "course"
        if item.post_type == "page":
            self.report.note(f"{label} was a page; this site has posts only.")
        moment = wxr.utc(item.date, item.date_gmt, self.scan.offset) or timezone.now()
        post.title = (item.title or "Untitled")[:200]
        post.author_id = self._author_id(item.creator)
        post.status = status
        post.published_at = moment if status == Post.Status.PUBLISHED else None
        post.submitted_at = moment if status == Post.Status.PENDING else None
        post.comments_open = item.comment_status != "closed"
        post.excerpt = plain_text(item.excerpt)
        removed: set[str] = set()
        owner_id = post.author_id
        post.body = self._with_images(content.post_html(item.content, removed), owner_id)
        if removed:
            self.report.note(f"{label}: shortcodes removed: {', '.join(sorted(removed))}.")
        slug = slugify(unquote(item.post_name))[:200] or slugify(item.title)[:200]
        if slug and Post.objects.filter(slug=slug).exclude(pk=post.pk).exists():
            self.report.note(f"{label}: the address “{slug}” is taken here, so it has another.")
            slug = ""
        post.slug = slug
        post.featured_image, post.featured_image_alt = self._featured(item, owner_id)

    def _author_id(self, login: str) -> int:
        if self.options.as_author is not None:
            return self.options.as_author.pk
        if login in self.people:
            return self.people[login]
        owner = self.options.owner or User.objects.filter(is_superuser=True).first()
        if owner is None:
            raise wxr.WxrError(f"The post's author “{login}” is not in the file: use --as-author.")
        return owner.pk

    def _featured(self, item: wxr.Item, owner_id: int) -> tuple[Image | None, str]:
        attachment = self.scan.attachments.get(item.meta.get("_thumbnail_id", ""))
        if attachment is None:
            return None, ""
        image = self._image(attachment["url"], owner_id=owner_id)
        if image is None:
            return None, ""
        alt = attachment["alt"] or attachment["title"] or item.title
        return image, alt[:300]

    # Images ---------------------------------------------------------------------------

    def _image(self, url: str, *, owner_id: int | None) -> Image | None:
        """The image an upload's address stands for, made the first time it is met.
        Each image file counts once, whether an attachment or a post names it first."""
        relative = media.uploads_path(url)
        if relative is None:
            return None
        original = media.original_of(relative)
        if original not in self.images:
            self.images[original] = self._find_image(url, relative, original, owner_id)
        return self.images[original]

    def _find_image(self, url: str, relative: str, original: str, owner_id) -> Image | None:
        _, image = self._remembered(Kind.IMAGE, original, Image)
        if image is not None:
            self.report.count("images", "unchanged")
            return image
        found = self.uploads.file_for(relative)
        if found is None:
            self.report.missing_image(url)
            why = "not in the media folder" if self.uploads.folder else "no --media-dir given"
            self.report.skip("images", why)
            return None
        if self.options.dry_run:
            self.report.count("images", "created")
            return None
        owner = User.objects.filter(pk=owner_id).first() if owner_id else self.options.owner
        try:
            image = self.uploads.create(found[1], owner=owner)
        except media.ImageRejected as rejected:
            self.report.skip("images", "refused by the image checks")
            self.report.note(f"{url}: {rejected}")
            self.report.missing_image(url)
            return None
        self._remember(Kind.IMAGE, original, image)
        self.report.count("images", "created")
        return image

    def _with_images(self, html: str, owner_id: int) -> str:
        def new_url(attribute: str, url: str) -> str | None:
            if media.uploads_path(url) is None:
                return None
            image = self._image(url, owner_id=owner_id)
            if image is None:
                return None
            return image.fallback_url if attribute == "src" else image.file.url

        return media.rewrite_urls(html, new_url)

    # Comments -------------------------------------------------------------------------

    def _comments(self, item: wxr.Item, post: Post) -> None:
        wanted = []
        for entry in item.comments:
            if entry.comment_type in PINGS:
                self.report.skip("comments", "pingbacks and trackbacks")
            elif entry.comment_type not in ("", "comment"):
                self.report.skip("comments", f"comments of type “{entry.comment_type}”")
            elif not entry.comment_id:
                self.report.skip("comments", "no comment id")
            else:
                wanted.append(entry)
        if not wanted:
            return
        known = ImportedItem.objects.object_ids(
            self.site, Kind.COMMENT, [c.comment_id for c in wanted]
        )
        existing = Comment.objects.in_bulk(set(known.values()))
        users = self._comment_users(wanted)
        new: dict[str, wxr.Comment] = {}
        for entry in wanted:
            if entry.comment_id not in known:
                new[entry.comment_id] = entry
            elif known[entry.comment_id] not in existing:
                self.report.skip("comments", "deleted here since they were imported")
            else:
                self.report.count("comments", "unchanged")
        in_database = {wp_id: existing[pk] for wp_id, pk in known.items() if pk in existing}
        self._add_comments(item, post, new, in_database, users)

    def _comment_users(self, comments: list[wxr.Comment]) -> dict[str, int]:
        """WordPress comment id → the member who wrote it, by their WordPress user id
        (through the file's authors) or else by email."""
        found = {}
        emails = {c.author_email.strip().lower() for c in comments if c.author_email.strip()}
        by_email = dict(
            User.objects.filter(email__in=emails).values_list("email", "pk") if emails else []
        )
        by_email = {email.lower(): pk for email, pk in by_email.items()}
        for entry in comments:
            login = self.logins_by_id.get(entry.user_id) if entry.user_id != "0" else None
            user = self.people.get(login) if login else None
            found[entry.comment_id] = user or by_email.get(entry.author_email.strip().lower())
        return found

    def _add_comments(self, item, post, new, in_database, users) -> None:
        label = f"“{item.title}” ({item.post_type} {item.post_id})"
        threads: list[NewComment] = []
        later: list[tuple[str, wxr.Comment, Comment]] = []  # replies into threads here
        for wp_id, entry in new.items():
            parent = entry.parent if entry.parent != "0" else None
            comment = self._comment(entry, post, users.get(wp_id), label)
            if parent is not None and parent not in new and parent not in in_database:
                self.report.note(
                    f"Comment {wp_id} on {label} replies to comment {parent}, which is not "
                    "in the file (or was skipped): it is a top-level comment here."
                )
                parent = None
            if _root_in_database(parent, new, in_database) is not None:
                later.append((wp_id, entry, comment))
            else:
                threads.append(NewComment(wp_id, parent, comment))
        made = insert_threads(post, threads)
        self.report.count("comments", "created", len(made))
        made.update(self._add_replies(later, in_database, new))
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(site=self.site, kind=Kind.COMMENT, wp_id=wp_id, object_id=c.pk)
                for wp_id, c in made.items()
            ],
            batch_size=500,
        )

    def _add_replies(self, later, in_database, new) -> dict[str, Comment]:
        """New replies into threads already here: through Comment.save, parents first."""
        made: dict[str, Comment] = {}
        waiting = sorted(later, key=lambda entry: _depth(entry[1].parent, new))
        for wp_id, entry, comment in waiting:
            parent = made.get(entry.parent) or in_database.get(entry.parent)
            comment.parent = parent
            body_html = comment.body_html
            comment.save()
            if comment.body_html != body_html:  # save renders without WordPress's paragraphs
                comment.body_html = body_html
                comment.save(update_fields=["body_html"])
            made[wp_id] = comment
            self.report.count("comments", "created")
        return made

    def _comment(self, entry: wxr.Comment, post: Post, user_id: int | None, label: str) -> Comment:
        status = comment_status(entry.approved)
        if status is None:
            status = Comment.Status.PENDING
            self.report.note(
                f"Comment {entry.comment_id} on {label} had the status “{entry.approved}”: "
                "it is held for moderation here."
            )
        previous = ""
        if status in (Comment.Status.TRASH, Comment.Status.SPAM):
            previous = comment_status(entry.meta.get("_wp_trash_meta_status", "")) or ""
        created = wxr.utc(entry.date, entry.date_gmt, self.scan.offset) or post.published_at
        body = entry.content[:BODY_MAX_LENGTH]
        url = entry.author_url.strip()
        return Comment(
            post=post,
            user_id=user_id,
            by_member=user_id is not None,
            author_name=(entry.author.strip() or "Anonymous")[:NAME_MAX_LENGTH],
            author_email=_valid_email(entry.author_email.strip())[:100],
            author_url=url
            if url.startswith(("http://", "https://")) and len(url) <= URL_MAX_LENGTH
            else "",
            body=body,
            body_html=render_comment_html(content.comment_html(body)),
            status=status,
            previous_status=previous,
            created=created or timezone.now(),
            ip_address=_ip(entry.author_ip),
        )

    # Invitations ----------------------------------------------------------------------

    def _invite(self, user: User) -> None:
        request = self.options.request or site_request()
        with request_context(request):  # allauth builds the link from "the" request
            try:
                send_invitation(user, request=request)
            except OSError as error:
                self.report.note(f"The invitation to {user.email} was not sent ({error}).")


def _root_in_database(parent: str | None, new: dict, in_database: dict) -> str | None:
    """The comment already in the database that a new comment's thread hangs from."""
    seen = set()
    while parent is not None and parent not in seen:
        if parent in in_database:
            return parent
        seen.add(parent)
        entry = new.get(parent)
        parent = entry.parent if entry is not None and entry.parent != "0" else None
    return None


def _depth(parent: str | None, new: dict) -> int:
    depth, seen = 0, set()
    while parent in new and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = new[parent].parent
    return depth


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip())) if value.strip() else None
    except ValueError:
        return None


def _path_of(link: str) -> str:
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return ""
    path = unquote(parts.path) or "/"
    if parts.query and path == "/":
        return ""  # a link like /?p=123 is found by its id
    return path[:500]


def site_request() -> HttpRequest:
    """A request for SITE_URL, for links in emails sent outside any request."""
    parts = urlsplit(settings.SITE_URL)
    request = HttpRequest()
    request.META["HTTP_HOST"] = parts.netloc
    request.META["SERVER_PORT"] = str(parts.port or (443 if parts.scheme == "https" else 80))
    if parts.scheme == "https":
        request.META["wsgi.url_scheme"] = "https"
        request._get_scheme = lambda: "https"  # type: ignore[method-assign]
    return request


def import_file(
    path: str | Path,
    options: Options,
    *,
    progress: Progress | None = None,
    found: Scan | None = None,
) -> Report:
    """Scan and import a whole file (the command's way). A dry run rolls back."""
    found = found or scan(path)
    importer = Importer(found, options)
    if not options.dry_run:
        importer.run(path, progress=progress)
        return importer.report
    try:
        with transaction.atomic():
            importer.run(path, progress=progress)
            raise _RollBack
    except _RollBack:
        pass
    return importer.report


class _RollBack(Exception):
    pass


__all__ = [
    "Importer", "Options", "Report", "Scan", "comment_status", "import_file",
    "private_post_status", "scan",
]  # fmt: skip
