from __future__ import annotations

import hashlib
import itertools
import json
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager

from accounts import people
from accounts.roles import is_instructor
from coursblog.html import SanitizedHTMLField, plain_text
from coursblog.text import PlainTextAreaField, PlainTextField
from course import visibility
from course.models import Audience, CourseSettings, SiteVersion
from images import publication
from images.models import ImageUse
from posts import mla


class PageState(NamedTuple):
    """What the post page's cache key needs of a post (see PostQuerySet.page_state)."""

    pk: int
    discussion_version: int
    updated_at: datetime
    is_public: bool  # published, and readable by anyone (course/visibility.py)
    site_version: int


def _as_datetime(value) -> datetime | None:
    """A datetime read by raw SQL: SQLite gives naive UTC (or text), PostgreSQL aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def visible_filter(user, *, prefix: str = "") -> Q:
    """The rule of PostQuerySet.visible_to as a filter: on posts, or with ``prefix`` on
    rows that point at one ("post__") or carry copies of its columns under prefixed
    names ("post_", the search documents: search/models.py)."""
    readable = visibility.readable_filter(user, prefix=prefix)
    if readable is None:
        return Q()
    visible = _published(prefix) & readable
    if user.is_authenticated:
        visible |= Q(**{f"{prefix}author": user})
    return visible


def listed_filter(user, *, prefix: str = "") -> Q:
    """The rule of PostQuerySet.listed_for as a filter (``prefix`` as visible_filter's)."""
    return visible_filter(user, prefix=prefix) & _published(prefix)


def _published(prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}status": Post.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()}
    )


