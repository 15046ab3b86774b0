"""The discussion rules: who may comment, and what waits for the instructor, as WordPress."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import moderation
from comments.models import Comment, DiscussionSettings
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db
PENDING, APPROVED, TRASH = Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.TRASH


@pytest.fixture
def rules():
    return DiscussionSettings.load()


def guest_comment(post, name="Maya", email="maya@example.edu", body="Hi", **fields):
    comment = Comment(post=post, author_name=name, author_email=email, body=body, **fields)
    comment.render_body()
    return comment


def member_comment(post, user, body="Hi"):
    comment = Comment(post=post, user=user, author_name=user.display_name, body=body)
    comment.render_body()
    return comment


def status(comment, rules):
    return moderation.judge(comment, rules).status


def test_a_first_time_guest_is_held(post, rules):
    verdict = moderation.judge(guest_comment(post), rules)
    assert verdict == moderation.Verdict(PENDING, "it is this guest's first comment")


def test_a_guest_with_an_approved_comment_is_approved(post, rules):
    make_comment(make_post(), author_name="Maya", author_email="maya@example.edu")
    assert status(guest_comment(post, email="MAYA@example.edu"), rules) == APPROVED


@pytest.mark.parametrize(
    ("name", "email"),
    [("Maya L", "maya@example.edu"), ("Maya", "other@example.edu")],
    ids=["other name", "other email"],
)
def test_approval_needs_the_same_name_and_email(post, rules, name, email):
    make_comment(post, author_name="Maya", author_email="maya@example.edu")
    assert status(guest_comment(post, name, email), rules) == PENDING


@pytest.mark.parametrize("earlier", [PENDING, Comment.Status.SPAM, TRASH])
def test_only_an_approved_comment_vouches_for_a_guest(post, rules, earlier):
    make_comment(post, author_name="Maya", author_email="maya@example.edu", status=earlier)
    assert status(guest_comment(post), rules) == PENDING


def test_the_previous_approval_rule_can_be_turned_off(post, rules):
    rules.require_previous_approval = False
    assert status(guest_comment(post), rules) == APPROVED


def test_a_deleted_members_comments_still_vouch_for_nobody(post, student, rules):
    make_comment(post, user=student, author_name="Caroline", author_email=student.email)
    student.delete()
    assert status(guest_comment(post, "Caroline", "caroline@example.edu"), rules) == PENDING


def test_course_members_skip_the_guest_rule(post, student, rules):
    assert status(member_comment(post, student), rules) == APPROVED


def test_holding_every_comment_holds_members_too(post, student, rules):
    rules.hold_all = True
    assert status(member_comment(post, student), rules) == PENDING


def test_instructors_and_the_post_author_are_always_approved(post, instructor, rules):
    rules.hold_all = True
    rules.moderation_words = "split"
    rules.disallowed_words = "split"
    assert status(member_comment(post, instructor, body="The split"), rules) == APPROVED
    assert status(member_comment(post, post.author, body="The split"), rules) == APPROVED


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("One link: https://a.example.com", APPROVED),
        ("Two: https://a.example.com and https://b.example.org", PENDING),  # exactly N holds
        ('<a href="https://a.example.com">a</a> and www.b.example.org', PENDING),
        ("Three https://a.example.com https://b.example.org https://c.example.net", PENDING),
    ],
    ids=["below the limit", "at the limit (bare URLs)", "markup and bare", "above"],
)
def test_a_comment_with_n_or_more_links_is_held(post, student, rules, body, expected):
    assert status(member_comment(post, student, body=body), rules) == expected


def test_the_link_rule_can_be_turned_off(post, student, rules):
    rules.hold_link_count = 0
    body = "https://a.example.com https://b.example.org https://c.example.net"
    assert status(member_comment(post, student, body=body), rules) == APPROVED


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "I love WordPress."},  # "press" matches inside a word
        {"name": "Press Secretary"},
        {"email": "someone@press.example"},
        {"author_url": "https://news.example/PRESS"},
        {"ip_address": "203.0.113.9", "body": "x"},
        {"user_agent": "PressBot/1.0"},
    ],
    ids=["body", "name", "email", "website", "ip", "user agent"],
)
def test_moderation_words_hold_a_comment_wherever_they_appear(post, rules, fields):
    rules.require_previous_approval = False
    rules.moderation_words = "\n  press  \n\n203.0.113.\n"
    comment = guest_comment(post, **fields)
    verdict = moderation.judge(comment, rules)
    assert verdict.status == PENDING
    assert "moderation word" in verdict.reason


def test_disallowed_words_send_a_comment_to_the_trash(post, student, rules):
    rules.disallowed_words = "casino"
    verdict = moderation.judge(member_comment(post, student, body="Visit my CASINO"), rules)
    assert verdict.status == TRASH


def test_disallowed_words_win_over_holding(post, rules):
    rules.hold_all = True
    rules.disallowed_words = "casino"
    assert status(guest_comment(post, body="casino"), rules) == TRASH


def test_closed_and_unpublished_posts_take_no_comments(student, rules):
    with pytest.raises(moderation.CommentingClosed, match="closed"):
        moderation.check_can_comment(make_post(comments_open=False), student, rules)
    with pytest.raises(moderation.CommentingClosed, match="not published"):
        moderation.check_can_comment(make_post(status="draft", published_at=None), student, rules)
    moderation.check_can_comment(make_post(), student, rules)


def test_comments_close_n_days_after_publication(student, rules):
    rules.close_after_days_enabled = True
    fresh = make_post(published_at=timezone.now() - timedelta(days=13))
    old = make_post(published_at=timezone.now() - timedelta(days=15))
    moderation.check_can_comment(fresh, student, rules)
    with pytest.raises(moderation.CommentingClosed, match="14 days"):
        moderation.check_can_comment(old, student, rules)


def test_per_post_closing_wins_over_the_automatic_rule(student, rules):
    rules.close_after_days_enabled = True
    with pytest.raises(moderation.CommentingClosed, match="Comments are closed"):
        moderation.check_can_comment(make_post(comments_open=False), student, rules)


def test_members_only_discussions_refuse_guests(post, student, rules):
    from django.contrib.auth.models import AnonymousUser

    rules.who_can_comment = DiscussionSettings.WhoCanComment.MEMBERS
    with pytest.raises(moderation.MembersOnly):
        moderation.check_can_comment(post, AnonymousUser(), rules)
    moderation.check_can_comment(post, student, rules)


def test_replies_go_only_under_approved_comments(post):
    assert moderation.can_reply_to(make_comment(post))
    assert not moderation.can_reply_to(make_comment(post, status=PENDING))


def test_a_reply_at_the_deepest_level_attaches_at_that_level(post, rules):
    rules.thread_depth = 3
    root = make_comment(post)
    child = make_comment(post, parent=root)
    deepest = make_comment(post, parent=child)
    assert moderation.reply_parent(child, rules) == child
    assert moderation.reply_parent(deepest, rules) == child


def test_flooding_is_per_person(post, instructor):
    student = make_user()
    make_comment(post, user=student, author_name="S", body="first", created=timezone.now())
    assert moderation.is_flooding(member_comment(post, student, body="second"))
    assert not moderation.is_flooding(member_comment(post, make_user(), body="other"))
    make_comment(post, user=instructor, author_name="I", body="first", created=timezone.now())
    assert not moderation.is_flooding(member_comment(post, instructor, body="second"))


def test_a_guest_floods_by_address_and_email_together(post):
    make_comment(
        post, author_email="maya@example.edu", ip_address="203.0.113.5", created=timezone.now()
    )
    assert moderation.is_flooding(
        guest_comment(post, ip_address="203.0.113.5", email="MAYA@example.edu")
    )
    # A classmate behind the same school address is someone else.
    assert not moderation.is_flooding(guest_comment(post, ip_address="203.0.113.5", email="x@x.io"))
    assert not moderation.is_flooding(guest_comment(post, ip_address="198.51.100.1"))


def test_an_old_comment_is_not_a_flood(post):
    make_comment(
        post,
        author_email="maya@example.edu",
        ip_address="203.0.113.5",
        created=timezone.now() - timedelta(seconds=16),
    )
    assert not moderation.is_flooding(guest_comment(post, ip_address="203.0.113.5"))


def test_duplicates_are_the_same_text_by_the_same_author_in_the_same_place(post):
    parent = make_comment(post)
    make_comment(post, parent=parent, author_email="maya@example.edu", body="Same words")
    assert moderation.is_duplicate(guest_comment(post, body="Same words", parent=parent))
    assert not moderation.is_duplicate(guest_comment(post, body="Same words"))
    assert not moderation.is_duplicate(guest_comment(post, body="Other words", parent=parent))
    assert not moderation.is_duplicate(
        guest_comment(post, body="Same words", parent=parent, email="x@example.edu")
    )
