"""The instructor's desk: the comment list's columns, one-click row actions, replying
from the admin and the status counts, as WordPress's comment screen has them."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import make_student
from comments.forms import issue_stamp
from comments.models import Comment, DiscussionSettings
from course.models import CourseSettings
from participation.models import Preferences
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:comments_comment_changelist")
PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
SPAM, TRASH = Comment.Status.SPAM, Comment.Status.TRASH
JSON = {"HTTP_ACCEPT": "application/json"}


def action_url(comment, action):
    return reverse("admin:comments_comment_moderate", args=[comment.pk, action])


def reply_url(comment):
    return reverse("admin:comments_comment_reply", args=[comment.pk])


@pytest.fixture
def desk(client, instructor):
    client.force_login(instructor)
    return client


# The columns.


def test_a_row_shows_author_history_text_parent_post_and_reason(desk, post):
    make_comment(post, author_name="Maya", author_email="maya@example.edu")
    make_comment(post, author_name="Maya", author_email="MAYA@example.edu")
    parent = make_comment(post, body="What did Mao want?\nA second line.")
    long_text = "Every word of this comment is shown. " * 20
    make_comment(
        post, parent=parent, author_name="Maya", author_email="maya@example.edu",
        ip_address="192.0.2.7", body=long_text, status=PENDING,
        held_reason="it is this guest's first comment",
    )  # fmt: skip
    html = desk.get(CHANGELIST, {"status": "pending"}).content.decode()
    assert 'Maya</strong> <span class="comment-guest">guest</span>' in html
    assert "maya@example.edu" in html
    assert "192.0.2.7" in html
    assert "2 approved comments" in html
    assert long_text.strip() in html
    parent_link = reverse("admin:comments_comment_change", args=[parent.pk])
    assert f'<a href="{parent_link}">What did Mao want?</a>' in html
    assert "A second line" not in html
    assert f'<a href="{post.get_absolute_url()}">{post.title}</a>' in html
    assert "It is this guest&#x27;s first comment" in html


def test_the_list_counts_authors_approved_comments_without_a_query_per_row(desk, post):
    for number in range(3):
        make_comment(post, author_email=f"g{number}@example.edu")
    desk.get(CHANGELIST, {"status": "all"})  # settings records are cached from then on
    with CaptureQueriesContext(connection) as three_rows:
        desk.get(CHANGELIST, {"status": "all"})
    for number in range(6):
        make_comment(post, author_email=f"h{number}@example.edu", parent=Comment.objects.first())
    with CaptureQueriesContext(connection) as nine_rows:
        desk.get(CHANGELIST, {"status": "all"})
    assert [q["sql"][:60] for q in nine_rows] == [q["sql"][:60] for q in three_rows]


def test_staff_who_do_not_moderate_see_no_email_ip_or_actions(client, post):
    editor = make_user("assistant", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename="view_comment"))
    make_comment(post, author_email="maya@example.edu", ip_address="192.0.2.7")
    client.force_login(editor)
    html = client.get(CHANGELIST, {"status": "all"}).content.decode()
    assert "maya@example.edu" not in html
    assert "192.0.2.7" not in html
    assert "comment-row-action" not in html


# The held reason.


@pytest.mark.parametrize(
    ("rules_change", "body", "reason"),
    [
        ({}, "A thought.", "it is this guest's first comment"),
        ({"hold_link_count": 2}, "https://example.com/a https://example.org/b", "it has 2 links"),
        ({"moderation_words": "Mao"}, "Mao said so.", "it contains the moderation word “Mao”"),
        ({"hold_all": True}, "A thought.", "every comment waits for approval"),
    ],
    ids=["first comment", "links", "moderation word", "hold all"],
)
def test_the_rule_that_held_a_comment_is_stored(client, post, rules_change, body, reason, settings):
    settings.COMMENT_FORM_MIN_SECONDS = 0
    rules = DiscussionSettings.load()
    for field, value in rules_change.items():
        setattr(rules, field, value)
    rules.save()
    data = {"name": "Maya", "email": "maya@example.edu", "url": "", "body": body}
    client.post(post.get_absolute_url(), {**data, "issued": issue_stamp()})
    comment = Comment.objects.get()
    assert (comment.status, comment.held_reason) == (PENDING, reason)


# The row actions.


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", PENDING, APPROVED),
        ("unapprove", APPROVED, PENDING),
        ("spam", PENDING, SPAM),
        ("trash", APPROVED, TRASH),
        ("not-spam", SPAM, PENDING),
        ("restore", TRASH, APPROVED),
    ],
)
def test_each_row_action_moderates_and_returns_to_the_list(
    desk, instructor, post, action, before, after
):
    comment = make_comment(post, status=APPROVED if before in (SPAM, TRASH) else before)
    if before == SPAM:
        comment.unapprove()
        comment.mark_spam()
    elif before == TRASH:
        comment.trash()
    response = desk.post(action_url(comment, action), {"next": f"{CHANGELIST}?status=all"})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status=all"
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (after, instructor)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[0].startswith("The comment was")


def test_a_row_action_answers_the_script_with_the_row_and_the_counts(desk, post):
    comment = make_comment(post, status=PENDING)
    make_comment(post, status=PENDING)
    response = desk.post(action_url(comment, "approve"), **JSON)
    data = response.json()
    assert data["status"] == APPROVED
    assert data["counts"] == {"all": 2, "pending": 1, "approved": 1, "spam": 0, "trash": 0}
    assert "Unapprove" in data["cells"]["field-comment_column"]
    assert "Approved" in data["cells"]["field-status_column"]


def test_delete_permanently_is_only_offered_from_spam_or_trash(desk, post):
    comment = make_comment(post)
    assert desk.post(action_url(comment, "delete"), **JSON).json()["status"] == APPROVED
    assert Comment.objects.filter(pk=comment.pk).exists()
    comment.trash()
    data = desk.post(action_url(comment, "delete"), **JSON).json()
    assert data["deleted"] is True
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_the_trash_view_offers_restore_and_delete_permanently(desk, post):
    make_comment(post).trash()
    html = desk.get(CHANGELIST, {"status": "trash"}).content.decode()
    assert ">Restore</button>" in html
    assert ">Delete permanently</button>" in html
    assert ">Approve</button>" not in html
    assert ">Reply</a>" not in html


def test_row_actions_take_only_post(desk, post):
    comment = make_comment(post, status=PENDING)
    assert desk.get(action_url(comment, "approve")).status_code == 405
    assert Comment.objects.get().status == PENDING


def test_row_actions_need_the_csrf_token(instructor, post):
    comment = make_comment(post, status=PENDING)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(instructor)
    assert browser.post(action_url(comment, "approve")).status_code == 403
    assert Comment.objects.get().status == PENDING


@pytest.mark.parametrize("who", ["guest", "member", "student", "staff student"])
@pytest.mark.parametrize("url", [action_url, reply_url], ids=["action", "reply"])
def test_nobody_but_an_instructor_reaches_the_row_actions(client, post, who, url):
    comment = make_comment(post, status=PENDING)
    if who != "guest":
        user = make_user("someone", is_staff=who == "staff student")
        if "student" in who:
            make_student(user)
        client.force_login(user)
    target = url(comment) if url is reply_url else url(comment, "approve")
    response = client.post(target, {"body": "Hi"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    assert (Comment.objects.count(), Comment.objects.get().status) == (1, PENDING)


# Reply from the admin.


def test_approve_and_reply_approves_the_comment_and_threads_the_reply(
    desk, instructor, post, django_capture_on_commit_callbacks
):
    comment = make_comment(post, status=PENDING, author_email="maya@example.edu")
    comment.notify_replies = True
    comment.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(reply_url(comment), {"body": "Good point.", "approve": "1"})
    assert response.status_code == 302
    comment.refresh_from_db()
    reply = Comment.objects.get(parent=comment)
    assert comment.status == APPROVED
    assert (reply.status, reply.user, reply.body) == (APPROVED, instructor, "Good point.")
    assert Comment.objects.tree_problems() == []
    assert any("maya@example.edu" in message.to for message in mail.outbox)


def test_a_reply_without_approving_leaves_a_held_comment_alone(desk, post):
    comment = make_comment(post, status=PENDING)
    response = desk.post(reply_url(comment), {"body": "Good point."}, **JSON)
    assert response.status_code == 400
    assert "approve it to reply" in response.json()["errors"][0]
    assert Comment.objects.count() == 1


def test_replying_to_an_approved_comment_answers_the_script(desk, post):
    comment = make_comment(post)
    data = desk.post(reply_url(comment), {"body": "Thank you."}, **JSON).json()
    assert data["message"] == "Your reply was posted."
    assert Comment.objects.get(parent=comment).body == "Thank you."


def test_an_empty_reply_is_refused_with_a_message(desk, post):
    comment = make_comment(post)
    response = desk.post(reply_url(comment), {"body": ""})
    assert response.status_code == 400
    assert "Please type your comment." in response.content.decode()


def test_quick_edit_changes_the_text_not_the_status(desk, post):
    comment = make_comment(post, status=PENDING, body="Teh text.")
    url = reverse("admin:comments_comment_quick_edit", args=[comment.pk])
    assert desk.get(url, **JSON).json() == {"body": "Teh text."}
    desk.post(url, {"body": "The text."})
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("The text.", PENDING)
    assert "The text." in comment.fragment_html


# The default view, the counts, the shortcuts preference, the title.


def test_the_bare_list_opens_on_the_held_comments_when_there_are_any(desk, post):
    make_comment(post)
    assert desk.get(CHANGELIST).status_code == 200
    make_comment(post, status=PENDING)
    assert desk.get(CHANGELIST)["Location"] == f"{CHANGELIST}?status=pending"
    assert desk.get(CHANGELIST, {"status": "all"}).status_code == 200


def test_the_status_filter_shows_the_counts(desk, post):
    make_comment(post, status=PENDING)
    make_comment(post)
    make_comment(post).trash()
    html = desk.get(CHANGELIST, {"status": "pending"}).content.decode()
    assert 'Held for moderation (<span data-status-count="pending">1</span>)' in html
    assert 'Trash (<span data-status-count="trash">1</span>)' in html
    assert 'All (<span data-status-count="all">3</span>)' in html


def test_keyboard_shortcuts_are_off_until_the_instructor_turns_them_on(desk, instructor, post):
    make_comment(post)
    assert 'data-shortcuts="off"' in desk.get(CHANGELIST).content.decode()
    desk.post(reverse("participation:preferences"), {"keyboard_shortcuts": "on"})
    assert Preferences.of(instructor).keyboard_shortcuts is True
    assert 'data-shortcuts="on"' in desk.get(CHANGELIST).content.decode()


def test_students_are_not_offered_the_keyboard_shortcuts(client, student):
    client.force_login(student)
    html = client.get(reverse("participation:preferences")).content.decode()
    assert "keyboard_shortcuts" not in html


def test_the_admin_says_the_course_title_and_has_its_icon(desk):
    settings = CourseSettings.load()
    settings.title = "HIST 214: The Cold War"
    settings.save()
    html = desk.get(reverse("admin:index")).content.decode()
    assert '<a href="/admin/">HIST 214: The Cold War</a>' in html
    assert "| HIST 214: The Cold War</title>" in html
    assert "Django administration" not in html
    assert 'rel="icon" href="/static/favicon.svg"' in html
