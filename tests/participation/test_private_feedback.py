"""Private feedback and grades: for the post's author and the instructors, nowhere else."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from course.models import CourseSettings
from participation import notifications
from participation.models import Grade, GradingScale, Preferences, PrivateFeedback
from tests.factories import make_comment, make_post, make_user
from tests.participation.conftest import student

pytestmark = pytest.mark.django_db

SECRET = "Your thesis needs sharper evidence"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def people(db):
    author = student("ana", first_name="Ana", last_name="Silva", display_name="Ana S")
    classmate = student("ben", display_name="Ben O")
    teacher = make_user("morgan", first_name="Morgan", last_name="Reyes", instructor=True)
    post = make_post(author=author, title="On Détente")
    make_comment(post, body="A public thought.")
    clients = {}
    for name, user in (("author", author), ("classmate", classmate), ("teacher", teacher)):
        clients[name] = Client()
        clients[name].force_login(user)
    clients["guest"] = Client()
    return SimpleNamespace(
        post=post, author=author, classmate=classmate, teacher=teacher, clients=clients
    )


def send_feedback(client, post, body=SECRET, parent=None, capture=None):
    data = {"body": body}
    if parent is not None:
        data["parent"] = parent.pk
    return client.post(reverse("participation:feedback", args=[post.pk]), data)


def grade(client, post, **data):
    return client.post(reverse("participation:grade", args=[post.pk]), data)


def test_an_instructor_writes_private_feedback_that_the_author_reads_and_answers(
    people, django_capture_on_commit_callbacks
):
    post, author, teacher, clients = people.post, people.author, people.teacher, people.clients
    with django_capture_on_commit_callbacks(execute=True):
        response = send_feedback(clients["teacher"], post)
    feedback = PrivateFeedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#feedback-{feedback.pk}"
    [email] = mail.outbox
    assert email.to == [author.email]
    assert email.subject == "Private feedback on “On Détente”"
    assert f"http://testserver{post.get_absolute_url()}#private-feedback" in email.body
    assert SECRET not in email.body  # the text stays on the site

    html = clients["author"].get(post.get_absolute_url()).content.decode()
    assert 'id="private-feedback"' in html
    assert SECRET in html
    assert "Only you and the instructors see this section." in html
    assert "Send private feedback" not in html  # the author answers, an instructor starts

    with django_capture_on_commit_callbacks(execute=True):
        send_feedback(clients["author"], post, "Thank you, I will revise.", parent=feedback)
    answer = PrivateFeedback.objects.latest("pk")
    assert (answer.parent, answer.author) == (feedback, author)
    assert mail.outbox[-1].to == [teacher.email]
    assert mail.outbox[-1].subject == "Ana S answered your feedback on “On Détente”"


@pytest.mark.parametrize("reader", ["classmate", "guest"])
def test_a_classmate_and_a_guest_never_see_feedback_or_a_grade(people, reader):
    post, clients = people.post, people.clients
    send_feedback(clients["teacher"], post)
    send_feedback(
        clients["author"], post, "My private answer", parent=PrivateFeedback.objects.get()
    )
    grade(clients["teacher"], post, points="7.5")
    clients["teacher"].get(post.get_absolute_url())  # an instructor's page first: nothing leaks
    for _ in range(2):  # rendered, then from the caches
        html = clients[reader].get(post.get_absolute_url()).content.decode()
        assert "private-feedback" not in html
        assert SECRET not in html
        assert "My private answer" not in html
        assert "7.5" not in html
        assert "One thought on" in html  # feedback is not a comment


def test_the_post_author_sees_feedback_even_after_a_guest_cached_the_page(people):
    post, clients = people.post, people.clients
    clients["guest"].get(post.get_absolute_url())
    send_feedback(clients["teacher"], post)
    assert SECRET in clients["author"].get(post.get_absolute_url()).content.decode()
    assert SECRET not in clients["guest"].get(post.get_absolute_url()).content.decode()


def test_feeds_listings_and_counts_never_show_feedback(people):
    post, clients = people.post, people.clients
    send_feedback(clients["teacher"], post)
    guest = clients["guest"]
    feed = guest.get(reverse("posts:comments_feed", args=[post.slug])).content.decode()
    assert SECRET not in feed
    assert feed.count("<item>") == 1
    assert SECRET not in guest.get(reverse("posts:feed")).content.decode()
    home = guest.get(reverse("posts:list")).content.decode()
    assert "1 thought" in home
    assert SECRET not in home


def test_only_instructors_start_feedback_and_only_the_exchange_answers(people):
    post, author, clients = people.post, people.author, people.clients
    assert send_feedback(clients["author"], post).status_code == 403
    assert send_feedback(clients["classmate"], post).status_code == 403
    response = send_feedback(clients["guest"], post)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    send_feedback(clients["teacher"], post)
    feedback = PrivateFeedback.objects.get()
    assert send_feedback(clients["classmate"], post, "Sneaky", parent=feedback).status_code == 403
    other = make_post(author=author)
    assert send_feedback(clients["author"], other, "Wrong post", parent=feedback).status_code == 404
    assert send_feedback(clients["author"], post, "x", parent=None).status_code == 403
    assert PrivateFeedback.objects.count() == 1


def test_an_answer_to_an_answer_joins_the_exchange_it_belongs_to(people):
    post, clients = people.post, people.clients
    send_feedback(clients["teacher"], post)
    first = PrivateFeedback.objects.get()
    send_feedback(clients["author"], post, "Answer", parent=first)
    send_feedback(
        clients["teacher"],
        post,
        "Answer to the answer",
        parent=PrivateFeedback.objects.latest("pk"),
    )
    assert PrivateFeedback.objects.latest("pk").parent == first
    html = clients["author"].get(post.get_absolute_url()).content.decode()
    assert html.index(SECRET) < html.index("Answer") < html.index("Answer to the answer")


def test_after_the_course_ends_the_author_can_no_longer_answer_but_instructors_can(people):
    post, clients = people.post, people.clients
    send_feedback(clients["teacher"], post)
    first = PrivateFeedback.objects.get()
    course = CourseSettings.load()
    course.ended = True
    course.save()

    page = clients["author"].get(post.get_absolute_url()).content.decode()
    assert SECRET in page  # still theirs to read
    assert "Answer privately" not in page
    assert "Answers are closed." in page
    response = send_feedback(clients["author"], post, "Late answer kept", parent=first)
    assert response.status_code == 403
    assert "This course has ended" in response.content.decode()
    assert "Late answer kept" in response.content.decode()
    assert send_feedback(clients["teacher"], post, "Final word", parent=first).status_code == 302
    assert list(PrivateFeedback.objects.values_list("body", flat=True)) == [SECRET, "Final word"]


def test_empty_or_invalid_feedback_is_refused_with_what_was_typed_kept(people):
    post, clients = people.post, people.clients
    response = send_feedback(clients["teacher"], post, "   ")
    assert response.status_code == 400
    assert "Write your feedback before sending it." in response.content.decode()
    response = send_feedback(clients["teacher"], post, "Kept\x01 text")
    html = response.content.decode()
    assert response.status_code == 400
    assert "invisible control characters" in html
    assert "Kept" in html
    assert send_feedback(clients["teacher"], post, parent=None).status_code == 302
    response = clients["author"].post(
        reverse("participation:feedback", args=[post.pk]), {"body": "x", "parent": "abc"}
    )
    assert response.status_code == 404


def test_feedback_text_is_sanitised(people):
    post, clients = people.post, people.clients
    send_feedback(clients["teacher"], post, '<script>alert(1)</script><a href="javascript:x">l</a>')
    html = clients["author"].get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html


def test_no_email_for_a_student_who_turned_it_off_and_none_lost_when_mail_fails(
    people, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    post, author, clients = people.post, people.author, people.clients
    Preferences.objects.create(user=author, email_feedback=False)
    with django_capture_on_commit_callbacks(execute=True):
        send_feedback(clients["teacher"], post)
        grade(clients["teacher"], post, points="8")
    assert mail.outbox == []

    Preferences.objects.filter(user=author).update(email_feedback=True)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notifications, "get_connection", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_feedback(clients["teacher"], post, "Second note")
    assert response.status_code == 302
    assert PrivateFeedback.objects.filter(body="Second note").exists()
    assert "Could not send 1 feedback email(s)" in caplog.text


class TestGrades:
    def test_points_out_of_the_course_maximum(self, people, django_capture_on_commit_callbacks):
        post, teacher, clients = people.post, people.teacher, people.clients
        with django_capture_on_commit_callbacks(execute=True):
            response = grade(clients["teacher"], post, points="8.5")
        assert response["Location"] == f"{post.get_absolute_url()}#private-feedback"
        saved = Grade.objects.get(post=post)
        assert (saved.points, saved.out_of, saved.given_by, str(saved)) == (
            Decimal("8.5"),
            Decimal(10),
            teacher,
            "8.5 / 10",
        )
        [email] = mail.outbox
        assert email.subject == "Your post “On Détente” has a grade"
        assert "8.5" not in email.body
        html = clients["author"].get(post.get_absolute_url()).content.decode()
        assert re.search(r"Grade: <strong class=\"grade\">8.5 / 10</strong>, given <time", html)

    def test_more_than_the_maximum_or_no_number_is_refused_and_kept(self, people):
        post, clients = people.post, people.clients
        response = grade(clients["teacher"], post, points="11")
        assert response.status_code == 400
        html = response.content.decode()
        assert "At most 10 points." in html
        assert 'value="11"' in html
        assert grade(clients["teacher"], post, points="").status_code == 400
        assert grade(clients["teacher"], post, points="ten").status_code == 400
        assert not Grade.objects.exists()

    def test_a_letter_when_the_course_grades_with_letters(self, people):
        post, clients = people.post, people.clients
        scale = GradingScale.load()
        scale.kind = GradingScale.Kind.LETTER
        scale.save()
        assert grade(clients["teacher"], post, letter="Z").status_code == 400
        grade(clients["teacher"], post, letter="B+")
        assert str(Grade.objects.get(post=post)) == "B+"
        html = clients["teacher"].get(post.get_absolute_url()).content.decode()
        assert '<option value="B+" selected>B+</option>' in html

    def test_grading_again_replaces_the_grade_and_it_can_be_removed(self, people):
        post, clients = people.post, people.clients
        grade(clients["teacher"], post, points="6")
        grade(clients["teacher"], post, points="9")
        assert Grade.objects.get(post=post).points == 9
        grade(clients["teacher"], post, action="remove")
        assert not Grade.objects.exists()

    def test_only_instructors_grade(self, people):
        post, clients = people.post, people.clients
        assert grade(clients["author"], post, points="10").status_code == 403
        assert grade(clients["classmate"], post, points="10").status_code == 403
        assert not Grade.objects.exists()

    def test_the_admin_post_list_has_a_grade_column(self, people):
        post, clients = people.post, people.clients
        grade(clients["teacher"], post, points="7")
        html = clients["teacher"].get(reverse("admin:posts_post_changelist")).content.decode()
        assert '<td class="field-grade">7 / 10</td>' in html

    def test_the_grades_csv(self, people):
        post, clients = people.post, people.clients
        grade(clients["teacher"], post, points="7")
        response = clients["teacher"].get(reverse("participation:grades_csv"))
        assert response.content.startswith(b"\xef\xbb\xbf")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith(
            "Student,Real name,Username,Post,Address,Grade,Points,Out of,Letter,Given"
        )
        address = f"http://testserver{post.get_absolute_url()}"
        assert lines[1].startswith(f"Ana S,Ana Silva,ana,On Détente,{address},7 / 10,7.00,10.00,,")

    def test_your_posts_shows_the_students_grades_and_feedback(self, people):
        post, clients = people.post, people.clients
        grade(clients["teacher"], post, points="7")
        send_feedback(clients["teacher"], post)
        send_feedback(clients["teacher"], post, "More")
        html = clients["author"].get(reverse("posts:mine")).content.decode()
        assert "Your grades and private feedback" in html
        row = html.split(f'href="{post.get_absolute_url()}#private-feedback"')[1].split("</tr>")[0]
        assert "7 / 10" in row
        assert "2 messages" in row
        assert "Your weeks this term" in html
        other = clients["classmate"].get(reverse("posts:mine")).content.decode()
        assert "7 / 10" not in other
        assert "On Détente" not in other
