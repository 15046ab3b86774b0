"""Reporting a comment to the instructors: who may, what they see, the one email, the desk."""

import re
from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts.roles import make_student
from comments import personal_data
from comments.models import Comment, Report
from comments.thread import Entry, render_entries
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db

DESK = reverse("admin:comments_report_changelist")
OFF_TOPIC = {"reason": "off_topic", "note": ""}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def comment(post):
    return make_comment(post, author_name="Maya", body="Words someone objects to.")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member(name: str, **fields):
    return make_user(name, display_name=fields.pop("display_name", name.capitalize()), **fields)


def report_url(comment) -> str:
    return reverse("comments:report", kwargs={"pk": comment.pk})


def report(client, comment, data=OFF_TOPIC, capture=None):
    """POST a report, running what waits for the commit (the email) when ``capture``."""
    if capture is None:
        return client.post(report_url(comment), data)
    with capture(execute=True):
        return client.post(report_url(comment), data)


# Who may report


def test_a_member_reports_a_comment_and_it_stays_up(
    post, comment, django_capture_on_commit_callbacks
):
    reader = member("ana")
    client = logged_in(reader)
    form = client.get(report_url(comment))
    assert form.status_code == 200
    assert "Words someone objects to." in form.content.decode()  # what is being reported

    response = report(client, comment, {"reason": "disrespectful", "note": "Mocks a classmate."})
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    [filed] = Report.objects.all()
    assert (filed.comment, filed.reporter, filed.reason) == (comment, reader, "disrespectful")
    assert filed.note == "Mocks a classmate."
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    page = client.get(response["Location"]).content.decode()
    assert "your report went to the instructors" in page
    assert "Words someone objects to." in page  # still in the discussion


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_students_and_instructors_may_report_too(post, comment, role):
    user = make_user(role, instructor=role == "instructor")
    if role == "student":
        make_student(user)
    assert report(logged_in(user), comment).status_code == 302
    assert Report.objects.filter(reporter=user).count() == 1