class PostQuerySet(models.QuerySet):
    def published(self) -> PostQuerySet:
        return self.filter(_published())

    def visible_to(self, user) -> PostQuerySet:
        """What ``user`` may read (course/visibility.py): published posts whose audience
        their role reaches, their own posts (drafts too), and everything for instructors."""
        return self.filter(visible_filter(user))

    def listed_for(self, user) -> PostQuerySet:
        """What listings show ``user``: published posts they may read, newest first
        (their own drafts are in "Your posts", not on the home page)."""
        return self.filter(listed_filter(user)).order_by("-published_at", "-pk")

    def months(self) -> list[tuple[date, int]]:
        """(first day of the month, number of posts) for each month these posts were
        published in, newest first, months in the site's time zone."""
        rows = (
            self.exclude(published_at=None)
            .annotate(month=TruncMonth("published_at", output_field=models.DateField()))
            .order_by()
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )
        return [(row["month"], row["count"]) for row in rows]

    def published_in(self, year: int, month: int) -> PostQuerySet:
        """Posts published in that month (the site's time zone)."""
        return self.filter(published_at__year=year, published_at__month=month)

    def with_neighbours(self, user) -> PostQuerySet:
        """Annotate the slug and title of the post published just before
        (``previous_slug``, ``previous_title``) and just after (``next_*``) each post,
        among those listed for ``user``: in the same query, so the post page costs
        none more. A post never published has neither."""
        listed = Post.objects.listed_for(user)
        at, pk = OuterRef("published_at"), OuterRef("pk")
        older = listed.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        newer = listed.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
        newer = newer.order_by("published_at", "pk")  # listed_for is newest first
        return self.annotate(
            **{
                f"{name}_{field}": Subquery(neighbours.values(field)[:1])
                for name, neighbours in (("previous", older), ("next", newer))
                for field in ("slug", "title")
            }
        )

    def signed_for(self, user) -> PostQuerySet:
        """Posts whose author ``user`` may know: all but those anonymous to classmates,
        unless ``user`` is an instructor or wrote them (accounts/people.py)."""
        if people.sees_identities(user):
            return self
        signed = Q(anonymous=False)
        if user.is_authenticated:
            signed |= Q(author=user)
        return self.filter(signed)

    def public(self) -> PostQuerySet:
        """Published posts anyone may read: for feeds, sitemaps, the public archive."""
        return self.published().filter(visibility.public_filter())

    def editable_by(self, user) -> PostQuerySet:
        if is_instructor(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(author=user)
        return self.none()

    def awaiting_review(self) -> PostQuerySet:
        return self.filter(status=Post.Status.PENDING).order_by("submitted_at")

    def page_state(self, slug: str) -> PageState | None:
        """The post's id, versions and visibility, by slug, in one plain query.

        The anonymous post page asks this on every request before it answers from
        memory, so it is SQL written once rather than an ORM query compiled each time.
        """
        quote = connections[self.db].ops.quote_name
        table, versions = quote(Post._meta.db_table), quote(SiteVersion._meta.db_table)
        course = quote(CourseSettings._meta.db_table)
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT id, discussion_version, updated_at, status, published_at, "  # noqa: S608
                f"visibility, (SELECT value FROM {versions} WHERE id = 1), "
                f"(SELECT visibility FROM {course} WHERE id = 1) FROM {table} WHERE slug = %s",
                [slug],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        pk, version, updated_at, status, published_at, audience, site_version, course = row
        updated_at, published_at = _as_datetime(updated_at), _as_datetime(published_at)
        public = (
            status == Post.Status.PUBLISHED
            and published_at is not None
            and published_at <= timezone.now()
            and audience == visibility.POST_FOLLOWS_COURSE
            and course in (Audience.PUBLIC, None)  # no record yet: the default, public
        )
        return PageState(pk, version, updated_at, public, site_version or 0)

    def with_page_state(self) -> PostQuerySet:
        """Annotate ``site_version`` (course.models.SiteVersion) and the course's
        ``course_audience`` in the same query, so a page, its cache key and its
        privacy agree on them."""
        return self.annotate(
            site_version=Subquery(SiteVersion.objects.filter(pk=1).values("value")),
            course_audience=Subquery(CourseSettings.objects.filter(pk=1).values("visibility")),
        )

    def discussion_changed(self) -> int:
        """Mark these posts' discussions as changed, so no cached copy is served again.

        Call it in the transaction that changes a comment: readers see the new
        version exactly when they can see the change."""
        return self.update(discussion_version=F("discussion_version") + 1)

    def with_comment_counts(self) -> PostQuerySet:
        """Annotate ``approved_comment_count`` (what the public sees).

        A subquery per post, not a join and GROUP BY over every post column: with
        thousands of comments the grouped join sorts megabytes of post bodies."""
        Comment = Post._meta.get_field("comments").related_model
        approved = (
            Comment.objects.filter(post=OuterRef("pk"), status=Comment.Status.APPROVED)
            .order_by()
            .values("post")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(approved_comment_count=Coalesce(Subquery(approved), 0))


# Saving any of these can change which pictures the post shows, or who may see them.
IMAGE_FIELDS = {"body", "featured_image", "status", "published_at", "visibility"}
# What other posts' pages show of a published post (their previous/next links).
LISTED_FIELDS = ("status", "published_at", "visibility", "title", "slug")


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Submitted for review"
        PUBLISHED = "published", "Published"

    title = PlainTextField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="Made from the title, which it follows until the post is first published.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = SanitizedHTMLField(blank=True)
    excerpt = PlainTextAreaField(
        blank=True, help_text="Shown on the home page. Made from the body when left empty."
    )
    featured_image = models.ForeignKey(
        "images.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    featured_image_alt = PlainTextField(
        "alt text", max_length=300, blank=True, help_text="Describe the image for screen readers."
    )
    featured_image_caption = PlainTextField("caption", max_length=300, blank=True)
    featured_image_credit = PlainTextField("credit", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the post is first published."
    )
    comments_open = models.BooleanField(default=True)
    visibility = models.CharField(
        "who can read it",
        max_length=10,
        choices=[
            ("course", "Everyone who can read the course blog"),
            (Audience.CLASS, "Class only: the course's students and instructors"),
        ],
        default="course",
        help_text="A post is never wider than the course: on a class-only course every "
        "post is class only.",
    )
    anonymous = models.BooleanField(
        "anonymous to classmates",
        default=False,
        help_text="Everyone but the instructors sees “Anonymous classmate” as its author "
        "(when the course allows it).",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_note = PlainTextAreaField(
        blank=True, help_text="The instructor's note when a post is sent back to its author."
    )
    autosave = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Unsaved edits of a published post (title, body, excerpt, saved_at).",
    )
    sources = models.ManyToManyField("Source", through="Citation", related_name="posts")
    topics = models.ManyToManyField("topics.Topic", blank=True, related_name="posts")
    tags = TaggableManager(blank=True, help_text="Comma-separated: “Cold War, China”.")
    discussion_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up with every change to the discussion; part of its cache key.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["status", "-published_at"], name="post_published_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # A draft's address follows its title until it is first published, then stays.
        if not self.slug or (self.published_at is None and self.title):
            self.slug = self._unique_slug()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        update_fields = kwargs.get("update_fields")
        listed_as = self._listed_state()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if listed_as != getattr(self, "_listed_as", None):
                # Other posts' cached pages link to it (previous/next): publishing,
                # unpublishing, narrowing or renaming it must reach them at once.
                SiteVersion.raise_version(kwargs.get("using"))
            self._listed_as = listed_as
            if update_fields is None or IMAGE_FIELDS & set(update_fields):
                # who may fetch its pictures follows who may read it (images/publication.py)
                publication.sync_after_commit(ImageUse.objects.record(self))

    save.alters_data = True

    def get_absolute_url(self) -> str:
        return reverse("posts:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        shown = list(self.image_uses.values_list("image_id", flat=True))
        with transaction.atomic():
            if self.status == self.Status.PUBLISHED:
                SiteVersion.raise_version(kwargs.get("using"))  # other pages may link to it
            deleted = super().delete(*args, **kwargs)
            publication.sync_after_commit(shown)
        return deleted

    delete.alters_data = True

    @classmethod
    def from_db(cls, db, field_names, values):
        post = super().from_db(db, field_names, values)
        post._listed_as = post._listed_state()
        return post

    def _listed_state(self) -> tuple | None:
        """What other posts' pages show of this one; None while it is not published.

        Read from the loaded values only: a deferred field is not fetched for it."""
        loaded = self.__dict__
        if loaded.get("status") != self.Status.PUBLISHED:
            return None
        return tuple(loaded.get(name) for name in LISTED_FIELDS)

    def can_be_edited_by(self, user) -> bool:
        """Its author and the instructors edit a post; nobody else."""
        return user.is_authenticated and (user.pk == self.author_id or is_instructor(user))

    def clean(self) -> None:
        if self.featured_image_id and not self.featured_image_alt.strip():
            raise ValidationError(
                {"featured_image_alt": "Describe the image: alt text is required with an image."}
            )

    def _unique_slug(self) -> str:
        base = slugify(self.title)[:180] or "post"
        taken = Post.objects.exclude(pk=self.pk)
        for candidate in itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2))):
            if not taken.filter(slug=candidate).exists():
                return candidate
        raise AssertionError("unreachable")

    def works_cited(self) -> list[Citation]:
        """The post's citations in MLA order (mla.sort_key), whatever order they were typed."""
        citations = self.citations.select_related("source")
        return sorted(citations, key=lambda c: (mla.sort_key(c.source), c.position, c.pk))

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def autosaved_at(self) -> datetime | None:
        return datetime.fromisoformat(self.autosave["saved_at"]) if self.autosave else None

    @property
    def summary(self) -> str:
        """The excerpt, or the body's first 55 words as WordPress does."""
        return self.excerpt.strip() or Truncator(plain_text(self.body)).words(55, truncate=" …")

    @property
    def featured_image_caption_line(self) -> str:
        """Caption with its credit, "Mao Zedong and Stalin (BBC News)"."""
        caption, credit = self.featured_image_caption.strip(), self.featured_image_credit.strip()
        if caption and credit:
            return f"{caption} ({credit})"
        return caption or credit


