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
