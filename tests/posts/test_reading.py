"""What helps a reader find their way: the header, previous/next posts, the archives.

Each shows only posts the reader may read (course/visibility.py): a class-only post
is skipped for guests as if it did not exist.
"""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import make_student
from course.models import Audience, CourseSettings, SiteVersion
from posts.models import Post
from tests.factories import make_post, make_user
from topics.models import Topic

pytestmark = pytest.mark.django_db
HOME = reverse("posts:list")


def at(year: int, month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


@pytest.fixture
def student_client(db) -> Client:
    student = make_user("classmate")
    make_student(student)
    client = Client()
    client.force_login(student)
    return client


# The header


def test_the_header_shows_the_course_title_and_tagline(client):
    course = CourseSettings.load()
    course.title = "History 210"
    course.tagline = "Essays on the Cold War, and what we make of them"
    course.save()

    html = client.get(HOME).content.decode()

    assert '<a href="/" rel="home">History 210</a>' in html
    assert '<p class="site-tagline">Essays on the Cold War, and what we make of them</p>' in html


def test_without_a_tagline_the_header_has_no_empty_line(client):
    assert "site-tagline" not in client.get(HOME).content.decode()


def test_the_instructor_sets_the_tagline_in_course_settings_as_one_line(admin_client):
    url = reverse("admin:course_coursesettings_change", args=[CourseSettings.load().pk])
    assert 'name="tagline"' in admin_client.get(url).content.decode()

    course = CourseSettings.load()
    course.tagline = "Two\nlines"
    with pytest.raises(ValidationError, match="single line"):
        course.full_clean()


def test_the_menu_offers_archives_until_the_course_has_topics(client):
    html = client.get(HOME).content.decode()
    assert f'<a href="{reverse("posts:archives")}">Archives</a>' in html
    assert f'role="search" method="get" action="{reverse("search:results")}"' in html
    assert ">Topics</a>" not in html

    Topic.objects.create(name="Diplomacy")
    html = client.get(HOME).content.decode()
    assert f'<a href="{reverse("topics:index")}">Topics</a>' in html
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert f'<a href="{reverse("posts:archives")}">Archives</a>' in footer


def test_the_topics_page_counts_only_posts_the_reader_may_read(client, student_client):
    topic = Topic.objects.create(name="Diplomacy")
    make_post().topics.add(topic)
    make_post(visibility=Audience.CLASS).topics.add(topic)

    assert (
        'Diplomacy</a> <span class="count">(1 post)'
        in client.get(reverse("topics:index")).content.decode()
    )
    assert "(2 posts)" in student_client.get(reverse("topics:index")).content.decode()


# Previous and next posts


def neighbours(client: Client, post: Post) -> dict[str, str | None]:
    html = client.get(post.get_absolute_url()).content.decode()
    found = {}
    for rel in ("prev", "next"):
        marker = f'rel="{rel}" href="'
        start = html.find(marker)
        found[rel] = (
            html[start + len(marker) : html.index('"', start + len(marker))] if start >= 0 else None
        )
    return found


def test_a_post_links_to_the_posts_published_before_and_after_it(client):
    first = make_post(title="First", published_at=at(2026, 9, 1))
    second = make_post(title="Second", published_at=at(2026, 9, 2))
    third = make_post(title="Third", published_at=at(2026, 9, 3))

    assert neighbours(client, second) == {
        "prev": first.get_absolute_url(),
        "next": third.get_absolute_url(),
    }
    assert neighbours(client, first) == {"prev": None, "next": second.get_absolute_url()}
    html = client.get(third.get_absolute_url()).content.decode()
    assert '<span class="nav-label">Previous post</span> Second</a>' in html
    assert "Next post" not in html


def test_posts_published_at_the_same_moment_still_chain(client):
    same = at(2026, 9, 1)
    a, b, c = (make_post(published_at=same) for _ in range(3))
    assert neighbours(client, b) == {"prev": a.get_absolute_url(), "next": c.get_absolute_url()}


def test_a_class_only_neighbour_is_skipped_for_guests(client, student_client):
    first = make_post(title="First", published_at=at(2026, 9, 1))
    hidden = make_post(title="Class secret", published_at=at(2026, 9, 2), visibility=Audience.CLASS)
    third = make_post(title="Third", published_at=at(2026, 9, 3))
    make_post(title="A draft", status=Post.Status.DRAFT, published_at=None)

    assert neighbours(client, first)["next"] == third.get_absolute_url()
    assert neighbours(client, third)["prev"] == first.get_absolute_url()
    assert "Class secret" not in client.get(third.get_absolute_url()).content.decode()
    assert neighbours(student_client, first)["next"] == hidden.get_absolute_url()


def test_a_neighbour_made_class_only_leaves_the_cached_page_at_once(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = make_post(title="First", published_at=at(2026, 9, 1))
    second = make_post(title="Second", published_at=at(2026, 9, 2))
    assert neighbours(client, first)["next"] == second.get_absolute_url()  # now kept

    second.visibility = Audience.CLASS
    second.save()

    assert neighbours(client, first)["next"] is None
    assert "Second" not in client.get(first.get_absolute_url()).content.decode()


def test_only_changes_other_pages_show_raise_the_site_version():
    post = make_post()
    post = Post.objects.get(pk=post.pk)
    before = SiteVersion.current()
    post.body = "<p>Edited.</p>"
    post.save()
    assert SiteVersion.current() == before, "an edit of the text alone costs no other page"
    post.title = "A new title"
    post.save()
    assert SiteVersion.current() == before + 1
    post.delete()
    assert SiteVersion.current() == before + 2


def test_a_draft_has_no_neighbours(client):
    make_post(published_at=at(2026, 9, 1))
    author = make_user()
    draft = make_post(author=author, status=Post.Status.DRAFT, published_at=None)
    client.force_login(author)
    assert neighbours(client, draft) == {"prev": None, "next": None}


# The archives


def test_the_archives_list_months_with_the_posts_the_reader_may_read(client, student_client):
    make_post(published_at=at(2026, 9, 1))
    make_post(published_at=at(2026, 9, 20))
    make_post(published_at=at(2026, 11, 5))
    make_post(published_at=at(2026, 10, 5), visibility=Audience.CLASS)
    make_post(status=Post.Status.DRAFT, published_at=None)

    html = client.get(reverse("posts:archives")).content.decode()

    months = [line.strip() for line in html.splitlines() if "/archives/20" in line]
    assert months == [
        '<li><a href="/archives/2026/11/">November 2026</a> '
        '<span class="count">(1 post)</span></li>',
        '<li><a href="/archives/2026/9/">September 2026</a> '
        '<span class="count">(2 posts)</span></li>',
    ]
    assert "October 2026" in student_client.get(reverse("posts:archives")).content.decode()


def test_a_month_lists_its_posts_newest_first(client):
    make_post(title="Early September", published_at=at(2026, 9, 1))
    make_post(title="Late September", published_at=at(2026, 9, 28))
    make_post(title="October", published_at=at(2026, 10, 1))

    response = client.get(reverse("posts:month", args=[2026, 9]))

    html = response.content.decode()
    assert '<h1 class="page-title">Posts of September 2026</h1>' in html
    assert html.index("Late September") < html.index("Early September")
    assert html.count('class="post-summary"') == 2
    assert ">October</a>" not in html


@pytest.mark.parametrize("path", ["/archives/2026/13/", "/archives/2026/0/", "/archives/2026/8/"])
def test_a_month_without_posts_the_reader_may_read_does_not_exist(client, path):
    make_post(published_at=at(2026, 9, 1))
    make_post(published_at=at(2026, 8, 1), visibility=Audience.CLASS)
    assert client.get(path).status_code == 404


def test_on_a_class_only_course_a_guest_is_asked_to_log_in_for_the_archives(client):
    course = CourseSettings.load()
    course.visibility = Audience.CLASS
    course.save()
    make_post()
    response = client.get(reverse("posts:archives"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
