from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.dispatch import Signal
from django.utils import timezone
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from comments import tree
from comments.fragments import comment_fragment, fragment_parts
from coursblog.html import render_comment_html
from coursblog.text import PlainTextAreaField, PlainTextField
from course.models import SettingsRecord

# What a comment's stored fragment (fragment_html) is made from.
FRAGMENT_FIELDS = {"body", "body_html", "author_name", "author_url", "user", "by_member"}
# WordPress's column sizes, so imported comments always fit.
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200
BODY_MAX_LENGTH = 65525


class DiscussionSettings(SettingsRecord):
    """The course's discussion rules, as WordPress's Settings > Discussion: one record."""

    class WhoCanComment(models.TextChoices):
        ANYONE = "anyone", "Anyone (guests give their name and email)"
        MEMBERS = "members", "Only logged-in course members"

    class Order(models.TextChoices):
        OLDEST = "oldest", "Oldest threads first"
        NEWEST = "newest", "Newest threads first"

    who_can_comment = models.CharField(
        max_length=10, choices=WhoCanComment.choices, default=WhoCanComment.ANYONE
    )
    thread_depth = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="How many levels replies nest (2 to 10). The deepest level has no Reply link.",
    )
    close_after_days_enabled = models.BooleanField("close comments on old posts", default=False)
    close_after_days = models.PositiveSmallIntegerField(
        "days until comments close",
        default=14,
        validators=[MinValueValidator(1)],
        help_text="Counted from publication. A post whose comments are closed stays closed.",
    )
    hold_all = models.BooleanField("every comment must be approved by an instructor", default=False)
    hold_link_count = models.PositiveSmallIntegerField(
        "hold a comment with this many links or more",
        default=2,
        help_text="Web addresses in the text count. 0 turns this rule off.",
    )
    moderation_words = PlainTextAreaField(
        blank=True,
        help_text="Hold a comment whose name, email, website, text, IP address or browser "
        "contains any of these, one per line (case-insensitive; “press” matches “WordPress”).",
    )
    require_previous_approval = models.BooleanField(
        "a guest must have a previously approved comment",
        default=True,
        help_text="Otherwise the guest's comment waits for an instructor.",
    )
    disallowed_words = PlainTextAreaField(
        blank=True,
        help_text="Send a comment containing any of these (matched as above) to the trash.",
    )
    paginate = models.BooleanField("break comments into pages", default=True)
    threads_per_page = models.PositiveSmallIntegerField(
        "top-level threads per page", default=50, validators=[MinValueValidator(1)]
    )
    order = models.CharField(max_length=10, choices=Order.choices, default=Order.OLDEST)
    default_page = models.CharField(
        "page shown first",
        max_length=10,
        choices=[
            ("newest", "The page with the newest threads"),
            ("oldest", "The page with the oldest threads"),
        ],
        default="newest",
        help_text="As WordPress, readers land on the newest threads by default.",
    )
    edit_window_minutes = models.PositiveSmallIntegerField(
        "minutes a commenter may edit or delete their comment", default=10
    )
    notify_post_author = models.BooleanField(
        "email a post's author about each new approved comment", default=True
    )
    notify_instructors = models.BooleanField(
        "email the instructors about each comment held for moderation", default=True
    )
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up with every save; cached discussions are keyed on it.",
    )

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self) -> str:
        return "Discussion settings"

    def before_save(self, using: str, save_kwargs: dict) -> None:
        """Every save raises ``version``, whatever changed (cached discussions use it)."""
        stored = type(self).objects.using(using).filter(pk=1).values_list("version", flat=True)
        self.version = (stored.first() or 0) + 1
        if save_kwargs.get("update_fields") is not None:
            save_kwargs["update_fields"] = {*save_kwargs["update_fields"], "version"}

    def default_page_number(self, page_count: int) -> int:
        """The page a post's bare address shows, out of ``page_count``."""
        newest_last = self.order == self.Order.OLDEST
        wants_newest = self.default_page == "newest"
        return page_count if newest_last == wants_newest else 1

    def page_of(self, tree_id: int, thread_tree_ids: list[int]) -> tuple[int, int]:
        """The page that holds the thread ``tree_id`` among a post's threads (their
        tree ids, ascending), and the default page."""
        if not self.paginate:
            return 1, 1
        page_count = max(1, -(-len(thread_tree_ids) // self.threads_per_page))
        if self.order == self.Order.NEWEST:
            before = sum(1 for other in thread_tree_ids if other > tree_id)
        else:
            before = sum(1 for other in thread_tree_ids if other < tree_id)
        return before // self.threads_per_page + 1, self.default_page_number(page_count)

    @property
    def deepest_level(self) -> int:
        """The mptt level of the deepest comments (levels count from 0)."""
        return self.thread_depth - 1


class ThreadRow(NamedTuple):
    """One comment as the thread renderer needs it (see CommentQuerySet.thread_rows)."""

    pk: int
    parent_id: int | None
    level: int
    status: str
    user_id: int | None
    author_name: str  # as the comment records it (a guest's; a member's then)
    member_name: str | None  # the member's display name now
    anonymous: bool
    created: datetime
    fragment_html: str
    avatar_small: str | None  # the member's picture, when they uploaded one
    avatar_large: str | None


def approved_filter() -> Q:
    """What readers see of a discussion: approved comments (also filters search/models.py's
    comment documents, which carry the comment's status)."""
    return Q(status=Comment.Status.APPROVED)


class CommentQuerySet(TreeQuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(approved_filter())

    def held(self) -> CommentQuerySet:
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def reported(self) -> CommentQuerySet:
        """Comments a member has reported (comments/reports.py) and nobody has dismissed."""
        return self.filter(Exists(Report.objects.filter(comment=OuterRef("pk"))))

    def with_author_approved_count(self) -> CommentQuerySet:
        """Annotate ``author_approved``: how many approved comments the author has (a
        member by account, a guest by email), in the same query (the admin's list)."""
        approved = (
            Comment.objects.approved()
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n")
        )
        by_member = approved.filter(user=OuterRef("user"))
        by_guest = approved.filter(by_member=False, author_email__iexact=OuterRef("author_email"))
        return self.annotate(
            author_approved=Case(
                When(user__isnull=False, then=Subquery(by_member)),
                default=Subquery(by_guest),
                output_field=IntegerField(),
            )
        )

    def status_counts(self) -> dict[str, int]:
        """{status: how many comments have it} and "all", in one query."""
        counts = {status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values}
        return self.order_by().aggregate(all=Count("pk"), **counts)

    def in_discussion(self, include: frozenset[int] = frozenset()) -> CommentQuerySet:
        """What a discussion may show: approved comments, the reader's own (``include``),
        and any comment with replies, which may stand in for a removed one."""
        wanted = Q(status=Comment.Status.APPROVED) | Q(rght__gt=F("lft") + 1)
        if include:
            wanted |= Q(pk__in=include)
        return self.filter(wanted)

    def thread_tree_ids(
        self, post, include: frozenset[int] = frozenset(), *, newest_first: bool = False
    ) -> list[int]:
        """The post's top-level threads in display order, as tree ids (one query)."""
        order = "-tree_id" if newest_first else "tree_id"
        threads = self.filter(post=post, parent__isnull=True).in_discussion(include)
        return list(threads.order_by(order).values_list("tree_id", flat=True))

    def thread_rows(
        self,
        post,
        include: frozenset[int] = frozenset(),
        *,
        tree_ids: list[int] | None = None,
        newest_first: bool = False,
    ) -> list[ThreadRow]:
        """A post's discussion (or the threads ``tree_ids``) in display order, one query."""
        values = self._thread_values(post, include, tree_ids, newest_first)
        return self._with_fragments([ThreadRow._make(row) for row in values])

    def iter_thread_rows(
        self,
        post,
        include: frozenset[int] = frozenset(),
        *,
        tree_ids: list[int] | None = None,
        newest_first: bool = False,
    ) -> Iterator[ThreadRow]:
        """thread_rows, read from the database a few hundred rows at a time."""
        values = self._thread_values(post, include, tree_ids, newest_first)
        for rows in _batched(map(ThreadRow._make, values.iterator(chunk_size=500)), 500):
            yield from self._with_fragments(rows)

    def _thread_values(self, post, include, tree_ids, newest_first):
        rows = self.filter(post=post).in_discussion(include)
        if tree_ids is not None:
            rows = rows.filter(tree_id__in=tree_ids)
        order = ("-tree_id" if newest_first else "tree_id", "lft")
        from_user = {name: f"user__{name}" for name in ("avatar_small", "avatar_large")}
        fields = [
            from_user.get(name, "user__display_name" if name == "member_name" else name)
            for name in ThreadRow._fields
        ]
        return rows.order_by(*order).values_list(*fields)

    def _with_fragments(self, rows: list[ThreadRow]) -> list[ThreadRow]:
        """Rows whose stored fragment is missing or of an older format get one made in
        memory (never written while serving a page: rebuild_comment_fragments and the
        migrations store them)."""
        missing = [row.pk for row in rows if fragment_parts(row.fragment_html) is None]
        if not missing:
            return rows
        made = {
            comment.pk: comment.fragment()
            for comment in Comment.objects.using(self.db).filter(pk__in=missing)
        }
        return [row._replace(fragment_html=made.get(row.pk, row.fragment_html)) for row in rows]

    def page_urls(self, comments: Iterable[Comment], rules: DiscussionSettings | None = None):
        """{comment pk: its address on the page that holds its thread}, for many comments
        in one query (Comment.get_absolute_url costs one for each)."""
        comments = list(comments)
        rules = rules or DiscussionSettings.load()
        post_ids = {comment.post_id for comment in comments}
        threads: dict[int, list[int]] = {post_id: [] for post_id in post_ids}
        if rules.paginate and comments:
            roots = (
                self.filter(post_id__in=post_ids, parent__isnull=True)
                .in_discussion()
                .order_by("tree_id")
                .values_list("post_id", "tree_id")
            )
            for post_id, tree_id in roots:
                threads[post_id].append(tree_id)
        urls = {}
        for comment in comments:
            page, default_page = rules.page_of(comment.tree_id, threads[comment.post_id])
            urls[comment.pk] = f"{page_url(comment.post, page, default_page)}#comment-{comment.pk}"
        return urls


# Sent once a held comment is approved, after the transaction commits (the emails
# in comments/notifications.py listen).
comment_published = Signal()


def page_url(post, page: int, default_page: int = 1) -> str:
    """The address of one page of a post's discussion (the bare address: the default page)."""
    url = post.get_absolute_url()
    return url if page == default_page else f"{url}?cpage={page}"


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class ParentGone(Exception):
    """The comment being replied to was deleted before the reply could be saved."""


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    def lock_thread(self, pk: int) -> Comment | None:
        """Lock the tree that comment ``pk`` is in and return the comment, read afresh.

        Returns None when the comment no longer exists. Call inside a transaction;
        the locks (the tree's, and the comment's row) are held until it ends, so
        nothing can move, delete or insert into that thread, or moderate that
        comment, meanwhile.
        """
        using = self.db
        while True:
            tree_id = self.using(using).filter(pk=pk).values_list("tree_id", flat=True).first()
            if tree_id is None:
                return None
            tree.lock_tree(tree_id, using)
            comment = self.using(using).select_for_update().filter(pk=pk).first()
            if comment is None or comment.tree_id == tree_id:
                return comment
            # A repair moved the comment to another tree before we got the lock: again.

    def rebuild_fragments(
        self, *, batch_size: int = 1000, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Make every comment's stored fragment again (after its format changed, say);
        return how many changed. ``progress(done, total)`` is called after each batch.
        Each batch is its own transaction and raises the discussion versions it touches."""
        total = self.count()
        done = changed = 0
        last_pk = 0
        while True:
            batch = list(self.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            stale = []
            for comment in batch:
                fragment = comment.fragment()
                if fragment != comment.fragment_html:
                    comment.fragment_html = fragment
                    stale.append(comment)
            if stale:
                with transaction.atomic(using=self.db):
                    self.bulk_update(stale, ["fragment_html"])
                    Post = self.model._meta.get_field("post").related_model
                    Post.objects.using(self.db).filter(
                        pk__in={comment.post_id for comment in stale}
                    ).discussion_changed()
            changed += len(stale)
            done += len(batch)
            last_pk = batch[-1].pk
            if progress is not None:
                progress(done, total)
        return changed

    def tree_nodes(self, **filters) -> list[tree.Node]:
        fields = ("pk", "parent_id", "post_id", "tree_id", "lft", "rght", "level")
        rows = self.filter(**filters).order_by().values_list(*fields)
        return [tree.Node(*row) for row in rows]

    def tree_problems(self) -> list[tree.Problem]:
        """Every inconsistency in the comment trees (empty when all is well)."""
        return tree.find_problems(self.tree_nodes())

    def rebuild_tree(self, tree_id: int) -> None:
        """Recompute one tree from its parent links (several roots: new trees for the
        others). The caller holds the tree's lock and, for new roots, the new-tree lock."""
        nodes = self.tree_nodes(tree_id=tree_id)
        highest_other = self.exclude(tree_id=tree_id).aggregate(Max("tree_id"))["tree_id__max"]
        taken = {highest_other} if highest_other else set()  # new trees go after every other
        self._apply_placements(nodes, tree.rebuild(nodes, taken_tree_ids=taken))

    def _apply_placements(self, nodes: list[tree.Node], placements) -> int:
        moved = []
        for node in nodes:
            place = placements[node.pk]
            current = (node.tree_id, node.lft, node.rght, node.level, node.parent_id)
            if current != (place.tree_id, place.lft, place.rght, place.level, place.parent_id):
                moved.append(
                    Comment(
                        pk=node.pk,
                        tree_id=place.tree_id,
                        lft=place.lft,
                        rght=place.rght,
                        level=place.level,
                        parent_id=place.parent_id,
                    )
                )
        self.bulk_update(moved, ["tree_id", "lft", "rght", "level", "parent"], batch_size=500)
        Post = self.model._meta.get_field("post").related_model
        Post.objects.filter(pk__in={node.post_id for node in nodes}).discussion_changed()
        return len(moved)

    def repair_trees(self) -> int:
        """Rebuild each broken tree from its parent links; return how many comments moved.

        Runs under the new-tree lock and the lock of every broken tree, so writers
        wait rather than interleave. Healthy trees are left untouched.
        """
        using = self.db
        with transaction.atomic(using=using):
            tree.lock_tree(tree.NEW_TREE_LOCK, using)
            for tree_id in sorted({problem.tree_id for problem in self.tree_problems()}):
                tree.lock_tree(tree_id, using)
            nodes = self.tree_nodes()  # read again, now that nobody else can write
            broken = {problem.tree_id for problem in tree.find_problems(nodes)}
            if not broken:
                return 0
            family = tree.families(nodes)
            damaged = {family[node.pk] for node in nodes if node.tree_id in broken}
            affected = [node for node in nodes if family[node.pk] in damaged]
            taken = {node.tree_id for node in nodes if family[node.pk] not in damaged}
            placements = tree.rebuild(affected, taken_tree_ids=taken)
            return self._apply_placements(affected, placements)


class Comment(MPTTModel):
    """A comment on a post: a node of the thread it starts or replies into.

    Every top-level comment is the root of its own tree. ``body`` keeps what the
    commenter typed; ``body_html`` is its sanitised rendering, made on every save so
    that pages never sanitise while serving.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Held for moderation"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The course member who wrote it; empty for a guest.",
    )
    by_member = models.BooleanField(
        default=False,
        editable=False,
        help_text="Written by a logged-in course member; stays so if the account is deleted.",
    )
    author_name = PlainTextField("name", max_length=NAME_MAX_LENGTH)
    author_email = models.EmailField("email", max_length=EMAIL_MAX_LENGTH, blank=True)
    author_url = models.URLField("website", max_length=URL_MAX_LENGTH, blank=True)
    body = PlainTextAreaField("comment", max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    fragment_html = models.TextField(
        editable=False,
        default="",
        help_text="This comment's own markup (author and text), made when it is saved.",
    )
    notify_replies = models.BooleanField(
        "email me replies", default=False, help_text="The commenter asked to hear of replies."
    )
    anonymous = models.BooleanField(
        "anonymous to classmates",
        default=False,
        help_text="Everyone but the instructors sees “Anonymous classmate”.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    previous_status = models.CharField(
        max_length=10, choices=Status.choices, blank=True, editable=False
    )
    held_reason = models.CharField(
        "why it was held",
        max_length=300,
        blank=True,
        editable=False,
        help_text="The discussion rule that held (or trashed) it when it was sent or edited.",
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentManager()

    class MPTTMeta:
        order_insertion_by: list[str] = []  # never: roots must append, see comments/tree.py

    class Meta:
        ordering = ["tree_id", "lft"]
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [
            models.Index(fields=["post", "tree_id", "lft"], name="comment_thread_idx"),
            models.Index(fields=["status", "created"], name="comment_status_idx"),
            models.Index(fields=["author_email", "status"], name="comment_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.post}"

    def get_absolute_url(self) -> str:
        """The comment on the page of the discussion that holds its thread."""
        return f"{page_url(self.post, *self.thread_page())}#comment-{self.pk}"

    def thread_page(self, rules: DiscussionSettings | None = None) -> tuple[int, int]:
        """The page of the discussion that holds this comment's thread, and the default
        page (one query)."""
        rules = rules or DiscussionSettings.load()
        if not rules.paginate:
            return 1, 1
        threads = Comment.objects.filter(post_id=self.post_id, parent__isnull=True).in_discussion()
        if rules.order == rules.Order.NEWEST:
            before = Count("pk", filter=Q(tree_id__gt=self.tree_id))
        else:
            before = Count("pk", filter=Q(tree_id__lt=self.tree_id))
        counts = threads.aggregate(before=before, total=Count("pk"))
        page_count = max(1, -(-counts["total"] // rules.threads_per_page))
        default_page = rules.default_page_number(page_count)
        return counts["before"] // rules.threads_per_page + 1, default_page

    def render_body(self) -> None:
        """Sanitise ``body`` into ``body_html`` (save does this; the policy reads it first)."""
        self.body_html = render_comment_html(self.body)

    def fragment(self) -> str:
        """This comment's own markup (see comments/fragments.py)."""
        return comment_fragment(
            author_name=self.author_name,
            author_url=self.author_url,
            by_guest=not (self.by_member or self.user_id is not None),
            body_html=self.body_html,
        )

    def render_fragment(self) -> None:
        self.fragment_html = self.fragment()

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def clean(self) -> None:
        if self.parent_id and self.post_id and self.parent.post_id != self.post_id:
            raise ValidationError({"parent": "A reply must be on the same post as its parent."})

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.render_body()
            if update_fields is not None:
                kwargs["update_fields"] = update_fields = {*update_fields, "body_html"}
        if update_fields is None or FRAGMENT_FIELDS & set(update_fields):
            self.render_fragment()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "fragment_html"}
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if not self._state.adding:
            with transaction.atomic(using=using):
                super().save(*args, **kwargs)
                self._discussion_changed(using)
            return
        self.by_member = self.by_member or self.user_id is not None
        if self.parent_id and self.parent.post_id != self.post_id:
            raise ValueError("A reply must be on the same post as its parent.")
        with transaction.atomic(using=using):
            if self.parent_id is None:
                tree.lock_tree(tree.NEW_TREE_LOCK, using)
            elif Comment.objects.db_manager(using).lock_thread(self.parent_id) is None:
                raise ParentGone(f"Comment {self.parent_id} was deleted.")
            # mptt re-reads the parent's position itself, now that we hold the lock.
            super().save(*args, **kwargs)
            self._discussion_changed(using)

    save.alters_data = True

    def _discussion_changed(self, using: str) -> None:
        Post = self._meta.get_field("post").related_model
        Post.objects.using(using).filter(pk=self.post_id).discussion_changed()

    def delete(self, *args, **kwargs):
        """Delete this comment for good; its replies move up to its parent.

        Replies to a top-level comment become top-level threads of their own. The
        tree is rebuilt from its parent links under the tree's lock (and the
        new-tree lock, for the new threads). A comment already gone is left alone.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        manager = Comment.objects.db_manager(using)
        with transaction.atomic(using=using):
            if self.parent_id is None:
                tree.lock_tree(tree.NEW_TREE_LOCK, using)
            current = manager.lock_thread(self.pk)
            if current is None:
                return 0, {}
            manager.filter(parent_id=current.pk).update(parent_id=current.parent_id)
            deleted = models.Model.delete(current, using=using)  # not mptt's: no subtree
            manager.rebuild_tree(current.tree_id)
            self._discussion_changed(using)
            return deleted

    delete.alters_data = True

    # Moderation actions. The admin and any moderation view call these.

    def approve(self, *, by=None) -> None:
        self.moderate(self.Status.APPROVED, by=by)

    def unapprove(self, *, by=None) -> None:
        """Back to the moderation queue (WordPress's Unapprove)."""
        self.moderate(self.Status.PENDING, by=by)

    def mark_spam(self, *, by=None) -> None:
        self.moderate(self.Status.SPAM, by=by)

    def trash(self, *, by=None) -> None:
        self.moderate(self.Status.TRASH, by=by)

    def restore(self, *, by=None) -> None:
        """Undo spam or trash: back to the status it had before, as WordPress does."""
        if self.status in (self.Status.SPAM, self.Status.TRASH):
            self.moderate(self.previous_status or self.Status.PENDING, by=by)

    def moderate(self, status: str, *, by=None) -> None:
        """Move to ``status``, recording who did it and when (and, for spam and trash,
        the status to restore)."""
        if status == self.status:
            return
        was_held = self.status == self.Status.PENDING
        if status in (self.Status.SPAM, self.Status.TRASH):
            if self.status not in (self.Status.SPAM, self.Status.TRASH):
                self.previous_status = self.status
        else:
            self.previous_status = ""
        self.status = status
        self.moderated_by = by if by is not None and by.is_authenticated else None
        self.moderated_at = timezone.now()
        self.save(update_fields=["status", "previous_status", "moderated_by", "moderated_at"])
        if was_held and status == self.Status.APPROVED:
            transaction.on_commit(
                lambda: comment_published.send(Comment, comment=self), robust=True
            )


class Report(models.Model):
    """A member's report of an approved comment to the instructors (comments/reports.py
    holds the rules). The comment stays up; the instructors decide on the desk."""

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", "Off-topic"
        DISRESPECTFUL = "disrespectful", "Disrespectful"
        SPAM = "spam", "Spam"
        OTHER = "other", "Other (please say what)"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = PlainTextAreaField(
        blank=True, max_length=1000, help_text="Required when the reason is “Other”."
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_member_per_comment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on comment {self.comment_id}"

    def clean(self) -> None:
        if self.reason == self.Reason.OTHER and not self.note.strip():
            raise ValidationError({"note": "Please say what is wrong with this comment."})
