"""Display names, anonymity to classmates, and the end of the term, as readers meet them."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.roles import make_student
from comments.forms import issue_stamp
from comments.models import Comment
from course.models import CourseSettings
from posts.models import Post
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db


def course(**changes) -> None:
    settings = CourseSettings.load()
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()


@pytest.fixture
def pupil(db):
    user = make_user("pupil", first_name="Priya", last_name="Realname", display_name="Owl")
    make_student(user)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestDisplayNames:
    def test_others_see_the_display_name_never_the_real_name(self, pupil):
        post = make_post(author=pupil, title="An essay")
        make_comment(post, user=pupil, author_name="Owl")
        for client in (Client(), logged_in(make_user("other"))):
            html = client.get(post.get_absolute_url()).content.decode()
            assert "Owl" in html
            assert "Realname" not in html
            assert "Priya" not in html

    def test_a_member_changes_it_and_every_page_follows(self, pupil):
        post = make_post(author=pupil)
        make_comment(post, user=pupil, author_name="Owl")
        Client().get(post.get_absolute_url())  # cached now
        response = logged_in(pupil).post(reverse("accounts:account"), {"display_name": "Heron"})
        assert response.status_code == 302
        html = Client().get(post.get_absolute_url()).content.decode()
        assert "Heron" in html
        assert ">Owl<" not in html

    def test_it_is_unique_in_the_course_ignoring_case(self, pupil):
        make_user("other", display_name="Kestrel")
        response = logged_in(pupil).post(reverse("accounts:account"), {"display_name": "kestrel"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "already uses this name" in html
        assert 'value="kestrel"' in html
        pupil.refresh_from_db()
        assert pupil.display_name == "Owl"

    def test_the_account_page_shows_the_real_name_to_its_owner_only(self, pupil):
        assert (
            "Priya Realname" in logged_in(pupil).get(reverse("accounts:account")).content.decode()
        )


class TestAnonymousToClassmates:
    @pytest.fixture
    def post(self, pupil):
        course(anonymous_comments=True, anonymous_posts=True)
        return make_post(author=make_user("author"))

    def test_the_option_is_offered_to_students_only_when_allowed(self, post, pupil):
        html = logged_in(pupil).get(post.get_absolute_url()).content.decode()
        assert "Anonymous to classmates" in html
        assert (
            "Anonymous to classmates" not in Client().get(post.get_absolute_url()).content.decode()
        )
        course(anonymous_comments=False)
        html = logged_in(pupil).get(post.get_absolute_url()).content.decode()
        assert "Anonymous to classmates" not in html

    def test_everyone_but_instructors_sees_an_anonymous_classmate(self, post, pupil, instructor):
        response = logged_in(pupil).post(
            post.get_absolute_url(),
            {"body": "A shy thought.", "anonymous": "on", "issued": issue_stamp()},
        )
        assert response.status_code == 302
        comment = Comment.objects.get(body="A shy thought.")
        assert comment.anonymous
        assert comment.user == pupil
        make_comment(post, parent=comment, author_name="Replier")
        for reader in (Client(), logged_in(make_user("classmate"))):
            html = reader.get(post.get_absolute_url()).content.decode()
            assert "Anonymous classmate" in html
            assert "Owl" not in html
            assert "Reply to Owl" not in html
        teacher_view = logged_in(instructor).get(post.get_absolute_url()).content.decode()
        assert "Owl" in teacher_view
        assert "anonymous to classmates" in teacher_view

    def test_replies_and_emails_never_reveal_the_author(
        self, post, pupil, django_capture_on_commit_callbacks
    ):
        comment = make_comment(post, user=pupil, author_name="Owl", anonymous=True)
        html = Client().get(post.get_absolute_url(), {"replytocom": comment.pk}).content.decode()
        assert "Reply to Anonymous classmate" in html
        assert "Owl" not in html
        with django_capture_on_commit_callbacks(execute=True):
            logged_in(pupil).post(
                post.get_absolute_url(),
                {"body": "Another shy one.", "anonymous": "on", "issued": issue_stamp()},
            )
        to_author = [m for m in mail.outbox if post.author.email in m.to]
        assert to_author
        assert all("Owl" not in m.body and "Anonymous classmate" in m.body for m in to_author)

    def test_an_anonymous_post_hides_its_author_and_author_page(self, pupil, instructor):
        course(anonymous_posts=True)
        post = make_post(author=pupil, title="A brave essay", anonymous=True)
        html = Client().get(post.get_absolute_url()).content.decode()
        assert "Anonymous classmate" in html
        assert "Owl" not in html
        assert reverse("posts:author", kwargs={"pk": pupil.pk}) not in html
        author_page = Client().get(reverse("posts:author", kwargs={"pk": pupil.pk}))
        assert author_page.status_code == 404
        assert "Owl" in logged_in(instructor).get(post.get_absolute_url()).content.decode()
        feed = Client().get(reverse("posts:feed")).content.decode()
        assert "Owl" not in feed
        assert "Anonymous classmate" in feed

    def test_instructors_see_who_wrote_it_everywhere_they_work(self, post, pupil, instructor):
        make_student(pupil)
        make_post(author=pupil, title="A brave essay", anonymous=True)
        make_comment(post, user=pupil, author_name="Owl", anonymous=True, body="Shy words.")
        teacher = logged_in(instructor)
        instructor.is_staff = True
        instructor.save()

        comments_admin = teacher.get(reverse("admin:comments_comment_changelist")).content
        assert "Owl" in comments_admin.decode()
        posts_admin = teacher.get(reverse("admin:posts_post_changelist")).content.decode()
        assert "Owl (Priya Realname), anonymous to classmates" in posts_admin
        term = {"start": "2000-01-01", "end": "2100-01-01"}
        report = teacher.get(reverse("participation:report"), term).content.decode()
        assert "Owl" in report or "Realname" in report
        csv_export = teacher.get(reverse("participation:export"), term).content.decode("utf-8-sig")
        row = next(line for line in csv_export.splitlines() if "Realname" in line or "Owl" in line)
        assert ",1," in row  # the anonymous post counts for its author
        student_page = teacher.get(reverse("participation:student", kwargs={"pk": pupil.pk}))
        assert "A brave essay" in student_page.content.decode()
        assert "Shy words." in student_page.content.decode()


class TestEndOfTerm:
    @pytest.fixture
    def ended(self):
        course(ended=True, ended_on="2026-12-18")

    def test_every_page_says_the_course_ended(self, ended, post):
        html = Client().get(post.get_absolute_url()).content.decode()
        assert "This course ended on December 18, 2026." in html

    def test_comments_close_for_students_and_guests_not_instructors(
        self, ended, post, pupil, instructor
    ):
        for client in (Client(), logged_in(pupil)):
            html = client.get(post.get_absolute_url()).content.decode()
            assert 'id="commentform"' not in html
            assert "This course ended on December 18, 2026." in html
            refused = client.post(
                post.get_absolute_url(),
                {"name": "G", "email": "g@example.com", "body": "Late.", "issued": issue_stamp()},
            )
            assert refused.status_code == 403
            assert "Late." in refused.content.decode()
        assert (
            'id="commentform"'
            in logged_in(instructor).get(post.get_absolute_url()).content.decode()
        )

    def test_the_editor_refuses_to_save_and_says_why(self, ended, pupil):
        post = make_post(author=pupil, status=Post.Status.DRAFT, published_at=None, title="Old")
        client = logged_in(pupil)
        page = client.get(reverse("posts:edit", kwargs={"pk": post.pk})).content.decode()
        assert "This course ended on December 18, 2026." in page
        response = client.post(
            reverse("posts:edit", kwargs={"pk": post.pk}),
            {
                "title": "New title",
                "body": "<p>Kept text</p>",
                "action": "publish",
                "sources-TOTAL_FORMS": "0",
                "sources-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 403
        assert "Kept text" in response.content.decode()
        post.refresh_from_db()
        assert (post.title, post.status) == ("Old", Post.Status.DRAFT)
        autosave = client.post(reverse("posts:autosave", kwargs={"pk": post.pk}), {"title": "X"})
        assert autosave.status_code == 403

    def test_unlocking_gives_back_exactly_what_there_was(self, post, pupil):
        post.comments_open = False
        post.save()
        other = make_post()
        course(ended=True)
        course(ended=False)
        post.refresh_from_db()
        assert not post.comments_open
        html = logged_in(pupil).get(other.get_absolute_url()).content.decode()
        assert 'id="commentform"' in html
        assert "course ended" not in html


def test_on_an_anonymous_post_no_comment_is_marked_as_the_post_authors(pupil, instructor):
    course(anonymous_posts=True)
    post = make_post(author=pupil, anonymous=True)
    make_comment(post, user=pupil, author_name="Owl")
    html = Client().get(post.get_absolute_url()).content.decode()
    assert "author-badge" not in html
    assert "author-badge" in logged_in(instructor).get(post.get_absolute_url()).content.decode()
