"""Safe structural writes to the comment trees, and their verification and repair.

django-mptt keeps each thread as a nested set (tree_id, lft, rght, level). Inserting
a node reads the parent's ``rght`` and then shifts every later node, and a new root
takes ``max(tree_id) + 1``: two writers doing either at once corrupt the trees.
Every structural write therefore takes a lock first:

- PostgreSQL: a transaction-scoped advisory lock per tree (``tree_id``), and one
  for allocating a new tree (a new top-level comment).
- SQLite: the database runs transactions in IMMEDIATE mode (see settings), so the
  write lock is held from the start of the transaction; nothing more is needed.

The same mechanism gives each commenter a lock (lock_commenters), under which the
duplicate and flood rules are checked and the comment inserted.

Every top-level comment is its own tree and there is no ``order_insertion_by``,
so writes to different threads never touch each other's rows.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections import defaultdict
from collections.abc import Iterable

from django.db import connections

# Arbitrary constants that namespace our advisory locks ("CB" + "TR", "CB" + "CM").
ADVISORY_LOCK_NAMESPACE = 0x4342_5452
COMMENTER_LOCK_NAMESPACE = 0x4342_434D
NEW_TREE_LOCK = 0


def lock_tree(tree_id: int, using: str = "default") -> None:
    """Hold the lock of one tree (or NEW_TREE_LOCK) until the transaction ends.

    Must be called inside ``transaction.atomic``.
    """
    _advisory_lock(ADVISORY_LOCK_NAMESPACE, tree_id, using)


def lock_commenters(keys: Iterable[str], using: str = "default") -> None:
    """Hold the lock of each commenter (an account, an email, an address) until the
    transaction ends, so one person's simultaneous comments are judged one at a time.

    Take these before any tree lock (every writer does), so nobody deadlocks. Keys
    are hashed to 32 bits; a rare collision only makes two people wait for each other.
    """
    hashes = sorted({zlib.crc32(key.encode()) - 2**31 for key in keys})
    for key_hash in hashes:  # in one order, so two writers never wait for each other
        _advisory_lock(COMMENTER_LOCK_NAMESPACE, key_hash, using)


def _advisory_lock(namespace: int, key: int, using: str) -> None:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("Comment locks need a transaction (use transaction.atomic).")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])
    elif connection.vendor != "sqlite":
        raise NotImplementedError(f"No comment lock for {connection.vendor}.")


@dataclasses.dataclass(frozen=True)
class Node:
    pk: int
    parent_id: int | None
    post_id: int
    tree_id: int
    lft: int
    rght: int
    level: int


@dataclasses.dataclass(frozen=True)
class Problem:
    tree_id: int
    message: str

    def __str__(self) -> str:
        return f"tree {self.tree_id}: {self.message}"


def find_problems(nodes: Iterable[Node]) -> list[Problem]:
    """Everything wrong with the nested sets, judged against the parent links.

    A tree is sound when it has exactly one root at lft=1, its lft/rght values are
    exactly 1..2n, each node's interval nests inside its parent's (which is the
    innermost enclosing interval), levels count from the root, and all of its
    comments belong to one post.
    """
    by_tree: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        by_tree[node.tree_id].append(node)
    tree_of = {node.pk: tree_id for tree_id, members in by_tree.items() for node in members}

    problems: list[Problem] = []
    for tree_id, members in sorted(by_tree.items()):
        problems.extend(_tree_problems(tree_id, members, tree_of))
    return problems


def _tree_problems(tree_id: int, members: list[Node], tree_of: dict[int, int]) -> list[Problem]:
    problems = []

    def problem(message: str) -> None:
        problems.append(Problem(tree_id, message))

    roots = [node for node in members if node.parent_id is None]
    if len(roots) != 1:
        problem(f"{len(roots)} root comments (expected 1)")
    edges = sorted([n.lft for n in members] + [n.rght for n in members])
    if edges != list(range(1, 2 * len(members) + 1)):
        problem("lft/rght values are not exactly 1..2n")
    if len({n.post_id for n in members}) > 1:
        problem("comments of more than one post")

    stack: list[Node] = []
    for node in sorted(members, key=lambda n: n.lft):
        if node.lft >= node.rght:
            problem(f"comment {node.pk} has lft {node.lft} >= rght {node.rght}")
        while stack and stack[-1].rght < node.lft:
            stack.pop()
        enclosing = stack[-1] if stack else None
        if enclosing is not None and node.rght > enclosing.rght:
            problem(f"comment {node.pk} overlaps comment {enclosing.pk}")
        expected_parent = enclosing.pk if enclosing else None
        if node.parent_id != expected_parent:
            if node.parent_id is not None and tree_of.get(node.parent_id) != tree_id:
                problem(f"comment {node.pk}'s parent {node.parent_id} is in another tree")
            else:
                problem(f"comment {node.pk} sits under {expected_parent}, not its parent")
        expected_level = len(stack)
        if node.level != expected_level:
            problem(f"comment {node.pk} has level {node.level}, expected {expected_level}")
        stack.append(node)
    return problems


@dataclasses.dataclass(frozen=True)
class Placement:
    tree_id: int
    lft: int
    rght: int
    level: int
    parent_id: int | None


def families(nodes: Iterable[Node]) -> dict[int, int]:
    """The pk of the topmost ancestor of every node, following parent links only."""
    parent_of = {node.pk: node.parent_id for node in nodes}
    top: dict[int, int] = {}
    for pk in parent_of:
        chain, seen, current = [], set(), pk
        while current not in top:
            parent = parent_of.get(current)
            if parent is None or parent not in parent_of or current in seen:
                top[current] = current
                break
            seen.add(current)
            chain.append(current)
            current = parent
        for member in chain:
            top[member] = top[current]
    return top


def rebuild(nodes: Iterable[Node], taken_tree_ids: set[int]) -> dict[int, Placement]:
    """Where every node belongs, computed from the parent links alone.

    Each root keeps its tree_id unless that id is taken (by a tree outside
    ``nodes``, or by a root placed before it); then it gets an unused one. Children
    are ordered by pk, which is their posting order. A node caught in a parent
    cycle becomes a root.
    """
    nodes = sorted(nodes, key=lambda n: n.pk)
    by_pk = {node.pk: node for node in nodes}
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id if node.parent_id in by_pk else None].append(node.pk)

    placed: dict[int, Placement] = {}
    claimed = set(taken_tree_ids)
    next_tree_id = max([*claimed, *(node.tree_id for node in nodes), 0]) + 1

    def place(root_pk: int) -> None:
        nonlocal next_tree_id
        tree_id = by_pk[root_pk].tree_id
        if tree_id in claimed:
            tree_id, next_tree_id = next_tree_id, next_tree_id + 1
        claimed.add(tree_id)
        counter = 1
        lft_of: dict[int, int] = {}
        # Iterative depth-first walk: deep threads must not hit the recursion limit.
        stack: list[tuple[int, int | None, int, bool]] = [(root_pk, None, 0, False)]
        while stack:
            pk, parent_pk, level, done = stack.pop()
            if done:
                placed[pk] = Placement(tree_id, lft_of[pk], counter, level, parent_pk)
                counter += 1
                continue
            lft_of[pk] = counter
            counter += 1
            stack.append((pk, parent_pk, level, True))
            stack.extend((child, pk, level + 1, False) for child in reversed(children[pk]))

    for root_pk in list(children[None]):
        place(root_pk)
    for node in nodes:  # whatever is left hangs in a parent cycle: cut it at its lowest pk
        if node.pk not in placed:
            children[node.parent_id].remove(node.pk)
            place(node.pk)
    return placed
