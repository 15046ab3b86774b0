"""Comment rules that live on the model: rendering at write time and moderation actions."""

import pytest
from django.core.exceptions import ValidationError

from comments import moderation
from comments.models import Comment
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_the_body_is_rendered_once_when_saved(post):
    comment = make_comment(post, body="See https://example.com\n\n<script>x</script>bye")
    assert comment.body_html == (
        '<p>See <a href="https://example.com" rel="nofollow ugc noopener">https://example.com</a></p>\n'
        "<p>bye</p>"
    )


def test_editing_the_body_renders_it_again(post):
    comment = make_comment(post, body="old")
    comment.body = "new"
    comment.save(update_fields=["body"])
    comment.refresh_from_db()
    assert comment.body_html == "<p>new</p>"


def test_the_permalink_is_the_post_with_the_comment_anchor(post):
    comment = make_comment(post)
    assert comment.get_absolute_url() == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_clean_refuses_a_parent_from_another_post(post):
    parent = make_comment(make_post())
    with pytest.raises(ValidationError, match="same post"):
        Comment(post=post, parent=parent, author_name="x", body="y").clean()


def test_moderation_actions_record_who_and_when(post, instructor):
    comment = make_comment(post, status=Comment.Status.PENDING)
    comment.approve(by=instructor)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == instructor
    assert comment.moderated_at is not None


@pytest.mark.parametrize("before", [Comment.Status.PENDING, Comment.Status.APPROVED])
@pytest.mark.parametrize("removal", ["mark_spam", "trash"])
def test_restore_returns_a_comment_to_where_it_was(post, before, removal):
    comment = make_comment(post, status=before)
    getattr(comment, removal)()
    comment.trash()  # spam, then trash: restore still remembers the status before both
    comment.restore()
    comment.refresh_from_db()
    assert comment.status == before


def test_restore_leaves_live_comments_alone(post):
    comment = make_comment(post, status=Comment.Status.PENDING)
    comment.restore()
    assert comment.status == Comment.Status.PENDING


def test_the_held_queue_counts_pending_comments(post):
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.SPAM)
    make_comment(post)
    assert moderation.held_comment_count() == 2


def test_deleting_for_good_moves_the_replies_up(post):
    root = make_comment(post)
    middle = make_comment(post, parent=root)
    below = [make_comment(post, parent=middle) for _ in range(2)]
    deeper = make_comment(post, parent=below[0])

    middle.delete()

    assert list(Comment.objects.filter(parent=root).values_list("pk", flat=True)) == [
        b.pk for b in below
    ]
    assert Comment.objects.get(pk=deeper.pk).level == 2
    assert Comment.objects.tree_problems() == []


def test_deleting_a_top_level_comment_makes_its_replies_threads_of_their_own(post):
    first = make_comment(post)
    replies = [make_comment(post, parent=first) for _ in range(3)]
    make_comment(post, parent=replies[1])
    later = make_comment(post)

    first.delete()

    promoted = Comment.objects.filter(pk__in=[r.pk for r in replies])
    assert all(c.parent_id is None and c.level == 0 for c in promoted)
    assert len({c.tree_id for c in promoted} | {later.tree_id}) == 4
    assert Comment.objects.tree_problems() == []
    make_comment(post, parent=replies[2])
    make_comment(post)
    assert Comment.objects.tree_problems() == []


def test_deleting_twice_is_harmless(post):
    comment = make_comment(post)
    stale_copy = Comment.objects.get(pk=comment.pk)
    comment.delete()
    assert stale_copy.delete() == (0, {})


def test_the_trash_is_emptied_after_30_days(post, capsys):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old, recent = make_comment(post), make_comment(post)
    reply = make_comment(post, parent=old)
    old.trash()
    recent.trash()
    Comment.objects.filter(pk=old.pk).update(moderated_at=timezone.now() - timedelta(days=31))

    call_command("empty_comment_trash")

    assert "Deleted 1 comment(s)" in capsys.readouterr().out
    assert not Comment.objects.filter(pk=old.pk).exists()
    assert Comment.objects.filter(pk=recent.pk).exists()
    assert Comment.objects.get(pk=reply.pk).parent_id is None
    assert Comment.objects.tree_problems() == []


def test_discussion_settings_are_reread_every_few_seconds(settings, django_assert_num_queries):
    from comments.models import DiscussionSettings

    settings.DISCUSSION_SETTINGS_SECONDS = 60
    DiscussionSettings.load()
    with django_assert_num_queries(0):
        rules = DiscussionSettings.load()
    rules.thread_depth = 7
    rules.save()  # a change in this process is seen at once
    with django_assert_num_queries(1):
        assert DiscussionSettings.load().thread_depth == 7
