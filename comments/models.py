from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from comments import tree
from coursblog.html import render_comment_html

# WordPress's column sizes, so imported comments always fit.
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200
BODY_MAX_LENGTH = 65525


class ThreadRow(NamedTuple):
    """One comment as the thread renderer needs it (see CommentQuerySet.thread_rows)."""

    pk: int
    parent_id: int | None
    level: int
    status: str
    user_id: int | None
    author_name: str
    author_url: str
    body_html: str
    created: object


class CommentQuerySet(TreeQuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.APPROVED)

    def held(self) -> CommentQuerySet:
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def thread_rows(self, post, include: frozenset[int] = frozenset()) -> list[ThreadRow]:
        """A post's discussion in display order (oldest thread first), in one query.

        Holds every approved comment, the comments whose pks are in ``include``
        (the reader's own held comments), and every comment with replies whatever
        its status, so that a removed comment can still hold its approved replies.
        """
        wanted = Q(status=Comment.Status.APPROVED) | Q(rght__gt=F("lft") + 1)
        if include:
            wanted |= Q(pk__in=include)
        rows = (
            self.filter(post=post)
            .filter(wanted)
            .order_by("tree_id", "lft")
            .values_list(*ThreadRow._fields)
        )
        return [ThreadRow._make(row) for row in rows]


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

    def tree_nodes(self) -> list[tree.Node]:
        fields = ("pk", "parent_id", "post_id", "tree_id", "lft", "rght", "level")
        return [tree.Node(*row) for row in self.order_by().values_list(*fields)]

    def tree_problems(self) -> list[tree.Problem]:
        """Every inconsistency in the comment trees (empty when all is well)."""
        return tree.find_problems(self.tree_nodes())

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
            moved = []
            for node in affected:
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
            return len(moved)


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
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def clean(self) -> None:
        if self.parent_id and self.post_id and self.parent.post_id != self.post_id:
            raise ValidationError({"parent": "A reply must be on the same post as its parent."})

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_comment_html(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        self.by_member = self.by_member or self.user_id is not None
        if self.parent_id and self.parent.post_id != self.post_id:
            raise ValueError("A reply must be on the same post as its parent.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            if self.parent_id is None:
                tree.lock_tree(tree.NEW_TREE_LOCK, using)
            elif Comment.objects.db_manager(using).lock_thread(self.parent_id) is None:
                raise ParentGone(f"Comment {self.parent_id} was deleted.")
            # mptt re-reads the parent's position itself, now that we hold the lock.
            super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        """Delete this comment and its replies, closing the gap in the tree under its lock.

        A comment already deleted (with an ancestor, say) is left alone.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            if Comment.objects.db_manager(using).lock_thread(self.pk) is None:
                return 0, {}
            return super().delete(*args, **kwargs)

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
        if status in (self.Status.SPAM, self.Status.TRASH):
            if self.status not in (self.Status.SPAM, self.Status.TRASH):
                self.previous_status = self.status
        else:
            self.previous_status = ""
        self.status = status
        self.moderated_by = by if by is not None and by.is_authenticated else None
        self.moderated_at = timezone.now()
        self.save(update_fields=["status", "previous_status", "moderated_by", "moderated_at"])
