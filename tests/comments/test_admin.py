"""The instructor moderates in the admin, without being a superuser."""

import pytest
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
    assert f"{CHANGELIST}?status__exact=pending" in html


def test_the_changelist_shows_post_author_excerpt_status_and_date(client, instructor, post):
    make_comment(post, author_name="Maya", body="A" * 200, status=Comment.Status.PENDING)
    client.force_login(instructor)
    response = client.get(CHANGELIST, {"status__exact": "pending"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maya (guest)" in html
    assert post.title in html
    assert "Held for moderation" in html
    assert "A" * 89 + "…" in html


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


def test_staff_without_the_permission_cannot_moderate(client, post):
    staff = make_user("assistant", is_staff=True)
    comment = make_comment(post, status=Comment.Status.PENDING)
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403
    run_action(client, "approve", [comment])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_student_cannot_reach_the_admin(client, student):
    client.force_login(student)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
