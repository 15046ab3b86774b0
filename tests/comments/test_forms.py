"""The reply form's write path when the thread changes under it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from comments.forms import CommentForm, issue_stamp
from comments.models import Comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def valid_reply_form(post, parent):
    form = CommentForm(
        {
            "name": "Maya",
            "email": "maya@example.edu",
            "body": "A reply.",
            "parent": str(parent.pk),
            "issued": issue_stamp(),
        },
        post=post,
        user=AnonymousUser(),
    )
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize("removal", ["delete", "trash", "mark_spam"])
def test_a_parent_removed_after_validation_takes_no_reply(post, removal):
    parent = make_comment(post)
    form = valid_reply_form(post, parent)
    getattr(Comment.objects.get(pk=parent.pk), removal)()

    assert form.save() is None

    assert form.refusal_status() in (400, 403)
    assert form.errors["parent"]
    assert not Comment.objects.filter(body="A reply.").exists()
    assert Comment.objects.tree_problems() == []


def test_a_reply_to_a_live_parent_is_saved(post):
    parent = make_comment(post)
    comment = valid_reply_form(post, parent).save()
    assert comment.parent == parent


def test_names_keep_the_joiners_that_scripts_and_emoji_need(post):
    name = "Mitra \u200cRahimi 👩\u200d💻"
    form = CommentForm(
        {"name": name, "email": "m@example.edu", "body": "Hi", "issued": issue_stamp()},
        post=post,
        user=AnonymousUser(),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == name
