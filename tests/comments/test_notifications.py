"""Email about the discussion: to the post's author, to the instructors, to subscribers."""

import re

import pytest
from django.core import mail
from django.test import Client

from comments.forms import issue_stamp
from comments.models import Comment, DiscussionSettings
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def send(client, post, **fields):
    data = {
        "name": "Maya",
        "email": "maya@example.edu",
        "body": "A thought.",
        "issued": issue_stamp(),
    }
    return client.post(post.get_absolute_url(), {**data, **fields})


def links_in(message):
    return re.findall(r"http://testserver(\S+)", message.body)


def link_after(message, label):
    return re.search(rf"{label} http://testserver(\S+)", message.body).group(1)


def test_the_post_author_hears_of_an_approved_comment(
    client, post, student, django_capture_on_commit_callbacks
):
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post.get_absolute_url(), {"body": "Great post!", "issued": issue_stamp()})
    [message] = mail.outbox
    assert message.to == [post.author.email]
    assert message.subject == f"New comment on “{post.title}”"
    assert "Great post!" in message.body
    comment = Comment.objects.get()
    assert f"http://testserver{comment.get_absolute_url()}" in message.body


def test_nobody_is_told_of_their_own_comment(client, post, django_capture_on_commit_callbacks):
    client.force_login(post.author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post.get_absolute_url(), {"body": "Thanks all.", "issued": issue_stamp()})
    assert mail.outbox == []


def test_instructors_get_one_click_moderation_links_for_a_held_comment(
    client, post, instructor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, post, body="Held, please look.")
    [message] = mail.outbox
    assert message.to == [instructor.email]
    assert "because it is this guest's first comment" in message.body
    approve = link_after(message, "Approve it:")
    assert link_after(message, "Mark it as spam:") != approve
    assert link_after(message, "Move it to the trash:") != approve
    comment = Comment.objects.get()

    confirmation = Client().get(approve)
    assert confirmation.status_code == 200
    assert "Approve?" in confirmation.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING  # a GET (a link scanner) changes nothing

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = Client().post(approve)
    comment.refresh_from_db()
    assert done.status_code == 200
    assert (comment.status, comment.moderated_by) == (Comment.Status.APPROVED, instructor)
    assert [m.to for m in mail.outbox] == [[post.author.email]]  # now the author hears of it


def test_a_forged_moderation_link_does_nothing(
    client, post, instructor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, post)
    approve = link_after(mail.outbox[0], "Approve it:")
    forged = approve[:-2] + ("A" if approve[-2] != "A" else "B") + "/"
    response = Client().post(forged)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_link_of_an_instructor_who_lost_the_role_does_nothing(
    client, post, instructor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, post)
    approve = link_after(mail.outbox[0], "Approve it:")
    instructor.groups.clear()
    instructor.is_staff = False
    instructor.save()
    assert Client().post(approve).status_code == 403
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_subscribers_hear_of_replies_in_their_thread_and_can_unsubscribe(
    client, post, django_capture_on_commit_callbacks
):
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False
    rules.save()
    earlier = make_comment(
        post, author_name="Caroline", author_email="caroline@example.edu", notify_replies=True
    )
    unrelated = make_comment(post, author_email="ethan@example.edu", notify_replies=True)
    middle = make_comment(post, parent=earlier, author_email="anna@example.edu")

    with django_capture_on_commit_callbacks(execute=True):
        send(client, post, parent=str(middle.pk), body="A reply deep in Caroline's thread.")

    to_caroline = [m for m in mail.outbox if m.to == ["caroline@example.edu"]]
    assert len(to_caroline) == 1
    assert not [m for m in mail.outbox if m.to == [unrelated.author_email]]
    message = to_caroline[0]
    assert "A reply deep in Caroline's thread." in message.body
    unsubscribe = links_in(message)[-1]
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert "Stop these emails" in Client().get(unsubscribe).content.decode()
    earlier.refresh_from_db()
    assert earlier.notify_replies

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe, {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    earlier.refresh_from_db()
    assert not earlier.notify_replies


def test_the_reply_checkbox_subscribes(client, post, django_capture_on_commit_callbacks):
    send(client, post, notify_replies="on")
    assert Comment.objects.get().notify_replies


def test_a_mail_server_outage_loses_no_comment(
    client, post, student, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post.get_absolute_url(), {"body": "Still saved.", "issued": issue_stamp()}
        )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Still saved.").exists()


def test_instructors_are_found_by_role_not_by_flag(post):
    from comments.notifications import instructors

    teacher = make_user("teacher", instructor=True)
    make_user("student1")
    make_user("admin", is_superuser=True, is_staff=True)
    assert sorted(u.username for u in instructors()) == ["admin", "teacher"]
    assert teacher in instructors()
