"""Exemplary work: a badge where the work shows, a page that lists it, and the author's
choice not to be listed."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from participation import exemplary
from participation.models import ExemplaryComment, ExemplaryPost, Preferences
from tests.factories import make_comment, make_post, make_user
from tests.participation.conftest import student

pytestmark = pytest.mark.django_db

BADGE = 'class="exemplary-badge"'


@pytest.fixture
def teacher(db):
    client = Client()
    client.user = make_user("morgan", instructor=True)
    client.force_login(client.user)
    return client


def mark(client, item, *, on=True, next_url=""):
    name = "participation:mark_post" if hasattr(item, "slug") else "participation:mark_comment"
    data = {"exemplary": "1" if on else "0", "next": next_url}
    return client.post(reverse(name, args=[item.pk]), data)


def test_an_exemplary_post_shows_a_badge_on_its_page_and_in_listings_at_once(teacher):
    author = student("ana")
    post = make_post(author=author, title="Model essay")
    guest = Client()
    assert BADGE not in guest.get(post.get_absolute_url()).content.decode()  # cached now
    response = mark(teacher, post)
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    for url in (
        post.get_absolute_url(),
        reverse("posts:list"),
        reverse("posts:author", args=[author.pk]),
    ):
        assert BADGE in guest.get(url).content.decode(), url
    mark(teacher, post, on=False)
    assert BADGE not in guest.get(post.get_absolute_url()).content.decode()


def test_the_exemplary_page_lists_marked_work_the_reader_may_read(teacher):
    author = student("ana")
    post = make_post(author=author, title="Model essay")
    other = make_post(author=author, title="Ordinary essay")
    good = make_comment(other, body="A model comment.", user=author)
    mark(teacher, post)
    mark(teacher, good)
    html = Client().get(reverse("participation:exemplary")).content.decode()
    assert "Model essay" in html
    assert "A model comment." in html
    assert "Ordinary essay</a>”" in html  # the comment's post, as its context
    # Unpublished, the post and its comments are for its author and the instructors only.
    for item in (post, other):
        item.status = "draft"
        item.save()
    html = Client().get(reverse("participation:exemplary")).content.decode()
    assert "Model essay" not in html
    assert "A model comment." not in html
    mine = Client()
    mine.force_login(author)
    assert "Model essay" not in mine.get(reverse("participation:exemplary")).content.decode()


def test_an_author_who_opts_out_is_neither_listed_nor_badged(teacher):
    author = student("ana")
    post = make_post(author=author, title="Model essay")
    comment = make_comment(post, body="My model comment.", user=author)
    mark(teacher, post)
    mark(teacher, comment)
    guest = Client()
    assert BADGE in guest.get(post.get_absolute_url()).content.decode()
    assert exemplary.exemplary_comment_ids(post) == {comment.pk}
    member = Client()
    member.force_login(author)
    response = member.post(
        reverse("participation:preferences"), {"email_feedback": "on"}
    )  # list_exemplary unticked
    assert response.status_code == 302
    assert Preferences.objects.get(user=author).list_exemplary is False
    assert BADGE not in guest.get(post.get_absolute_url()).content.decode()  # no stale page
    html = guest.get(reverse("participation:exemplary")).content.decode()
    assert "Model essay" not in html
    assert "My model comment." not in html
    assert exemplary.exemplary_comment_ids(post) == set()
    teacher_view = teacher.get(post.get_absolute_url()).content.decode()
    assert "Marked as exemplary (not shown: Ana chose not to be listed)" in teacher_view


def test_exemplary_comment_ids_are_one_query_and_only_approved_comments(
    post, teacher, django_assert_num_queries
):
    comments = [make_comment(post) for _ in range(3)]
    for comment in comments:
        mark(teacher, comment)
    comments[0].trash()
    with django_assert_num_queries(1):
        ids = exemplary.exemplary_comment_ids(post)
    assert ids == {comments[1].pk, comments[2].pk}


def test_marking_a_comment_moves_the_discussion_version(post, teacher):
    comment = make_comment(post)
    post.refresh_from_db()
    before = post.discussion_version
    mark(teacher, comment)
    post.refresh_from_db()
    assert post.discussion_version == before + 1


def test_only_instructors_mark_and_only_published_posts_or_approved_comments(post, teacher):
    author = Client()
    author.force_login(post.author)
    assert mark(author, post).status_code == 403
    held = make_comment(post, status=Comment.Status.PENDING)
    assert mark(teacher, held).status_code == 404
    draft = make_post(status="draft", published_at=None)
    assert mark(teacher, draft).status_code == 404
    assert not ExemplaryPost.objects.exists()
    assert not ExemplaryComment.objects.exists()


def test_marking_returns_to_this_site_only(post, teacher):
    assert (
        mark(teacher, post, next_url="https://evil.example/")["Location"] == post.get_absolute_url()
    )
    assert mark(teacher, post, next_url="/participation/?x=1")["Location"] == "/participation/?x=1"


def test_preferences_need_a_login_and_default_to_yes(db):
    response = Client().get(reverse("participation:preferences"))
    assert response.status_code == 302
    member = Client()
    member.force_login(make_user("zoe"))
    html = member.get(reverse("participation:preferences")).content.decode()
    assert html.count("checked") == 2


def test_an_anonymous_exemplary_comment_stays_anonymous_on_the_exemplary_page(instructor):
    from django.test import Client

    from accounts.roles import make_student
    from comments.models import Comment
    from course.models import CourseSettings
    from participation import exemplary as marks
    from tests.factories import make_comment, make_post, make_user

    course = CourseSettings.load()
    course.anonymous_comments = True
    course.save()
    shy = make_user("shy", display_name="Secret Heron")
    make_student(shy)
    post = make_post()
    comment = make_comment(post, user=shy, author_name="Secret Heron", anonymous=True)
    marks.mark_comment(Comment.objects.get(pk=comment.pk), by=instructor, exemplary=True)
    html = Client().get("/exemplary/").content.decode()
    assert "Anonymous classmate" in html
    assert "Secret Heron" not in html
