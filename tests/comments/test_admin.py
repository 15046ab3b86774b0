"""The instructor moderates in the admin, without being a superuser."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:comments_comment_changelist")


def run_action(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_the_instructor_sees_the_queue_size_on_the_admin_index(client, instructor, post):
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.PENDING)
    client.force_login(instructor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "2</strong> comments awaiting moderation" in html
    assert f"{CHANGELIST}?status=pending" in html


def test_the_changelist_shows_post_author_text_status_and_date(client, instructor, post):
    make_comment(post, author_name="Maya", body="A" * 200, status=Comment.Status.PENDING)
    client.force_login(instructor)
    response = client.get(CHANGELIST, {"status__exact": "pending"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'Maya</strong> <span class="comment-guest">guest</span>' in html
    assert post.title in html
    assert "Held for moderation" in html
    assert "A" * 200 in html  # the whole comment


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED),
        ("mark_spam", Comment.Status.PENDING, Comment.Status.SPAM),
        ("move_to_trash", Comment.Status.APPROVED, Comment.Status.TRASH),
    ],
)
def test_bulk_actions(client, instructor, post, action, before, after):
    comments = [make_comment(post, status=before) for _ in range(3)]
    client.force_login(instructor)
    response = run_action(client, action, comments[:2])
    assert response.status_code == 200
    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [after, after, before]
    assert Comment.objects.filter(moderated_by=instructor).count() == 2


def test_restore_brings_back_trashed_comments(client, instructor, post):
    comment = make_comment(post)
    comment.trash()
    client.force_login(instructor)
    run_action(client, "restore", [comment])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_editing_comments_is_not_moderating_them(client, post):
    """Staff who may view and edit comments still cannot change their status."""
    editor = make_user("assistant", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    comment = make_comment(post, status=Comment.Status.PENDING)
    client.force_login(editor)

    changelist = client.get(CHANGELIST).content.decode()
    assert 'value="approve"' not in changelist
    run_action(client, "approve", [comment])
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    form = {"author_name": "Edited", "author_email": "", "author_url": "", "body": "Edited body"}
    assert client.post(url, {**form, "status": "approved"}).status_code == 302

    comment.refresh_from_db()
    assert comment.author_name == "Edited"
    assert comment.status == Comment.Status.PENDING


def test_a_student_cannot_reach_the_admin(client, student):
    client.force_login(student)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_deleting_in_bulk_keeps_the_trees_sound(client, instructor, post):
    root = make_comment(post)
    reply = make_comment(post, parent=root)
    grandchild = make_comment(post, parent=reply)
    sibling = make_comment(post, parent=root)
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    response = client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [reply.pk, sibling.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    # Deleting for good moves replies up: the grandchild now answers the root.
    assert list(Comment.objects.values_list("pk", "parent_id")) == [
        (root.pk, None),
        (grandchild.pk, root.pk),
    ]
    assert Comment.objects.tree_problems() == []
    make_comment(post, parent=root)
    assert Comment.objects.tree_problems() == []


def test_changing_the_status_on_the_form_is_moderation(client, instructor, post):
    comment = make_comment(post, status=Comment.Status.PENDING)
    client.force_login(instructor)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    form = {
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": "",
        "body": comment.body,
        "status": "approved",
    }
    assert client.post(url, form).status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == instructor
