"""The discussion policy: who may comment and which comments wait for the instructor."""

import pytest

from comments import moderation
from comments.models import Comment
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def guest_comment(post, name="Maya", email="maya@example.edu"):
    return Comment(post=post, author_name=name, author_email=email, body="Hi")


def test_a_first_time_guest_is_held(post):
    assert moderation.initial_status(guest_comment(post)) == Comment.Status.PENDING


def test_a_guest_with_an_approved_comment_is_approved(post):
    make_comment(make_post(), author_name="Maya", author_email="maya@example.edu")
    assert moderation.initial_status(guest_comment(post)) == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("name", "email"),
    [("Maya L", "maya@example.edu"), ("Maya", "other@example.edu")],
    ids=["other name", "other email"],
)
def test_approval_needs_the_same_name_and_email(post, name, email):
    make_comment(post, author_name="Maya", author_email="maya@example.edu")
    assert moderation.initial_status(guest_comment(post, name, email)) == Comment.Status.PENDING


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH]
)
def test_only_an_approved_comment_vouches_for_a_guest(post, status):
    make_comment(post, author_name="Maya", author_email="maya@example.edu", status=status)
    assert moderation.initial_status(guest_comment(post)) == Comment.Status.PENDING


def test_a_course_member_is_approved(post, student):
    comment = Comment(post=post, user=student, author_name="Caroline", body="Hi")
    assert moderation.initial_status(comment) == Comment.Status.APPROVED


def test_closed_and_unpublished_posts_take_no_comments(student):
    with pytest.raises(moderation.CommentingClosed, match="closed"):
        moderation.check_can_comment(make_post(comments_open=False), student)
    with pytest.raises(moderation.CommentingClosed, match="not published"):
        moderation.check_can_comment(make_post(status="draft", published_at=None), student)
    moderation.check_can_comment(make_post(), student)


def test_replies_go_only_under_approved_comments(post):
    assert moderation.can_reply_to(make_comment(post))
    assert not moderation.can_reply_to(make_comment(post, status=Comment.Status.PENDING))


def test_a_deleted_members_comments_still_vouch_for_nobody(post, student):
    make_comment(post, user=student, author_name="Caroline", author_email=student.email)
    student.delete()
    guest = guest_comment(post, "Caroline", "caroline@example.edu")
    assert moderation.initial_status(guest) == Comment.Status.PENDING
