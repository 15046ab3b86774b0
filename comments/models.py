from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from comments import tree
from coursblog.html import render_comment_html

# What a comment's stored fragment (fragment_html) shows.
FRAGMENT_FIELDS = {"body", "body_html", "author_name", "author_url", "user", "created"}
# WordPress's column sizes, so imported comments always fit.
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200
BODY_MAX_LENGTH = 65525


class DiscussionSettings(models.Model):
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
    moderation_words = models.TextField(
        blank=True,
        help_text="Hold a comment whose name, email, website, text, IP address or browser "
        "contains any of these, one per line (case-insensitive; “press” matches “WordPress”).",
    )
    require_previous_approval = models.BooleanField(
        "a guest must have a previously approved comment",
        default=True,
        help_text="Otherwise the guest's comment waits for an instructor.",
    )
    disallowed_words = models.TextField(
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

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self) -> str:
        return "Discussion settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        _recently_loaded.clear()

    @classmethod
    def load(cls) -> DiscussionSettings:
        """The settings record. Each process reuses what it read for a few seconds, so
        a change in the admin reaches every app server within SETTINGS_SECONDS."""
        loaded = _recently_loaded.get("record")
        if (
            loaded is not None
            and time.monotonic() - loaded[0] < settings.DISCUSSION_SETTINGS_SECONDS
        ):
            return copy.copy(loaded[1])
        settings_record, _ = cls.objects.get_or_create(pk=1)
        _recently_loaded["record"] = (time.monotonic(), settings_record)
        return copy.copy(settings_record)

    def default_page_number(self, page_count: int) -> int:
        """The page a post's bare address shows, out of ``page_count``."""
        newest_last = self.order == self.Order.OLDEST
        wants_newest = self.default_page == "newest"
        return page_count if newest_last == wants_newest else 1

    @property
    def deepest_level(self) -> int:
        """The mptt level of the deepest comments (levels count from 0)."""
        return self.thread_depth - 1


_recently_loaded: dict[str, tuple[float, DiscussionSettings]] = {}


class ThreadRow(NamedTuple):
    """One comment as the thread renderer needs it (see CommentQuerySet.thread_rows)."""

    pk: int
    parent_id: int | None
    level: int
    status: str
    user_id: int | None
    author_name: str
    fragment_html: str


class CommentQuerySet(TreeQuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.APPROVED)

    def held(self) -> CommentQuerySet:
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

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
        result = [ThreadRow._make(row) for row in values]
        if any(not row.fragment_html for row in result):
            result = self._with_fragments(result)
        return result

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
        for row in map(ThreadRow._make, values.iterator(chunk_size=500)):
            yield self._with_fragments([row])[0] if not row.fragment_html else row

    def _thread_values(self, post, include, tree_ids, newest_first):
        rows = self.filter(post=post).in_discussion(include)
        if tree_ids is not None:
            rows = rows.filter(tree_id__in=tree_ids)
        order = ("-tree_id" if newest_first else "tree_id", "lft")
        return rows.order_by(*order).values_list(*ThreadRow._fields)

    def _with_fragments(self, rows: list[ThreadRow]) -> list[ThreadRow]:
        """Make the fragments that are missing (comments saved before fragments existed)."""
        missing = Comment.objects.filter(pk__in=[r.pk for r in rows if not r.fragment_html])
        made = {}
        for comment in missing.select_related("post"):
            comment.render_fragment()
            Comment.objects.filter(pk=comment.pk).update(fragment_html=comment.fragment_html)
            made[comment.pk] = comment.fragment_html
        return [row._replace(fragment_html=made.get(row.pk, row.fragment_html)) for row in rows]


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
    author_name = models.CharField("name", max_length=NAME_MAX_LENGTH)
    author_email = models.EmailField("email", max_length=EMAIL_MAX_LENGTH, blank=True)
    author_url = models.URLField("website", max_length=URL_MAX_LENGTH, blank=True)
    body = models.TextField("comment", max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    fragment_html = models.TextField(
        editable=False,
        default="",
        help_text="This comment's markup in a thread, made when it is saved.",
    )
    notify_replies = models.BooleanField(
        "email me replies", default=False, help_text="The commenter asked to hear of replies."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    previous_status = models.CharField(
        max_length=10, choices=Status.choices, blank=True, editable=False
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
        from comments.thread import page_url, thread_page

        return f"{page_url(self.post, *thread_page(self))}#comment-{self.pk}"

    def render_body(self) -> None:
        """Sanitise ``body`` into ``body_html`` (save does this; the policy reads it first)."""
        self.body_html = render_comment_html(self.body)

    def render_fragment(self) -> None:
        from comments.thread import comment_fragment

        self.fragment_html = comment_fragment(self)

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
            from comments import notifications

            transaction.on_commit(lambda: notifications.comment_approved(self))