def test_a_guest_is_asked_to_log_in_and_cannot_report(client, comment):
    response = client.get(report_url(comment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    refused = report(client, comment)
    assert refused.status_code == 403
    assert "Log in to report a comment" in refused.content.decode()
    assert not Report.objects.exists()


def test_the_report_link_is_shown_to_members_only(client, post, comment):
    guest_page = client.get(post.get_absolute_url()).content.decode()
    member_page = logged_in(member("ana")).get(post.get_absolute_url()).content.decode()
    # The link is in the shared markup for everyone; the page shows it to members.
    assert f'href="{report_url(comment)}"' in guest_page
    assert f'href="{report_url(comment)}"' in member_page
    assert "members-may-report" not in guest_page
    assert 'class="comments-area members-may-report"' in member_page


def test_the_stylesheet_hides_the_link_unless_the_page_says_members_may_report():
    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert ".comment-report { display: none; }" in css
    assert ".members-may-report .comment-report { display: inline; }" in css


def test_a_comment_on_a_post_the_reader_cannot_see_is_not_found(comment):
    hidden_post = make_post(visibility="class")
    hidden = make_comment(hidden_post)
    client = logged_in(member("ana"))  # a member, not in the class
    assert client.get(report_url(hidden)).status_code == 404
    assert report(client, hidden).status_code == 404
    assert not Report.objects.exists()
    student = make_user("ben")
    make_student(student)
    assert report(logged_in(student), hidden).status_code == 302


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_only_approved_comments_can_be_reported(post, status):
    unapproved = make_comment(post, status=status)
    client = logged_in(member("ana"))
    assert client.get(report_url(unapproved)).status_code == 404
    assert report(client, unapproved).status_code == 404
    assert report(client, Comment(pk=987654)).status_code == 404
    assert not Report.objects.exists()


def test_a_comment_moderated_away_while_the_form_was_open_is_not_found(comment):
    client = logged_in(member("ana"))
    assert client.get(report_url(comment)).status_code == 200
    comment.trash()
    assert report(client, comment).status_code == 404


def test_nobody_reports_their_own_comment(post):
    author = member("ana")
    own = make_comment(post, user=author, author_name="Ana")
    client = logged_in(author)
    page = client.get(report_url(own))
    assert page.status_code == 200
    assert "This is your own comment" in page.content.decode()
    assert "<form" not in page.content.decode().split('class="page-title"')[1]
    assert report(client, own).status_code == 403
    assert not Report.objects.exists()


# The form


def test_other_needs_a_note_and_nothing_typed_is_lost(comment):
    client = logged_in(member("ana"))
    response = report(client, comment, {"reason": "other", "note": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please say what is wrong with this comment." in html
    assert re.search(r'value="other"[^>]*checked|checked[^>]*value="other"', html)
    assert not Report.objects.exists()

    response = report(client, comment, {"reason": "", "note": "It repeats my essay word for word."})
    assert response.status_code == 400
    assert "Please choose a reason." in response.content.decode()
    assert "It repeats my essay word for word." in response.content.decode()

    assert report(client, comment, {"reason": "other", "note": "Copied."}).status_code == 302
    assert Report.objects.get().note == "Copied."


def test_a_note_with_control_characters_is_refused_with_a_message(comment):
    response = report(logged_in(member("ana")), comment, {"reason": "spam", "note": "Buy\x07 now"})
    assert response.status_code == 400
    assert "invisible control characters" in response.content.decode()
    assert not Report.objects.exists()


def test_the_form_posts_with_a_csrf_token(comment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member("ana"))
    assert client.post(report_url(comment), OFF_TOPIC).status_code == 403
    html = client.get(report_url(comment)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    sent = client.post(report_url(comment), {**OFF_TOPIC, "csrfmiddlewaretoken": token})
    assert sent.status_code == 302


# One report per member per comment


def test_reporting_again_changes_the_first_report_and_says_so(comment):
    client = logged_in(member("ana"))
    report(client, comment, {"reason": "off_topic", "note": ""})
    form = client.get(report_url(comment)).content.decode()
    assert "You reported this comment on" in form
    assert re.search(r'value="off_topic"[^>]*checked|checked[^>]*value="off_topic"', form)

    response = report(client, comment, {"reason": "spam", "note": "Selling essays."})
    assert response.status_code == 302
    [kept] = Report.objects.all()
    assert (kept.reason, kept.note) == ("spam", "Selling essays.")
    page = client.get(response["Location"]).content.decode()
    assert "your report was changed, not sent again" in page


def test_the_database_keeps_one_report_per_member_per_comment(comment):
    reader = member("ana")
    Report.objects.create(comment=comment, reporter=reader, reason="spam")
    with pytest.raises(IntegrityError):
        Report.objects.create(comment=comment, reporter=reader, reason="off_topic")


def test_a_member_never_learns_who_else_reported(comment):
    report(logged_in(member("ana", display_name="Ana Silva")), comment)
    other = logged_in(member("ben"))
    for html in (
        other.get(report_url(comment)).content.decode(),
        other.get(comment.post.get_absolute_url()).content.decode(),
    ):
        assert "Ana Silva" not in html
        assert "reported this comment" not in html
        assert "1 report" not in html


# The one email per comment


def test_the_first_report_emails_each_instructor_once(
    comment, instructor, django_capture_on_commit_callbacks
):
    second = make_user("lee", instructor=True)
    ana, ben = member("ana", display_name="Ana Silva"), member("ben")
    note = {"reason": "other", "note": "Names a classmate's grade."}
    report(logged_in(ana), comment, note, django_capture_on_commit_callbacks)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [instructor.email, second.email]
    )
    message = mail.outbox[0]
    assert message.subject == f"A comment on “{comment.post.title}” was reported"
    assert "Ana Silva reported a comment by Maya" in message.body
    assert "Reason: Other (please say what)" in message.body
    assert "Note: Names a classmate's grade." in message.body
    assert f"http://testserver{comment.get_absolute_url()}" in message.body
    assert f"http://testserver{DESK}" in message.body
    assert ana.email not in [m.to[0] for m in mail.outbox]

    # A second member's report, and the first member changing theirs: no more email.
    report(logged_in(ben), comment, OFF_TOPIC, django_capture_on_commit_callbacks)
    report(logged_in(ana), comment, OFF_TOPIC, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert Report.objects.count() == 2


def test_an_instructor_who_reports_is_not_emailed_about_it(
    comment, instructor, django_capture_on_commit_callbacks
):
    colleague = make_user("lee", instructor=True)
    report(logged_in(instructor), comment, OFF_TOPIC, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[colleague.email]]


def test_after_the_reports_are_dismissed_a_new_report_emails_again(
    comment, instructor, django_capture_on_commit_callbacks
):
    desk = logged_in(instructor)
    report(logged_in(member("ana")), comment, OFF_TOPIC, django_capture_on_commit_callbacks)
    desk.post(reverse("admin:comments_report_dismiss", args=[comment.pk]))
    report(logged_in(member("ben")), comment, OFF_TOPIC, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_a_subject_is_one_line_whatever_the_title(instructor, django_capture_on_commit_callbacks):
    post = make_post(title="Line one\u2028Bcc: everyone@example.edu")
    target = make_comment(post)
    report(logged_in(member("ana")), target, OFF_TOPIC, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "\n" not in message.subject
    assert "\u2028" not in message.subject
    assert message.extra_headers == {}


def test_a_failure_to_send_never_fails_the_report(
    comment, instructor, django_capture_on_commit_callbacks, caplog
):
    with mock.patch("comments.notifications.get_connection", side_effect=OSError("no SMTP")):
        response = report(
            logged_in(member("ana")), comment, OFF_TOPIC, django_capture_on_commit_callbacks
        )
    assert response.status_code == 302
    assert Report.objects.count() == 1
    assert "Could not send 1 discussion email" in caplog.text


# The desk


def test_the_desk_shows_reasons_notes_and_who_reported(post, comment, instructor):
    make_comment(post, body="Nobody minds this one.")
    report(
        logged_in(member("ana", display_name="Ana Silva")),
        comment,
        {"reason": "other", "note": "Off <b>colour</b>."},
    )
    report(
        logged_in(member("ben", display_name="Ben Okafor")), comment, {"reason": "spam", "note": ""}
    )
    response = logged_in(instructor).get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Words someone objects to." in html
    assert "Nobody minds this one." not in html
    assert "Ana Silva" in html
    assert "Ben Okafor" in html
    assert "Other (please say what)" in html
    assert "Spam" in html
    assert "Off &lt;b&gt;colour&lt;/b&gt;." in html
    assert "2 reports" in html
    assert reverse("admin:comments_report_dismiss", args=[comment.pk]) in html
    assert reverse("admin:comments_report_trash", args=[comment.pk]) in html


def test_the_admin_index_and_the_comment_list_lead_to_the_desk(comment, instructor):
    client = logged_in(instructor)
    assert DESK in client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:comments_comment_changelist")
    assert DESK in client.get(changelist).content.decode()


def test_the_comment_list_has_a_reported_view(post, comment, instructor):
    make_comment(post, body="Nobody minds this one.")
    report(logged_in(member("ana")), comment)
    changelist = reverse("admin:comments_comment_changelist")
    html = logged_in(instructor).get(changelist, {"reported": "yes"}).content.decode()
    assert "Words someone objects to." in html
    assert "Nobody minds this one." not in html


def test_dismissing_keeps_the_comment_and_closes_its_reports(comment, instructor):
    report(logged_in(member("ana")), comment)
    response = logged_in(instructor).post(
        reverse("admin:comments_report_dismiss", args=[comment.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == DESK
    assert "1 report on the comment by Maya dismissed" in response.content.decode()
    assert not Report.objects.exists()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert "No reported comments" in response.content.decode()


def test_trash_from_the_desk_moves_the_comment_and_closes_its_reports(post, comment, instructor):
    report(logged_in(member("ana")), comment)
    response = logged_in(instructor).post(reverse("admin:comments_report_trash", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    assert comment.moderated_by == instructor
    assert not Report.objects.exists()
    assert "Words someone objects to." not in Client().get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("action", ["dismiss", "trash"])
def test_the_desk_buttons_act_on_post_with_csrf_only(comment, instructor, action):
    report(logged_in(member("ana")), comment)
    url = reverse(f"admin:comments_report_{action}", args=[comment.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    assert Report.objects.count() == 1
    html = client.get(DESK).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["member", "student", "staff-without-the-role"])
def test_only_instructors_reach_the_desk(comment, who):
    report(logged_in(member("ana", display_name="Ana Silva")), comment)
    user = make_user("ben")
    if who == "student":
        make_student(user)
    elif who == "staff-without-the-role":
        user.is_staff = True
        user.save()
    client = logged_in(user)
    for response in (
        client.get(DESK),
        client.post(reverse("admin:comments_report_dismiss", args=[comment.pk])),
        client.post(reverse("admin:comments_report_trash", args=[comment.pk])),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
        assert "Ana Silva" not in response.content.decode()
    assert Report.objects.count() == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


# Around the rest of the site


def test_the_thread_links_approved_comments_only_and_not_in_the_archive(post):
    approved = make_comment(post)
    held = make_comment(post, status=Comment.Status.PENDING)
    removed = make_comment(post, status=Comment.Status.TRASH)
    reply = make_comment(post, parent=removed)
    rows = {row.pk: row for row in Comment.objects.thread_rows(post, frozenset({held.pk}))}
    entries = [
        Entry(rows[approved.pk], "approved"),
        Entry(rows[held.pk], "own-held"),
        Entry(rows[removed.pk], "removed"),
        Entry(rows[reply.pk], "approved"),
    ]
    html = render_entries(entries, page_url="/p/", editable=frozenset({reply.pk}))
    assert report_url(approved) in html
    for unreportable in (held, removed, reply):  # held, a stand-in, the reader's own
        assert report_url(unreportable) not in html
    assert "comment-report" not in render_entries(entries, page_url="/p/", reportable=False)


def test_the_personal_data_export_and_erase_cover_reports(comment):
    ana = member("ana", email="ana@example.edu")
    report(logged_in(ana), comment, {"reason": "other", "note": "Rude."})
    exported = personal_data.export("ana@example.edu")
    [entry] = exported["reports"]
    assert (entry["comment"], entry["reason"], entry["note"]) == (comment.pk, "other", "Rude.")
    assert personal_data.export("someone@example.edu")["reports"] == []
    personal_data.erase("ANA@example.edu")
    assert not Report.objects.exists()
