"""Adding whole discussions at once, for imports: a post's threads in a few queries.

Saving comments one by one costs a tree lock, a read of the parent and a shift of
the tree for each. An import knows every new thread in full, so it places them
all first, from their parent links alone (comments.tree.rebuild, which the tree
repair uses too), and inserts them with their final tree_id/lft/rght/level: one
INSERT per level of the threads, under the new-tree lock, then one version bump
for the post. The trees are sound afterwards exactly as after ordinary saves
(Comment.objects.tree_problems() stays empty).

Only new top-level threads go this way. A reply to a comment already in the
database joins its tree through Comment.save, like any reply.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Hashable

from django.db import router, transaction
from django.db.models import Max

from comments import tree
from comments.models import Comment


@dataclasses.dataclass
class NewComment:
    """An unsaved comment and its place: ``key`` names it in the import (a WordPress
    id, say) and ``parent_key`` names its parent among the same new comments, or
    None for a top-level comment. ``comment.body_html`` must already be rendered."""

    key: Hashable
    parent_key: Hashable | None
    comment: Comment


def insert_threads(post, new: list[NewComment]) -> dict[Hashable, Comment]:
    """Insert ``new`` comments on ``post`` as complete threads; return them by key.

    A ``parent_key`` that names no comment in ``new`` makes a top-level comment
    (say so to your user first). Siblings are ordered by ``created`` (then as given), as
    replies are shown in posting order; a parent cycle is cut where
    comments.tree.rebuild cuts it. Runs in its own transaction.
    """
    if not new:
        return {}
    keys = {entry.key for entry in new}
    position = {id(entry): index for index, entry in enumerate(new)}
    order = sorted(new, key=lambda entry: (entry.comment.created, position[id(entry)]))
    # Stand-in pks in posting order: rebuild orders siblings by pk.
    number = {entry.key: index for index, entry in enumerate(order, start=1)}
    parent_number = {
        entry.key: number[entry.parent_key] if entry.parent_key in keys else None for entry in order
    }
    using = router.db_for_write(Comment)
    with transaction.atomic(using=using):
        tree.lock_tree(tree.NEW_TREE_LOCK, using)
        highest = Comment.objects.using(using).aggregate(Max("tree_id"))["tree_id__max"] or 0
        nodes = [
            tree.Node(number[e.key], parent_number[e.key], post.pk, highest, 0, 0, 0) for e in order
        ]
        placements = tree.rebuild(nodes, taken_tree_ids={highest})
        by_level: dict[int, list[NewComment]] = defaultdict(list)
        for entry in order:
            place = placements[number[entry.key]]
            comment = entry.comment
            comment.post = post
            comment.tree_id, comment.lft, comment.rght = place.tree_id, place.lft, place.rght
            comment.level = place.level
            comment.by_member = comment.by_member or comment.user_id is not None
            comment.render_fragment()
            by_level[place.level].append(entry)
        saved: dict[Hashable, Comment] = {}
        key_of_number = {value: key for key, value in number.items()}
        for level in sorted(by_level):
            entries = by_level[level]
            for entry in entries:
                parent = placements[number[entry.key]].parent_id
                entry.comment.parent = saved[key_of_number[parent]] if parent else None
            # Parents are inserted a level before their replies, so their pks exist;
            # siblings go in one statement, in posting order, so pks keep that order.
            Comment.objects.using(using).bulk_create(
                [entry.comment for entry in entries], batch_size=500
            )
            saved.update((entry.key, entry.comment) for entry in entries)
        type(post).objects.using(using).filter(pk=post.pk).discussion_changed()
    return saved
