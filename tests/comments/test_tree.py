"""Tree integrity: every write keeps the nested sets sound; damage is found and repaired."""

import pytest
from django.core.management import CommandError, call_command

from comments import tree
from comments.models import Comment
from tests.factories import make_comment, make_post, make_thread


def nested_sets(post):
    return list(
        Comment.objects.filter(post=post).values_list(
            "pk", "parent_id", "tree_id", "lft", "rght", "level"
        )
    )


def test_every_top_level_comment_starts_its_own_tree(post):
    first, second = make_comment(post), make_comment(post)
    other_post_comment = make_comment(make_post())
    tree_ids = {first.tree_id, second.tree_id, other_post_comment.tree_id}
    assert len(tree_ids) == 3
    assert (first.lft, first.rght, first.level) == (1, 2, 0)


def test_replies_nest_in_posting_order(post):
    root = make_comment(post)
    first = make_comment(post, parent=root)
    second = make_comment(post, parent=root)
    deep = make_comment(post, parent=first)
    ordered = list(Comment.objects.filter(post=post).values_list("pk", flat=True))
    assert ordered == [root.pk, first.pk, deep.pk, second.pk]
    assert Comment.objects.tree_problems() == []


def test_a_reply_must_stay_on_its_parents_post(post):
    parent = make_comment(make_post())
    with pytest.raises(ValueError, match="same post"):
        make_comment(post, parent=parent)


def test_mixed_writes_leave_every_tree_sound(post):
    comments = make_thread(post, [None, [None, [None, [None]]], [[None], None]])
    comments[3].delete()  # a subtree goes with its root
    make_comment(post, parent=comments[1])
    assert Comment.objects.tree_problems() == []


def node(pk, parent, tree_id, lft, rght, level, post=1):
    return tree.Node(pk, parent, post, tree_id, lft, rght, level)


def test_find_problems_accepts_a_sound_tree():
    nodes = [node(1, None, 1, 1, 6, 0), node(2, 1, 1, 2, 3, 1), node(3, 1, 1, 4, 5, 1)]
    assert tree.find_problems(nodes) == []


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        pytest.param(
            [node(1, None, 1, 1, 2, 0), node(2, None, 1, 1, 2, 0)],
            "2 root comments",
            id="two roots share a tree_id",
        ),
        pytest.param(
            [node(1, None, 1, 1, 4, 0), node(2, 1, 1, 2, 5, 1)],
            "not exactly 1..2n",
            id="interleaved shifts",
        ),
        pytest.param(
            [node(1, None, 1, 1, 4, 0), node(2, 1, 1, 2, 3, 2)],
            "has level 2, expected 1",
            id="wrong level",
        ),
        pytest.param(
            [node(1, None, 1, 1, 2, 0), node(2, None, 2, 1, 4, 0), node(3, 1, 2, 2, 3, 1)],
            "parent 1 is in another tree",
            id="reply in the wrong tree",
        ),
        pytest.param(
            [node(1, None, 1, 1, 4, 0, post=1), node(2, 1, 1, 2, 3, 1, post=2)],
            "more than one post",
            id="two posts in one tree",
        ),
    ],
)
def test_find_problems_reports_damage(nodes, expected):
    problems = tree.find_problems(nodes)
    assert any(expected in str(problem) for problem in problems), problems


def test_rebuild_walks_very_deep_threads_without_recursion():
    depth = 5000
    nodes = [node(pk, pk - 1 if pk > 1 else None, 1, 0, 0, 0) for pk in range(1, depth + 1)]
    placed = tree.rebuild(nodes, taken_tree_ids=set())
    assert placed[depth] == tree.Placement(1, depth, depth + 1, depth - 1, depth - 1)
    assert placed[1].rght == 2 * depth


def test_rebuild_breaks_a_parent_cycle():
    nodes = [node(1, 2, 7, 1, 4, 0), node(2, 1, 7, 2, 3, 1)]
    placed = tree.rebuild(nodes, taken_tree_ids=set())
    assert placed[1].parent_id is None
    assert placed[2].parent_id == 1


def corrupt(changes_by_pk: dict[int, dict]) -> None:
    """Damage the nested sets behind the model's back, as a racing writer would."""
    for pk, changes in changes_by_pk.items():
        Comment.objects.filter(pk=pk).update(**changes)


def test_repair_rebuilds_only_the_broken_trees(post):
    healthy = make_thread(post, [[None]])
    broken = make_thread(post, [[None, [None]]])
    healthy_before = nested_sets(post)[:2]
    root = broken[0]
    corrupt({broken[1].pk: {"lft": 3, "rght": 4}, broken[3].pk: {"level": 7}})
    assert Comment.objects.tree_problems() != []

    moved = Comment.objects.repair_trees()

    assert moved >= 2
    assert Comment.objects.tree_problems() == []
    assert nested_sets(post)[:2] == healthy_before
    root.refresh_from_db()
    assert [c.pk for c in root.get_descendants()] == [c.pk for c in broken[1:]]
    assert healthy[0].tree_id != root.tree_id


def test_repair_gives_a_second_root_its_own_tree(post):
    first, second = make_comment(post), make_comment(post)
    reply = make_comment(post, parent=second)
    corrupt({second.pk: {"tree_id": first.tree_id}, reply.pk: {"tree_id": first.tree_id}})

    Comment.objects.repair_trees()

    assert Comment.objects.tree_problems() == []
    second.refresh_from_db()
    reply.refresh_from_db()
    assert second.tree_id != first.tree_id
    assert reply.tree_id == second.tree_id
    assert (reply.lft, reply.rght, reply.level) == (2, 3, 1)


def test_check_command_reports_and_repairs(post, capsys):
    comments = make_thread(post, [[None]])
    call_command("check_comment_trees")
    assert "sound" in capsys.readouterr().out

    corrupt({comments[1].pk: {"rght": 9}})
    with pytest.raises(CommandError, match="problem"):
        call_command("check_comment_trees")

    call_command("check_comment_trees", "--repair")
    assert "all trees sound" in capsys.readouterr().out
    call_command("check_comment_trees")