def _normalised_lines(text: str) -> list[str]:
    """Lines of typed text without line-ending, spacing or composed-accent differences."""
    text = unicodedata.normalize("NFC", text or "")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def tidy_lines(text: str) -> str:
    """One name per line, as stored: no blank or padded lines, no "\\r"."""
    return "\n".join(_normalised_lines(text))


def source_match_key(title: str, authors: str, year: str) -> str:
    """What makes two typed sources the same work: title, authors and year, whatever
    their case, spacing, line endings or trailing punctuation."""
    parts = [
        [line.casefold().rstrip(".,;:!? ") for line in _normalised_lines(text)]
        for text in (title, authors, year)
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def title_problem(kind: str, title: str, authors: str) -> str:
    """Every source needs a title, but an interview may go by the person interviewed."""
    if (title or "").strip():
        return ""
    if kind == mla.Kind.INTERVIEW:
        return (
            ""
            if (authors or "").strip()
            else "Give the interview a title or the person interviewed."
        )
    return "Give the source a title."


class SourceQuerySet(models.QuerySet):
    def matching(self, *, title: str, authors: str, year: str) -> SourceQuerySet:
        return self.filter(match_key=source_match_key(title, authors, year))

    def find_or_create(self, fields: dict) -> tuple[Source, bool]:
        """The course's source with these title, authors and year, or a new one."""
        match = self.matching(
            title=fields.get("title") or "",
            authors=fields.get("authors") or "",
            year=fields.get("year") or "",
        ).order_by("pk")
        if (source := match.first()) is not None:
            return source, False
        return self.create(**fields), True


class Source(models.Model):
    """A work cited by one or more posts (the course textbook is cited by many)."""

    Kind = mla.Kind

    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.BOOK,
        help_text="Decides which details the Works Cited entry has, and how MLA writes it.",
    )
    authors = PlainTextAreaField(
        blank=True,
        help_text="One author per line, last name first: “Steinberg, Mark D.”. "
        "Add “, editor” after an editor's name.",
    )
    title = PlainTextField(max_length=500, blank=True)
    container = PlainTextField(
        max_length=500,
        blank=True,
        help_text="The larger work: book, journal, newspaper, website, streaming service.",
    )
    contributors = PlainTextAreaField(
        "other contributors",
        blank=True,
        help_text="The book's editors, a film's directors or an interviewer: "
        "one per line, last name first.",
    )
    edition = PlainTextField(max_length=100, blank=True, help_text="For example “3rd ed.”")
    volume = PlainTextField(max_length=40, blank=True)
    issue = PlainTextField(max_length=40, blank=True)
    publisher = PlainTextField(max_length=300, blank=True)
    year = PlainTextField(max_length=40, blank=True, help_text="Year or full date.")
    url = models.URLField("URL", max_length=1000, blank=True)
    pages = PlainTextField(max_length=100, blank=True, help_text="For example “92-96”.")
    accessed = models.DateField("access date", null=True, blank=True)
    match_key = models.CharField(
        max_length=64,
        db_index=True,
        editable=False,
        default="",
        help_text="Title, authors and year normalised: how a source typed again is found.",
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["authors", "title"]

    def __str__(self) -> str:
        first_author = self.authors.strip().splitlines()[0] if self.authors.strip() else ""
        return f"{first_author}: {self.title}" if first_author else self.title

    def save(self, *args, **kwargs) -> None:
        self.match_key = source_match_key(self.title, self.authors, self.year)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "match_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("posts:source", kwargs={"pk": self.pk})

    def clean(self) -> None:
        self.authors, self.contributors = tidy_lines(self.authors), tidy_lines(self.contributors)
        if problem := title_problem(self.kind, self.title, self.authors):
            raise ValidationError({"title": problem})

    def mla_html(self) -> SafeString:
        return mla.works_cited_entry(self)

    def has_details(self, fields: dict) -> bool:
        """Do ``fields`` (as a form sends them) describe this source exactly?

        Line endings, blank lines, padding and empty-versus-missing do not count as
        differences: a textarea sends CRLF line endings where we store LF."""
        if (fields.get("kind") or self.kind) != self.kind:
            return False
        # Fields its kind does not use are never shown, so they cannot have been changed.
        for name in (name for name in mla.FIELDS if mla.uses(self.kind, name)):
            mine, theirs = getattr(self, name), fields.get(name)
            if name == "accessed":
                if (mine or None) != (theirs or None):
                    return False
            elif _normalised_lines(mine or "") != _normalised_lines(theirs or ""):
                return False
        return True

    @transaction.atomic
    def absorb(self, duplicates: Iterable[Source]) -> MergeReport:
        """Merge ``duplicates`` into this source: their citations move here and they go.

        A post that cited this source and a duplicate keeps one citation, at the
        earlier of their positions. The posts' pages change, so their cached copies
        are dropped too."""
        duplicate_pks = {source.pk for source in duplicates} - {self.pk}
        citations = (
            Citation.objects.select_for_update()
            .filter(source_id__in={self.pk, *duplicate_pks})
            .order_by("post_id", "position", "pk")
        )
        moved = combined = 0
        for _, cited_by_post in itertools.groupby(citations, key=lambda c: c.post_id):
            group = list(cited_by_post)
            keeper = next((c for c in group if c.source_id == self.pk), group[0])
            position = min(c.position for c in group)
            extra = [c.pk for c in group if c is not keeper]
            if extra:
                Citation.objects.filter(pk__in=extra).delete()
                combined += len(extra)
            if keeper.source_id != self.pk or keeper.position != position:
                moved += keeper.source_id != self.pk
                Citation.objects.filter(pk=keeper.pk).update(source=self, position=position)
        posts = Post.objects.filter(citations__source=self).distinct()
        Post.objects.filter(pk__in=posts.values("pk")).update(updated_at=timezone.now())
        deleted = Source.objects.filter(pk__in=duplicate_pks).delete()[1].get("posts.Source", 0)
        return MergeReport(moved=moved, combined=combined, deleted=deleted)


class MergeReport(NamedTuple):
    moved: int  # citations that now point at the kept source
    combined: int  # citations dropped because their post already cited it
    deleted: int  # duplicate sources removed


class Citation(models.Model):
    """A source in a post's Works Cited, at its position."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "source"], name="citation_once_per_post")
        ]

    def __str__(self) -> str:
        return f"{self.post} cites {self.source}"
