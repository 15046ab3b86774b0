"""Who may see what, on every path: pages, listings, counts, feeds, sitemaps.

A course is public, members-only or class-only, and a post may be class only. For
each combination and each kind of reader, a post the reader may not read must be
absent everywhere: 404 (not 403) on its page, and nothing of it (title, slug,
comment count) in listings, author and source pages, feeds or the sitemap.
"""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import FeedToken
from accounts.roles import make_student
from course.models import Audience, CourseSettings
from posts.models import Post
from tests.factories import cite, make_comment, make_post, make_source, make_user
from topics.models import Topic
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db
READERS = ["guest", "member", "student", "instructor"]
# Who may read a published post, by (course audience, post visibility).
MAY_READ = {
    ("public", "course"): {"guest", "member", "student", "instructor"},
    ("public", "class"): {"student", "instructor"},
    ("members", "course"): {"member", "student", "instructor"},
    ("members", "class"): {"student", "instructor"},
    ("class", "course"): {"student", "instructor"},
    ("class", "class"): {"student", "instructor"},
}


def set_course(audience: str) -> None:
    course = CourseSettings.load()
    course.visibility = audience
    course.save()


@pytest.fixture
def people(db):
    author = make_user("writer", display_name="Quill")
    make_student(author)
    student = make_user("classmate")
    make_student(student)
    return {
        "author": author,
        "member": make_user("visitor"),
        "student": student,
        "instructor": make_user("teacher", instructor=True),
    }


def client_for(reader: str, people) -> Client:
    client = Client()
    if reader != "guest":
        client.force_login(people[reader])
    return client


@pytest.fixture
def secret(people):
    """A post whose title and slug must not leak, with comments, a source and an author."""
    post = make_post(author=people["author"], title="Zebra secret essay", slug="zebra-secret")
    for _ in range(3):
        make_comment(post)
    cite(post, make_source(title="Unique source title"))
    post.topics.add(Topic.objects.create(name="Steppe", slug="steppe"))
    post.tags.add("zebras")
    # Imported from WordPress: its old addresses must not lead a reader who may not
    # read it to its new one.
    ImportedItem.objects.create(
        site="https://old.example",
        kind="post",
        wp_id="77",
        object_id=post.pk,
        old_path="/2018/11/05/zebra-secret/",
    )
    return post


def visible_in_listings(client: Client, post: Post, people) -> dict[str, bool]:
    when = timezone.localdate(post.published_at)
    pages = {
        "home": client.get(reverse("posts:list"), follow=True),
        "author": client.get(reverse("posts:author", kwargs={"pk": people["author"].pk})),
        "source": client.get(reverse("posts:source", kwargs={"pk": post.sources.get().pk})),
        "topic": client.get(reverse("topics:detail", kwargs={"slug": "steppe"})),
        "tag": client.get(reverse("topics:tag", kwargs={"slug": "zebras"})),
        "month": client.get(reverse("posts:month", args=[when.year, when.month])),
    }
    found = {name: "Zebra secret essay" in r.content.decode() for name, r in pages.items()}
    suggestions = client.get(reverse("posts:source_search"), {"q": "Unique source"})
    found["source suggestions"] = "Unique source title" in suggestions.content.decode()
    for name, q, shown in (
        ("search: post", "zebra essay", "Zebra secret essay"),
        ("search: comments", "comment number", "3 results for"),
        ("search: source", "unique source", "Unique source title"),
    ):
        searched = client.get(reverse("search:results"), {"q": q}).content.decode()
        found[name] = shown in searched.replace("<mark>", "").replace("</mark>", "")
    return found


def old_addresses_lead_to(client: Client) -> set[str]:
    """Where the post's old WordPress addresses send this reader (404s left out)."""
    found = set()
    for old in ("/?p=77", "/2018/11/05/zebra-secret/", "/zebra-secret/"):
        response = client.get(old)
        assert response.status_code in (301, 302, 404), old
        if response.status_code != 404:
            found.add(response["Location"])
    return found


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("course_audience", "post_visibility"), list(MAY_READ))
def test_a_post_exists_only_for_those_who_may_read_it(
    people, secret, reader, course_audience, post_visibility
):
    set_course(course_audience)
    secret.visibility = post_visibility
    secret.save()
    allowed = reader in MAY_READ[(course_audience, post_visibility)]
    client = client_for(reader, people)

    page = client.get(secret.get_absolute_url())
    assert page.status_code == (200 if allowed else 404)
    if not allowed:
        assert "Zebra" not in page.content.decode()
    assert visible_in_listings(client, secret, people) == {
        "home": allowed,
        "author": allowed,
        "source": allowed,
        "topic": allowed,
        "tag": allowed,
        "source suggestions": allowed and reader != "guest",  # the editor's, for members
        "month": allowed,
        "search: post": allowed,
        "search: comments": allowed,
        "search: source": allowed,
    }
    feed = client.get(reverse("posts:comments_feed", kwargs={"slug": secret.slug}))
    public = (course_audience, post_visibility) == ("public", "course")
    assert feed.status_code == (200 if public else 404)
    assert ("Zebra" in client.get(reverse("posts:feed")).content.decode()) is public
    topic_feed = client.get(reverse("topics:feed", kwargs={"slug": "steppe"}))
    assert ("Zebra" in topic_feed.content.decode()) is public
    assert ("zebra-secret" in client.get("/sitemap.xml").content.decode()) is public
    assert old_addresses_lead_to(client) == (
        {"/posts/zebra-secret/?from=wordpress"} if allowed else set()
    )


@pytest.mark.parametrize(("course_audience", "post_visibility"), list(MAY_READ))
def test_pages_that_are_not_public_say_so(people, secret, course_audience, post_visibility):
    set_course(course_audience)
    secret.visibility = post_visibility
    secret.save()
    public = (course_audience, post_visibility) == ("public", "course")
    response = client_for("instructor", people).get(secret.get_absolute_url())
    assert (response.get("X-Robots-Tag") == "noindex") is not public
    assert ('<meta name="robots" content="noindex">' in response.content.decode()) is not public
    assert "private" in response["Cache-Control"]


def test_a_public_post_page_for_a_guest_is_indexable_and_shared(people, secret):
    response = Client().get(secret.get_absolute_url())
    assert "X-Robots-Tag" not in response
    assert "noindex" not in response.content.decode()
    assert "private" not in response.get("Cache-Control", "")


def test_a_class_only_post_is_never_kept_in_the_anonymous_page_cache(people, secret):
    from posts.page_cache import _pages

    secret.visibility = Audience.CLASS
    secret.save()
    client_for("student", people).get(secret.get_absolute_url())
    Client().get(secret.get_absolute_url())
    assert not any(key.startswith(f"post-page:{secret.pk}:") for key in _pages._pages)


def test_on_a_class_only_course_a_guest_is_asked_to_log_in(people, secret):
    set_course(Audience.CLASS)
    response = Client().get(reverse("posts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Client().get(secret.get_absolute_url()).status_code == 404


def test_counts_on_listings_count_only_what_they_show(people, secret):
    """The home page's "N thoughts" belongs to a listed post; a hidden post gives none."""
    other = make_post(author=people["author"], title="Open essay")
    make_comment(other)
    secret.visibility = Audience.CLASS
    secret.save()
    html = Client().get(reverse("posts:list")).content.decode()
    assert "1 thought" in html
    assert "3 thoughts" not in html


def test_an_author_with_nothing_the_reader_may_read_does_not_exist(people, secret):
    secret.visibility = Audience.CLASS
    secret.save()
    response = Client().get(reverse("posts:author", kwargs={"pk": people["author"].pk}))
    assert response.status_code == 404
    assert "Quill" not in response.content.decode()


def test_a_draft_is_its_authors_and_the_instructors_only(people):
    draft = make_post(author=people["author"], status=Post.Status.DRAFT, published_at=None)
    for reader, status in [("guest", 404), ("member", 404), ("student", 404), ("instructor", 200)]:
        assert client_for(reader, people).get(draft.get_absolute_url()).status_code == status
    author = Client()
    author.force_login(people["author"])
    assert author.get(draft.get_absolute_url()).status_code == 200


class TestPersonalFeeds:
    def test_a_members_token_feed_holds_what_they_may_read(self, people, secret):
        set_course(Audience.CLASS)
        token = FeedToken.for_user(people["student"]).token
        response = Client().get(reverse("posts:private_feed", kwargs={"token": token}))
        assert response.status_code == 200
        assert "Zebra secret essay" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex"
        comments = Client().get(
            reverse("posts:private_comments_feed", kwargs={"slug": secret.slug, "token": token})
        )
        assert comments.status_code == 200
        assert len(ET.fromstring(comments.content).findall(".//item")) == 3  # noqa: S314

    def test_a_members_feed_holds_nothing_beyond_their_role(self, people, secret):
        set_course(Audience.CLASS)
        token = FeedToken.for_user(people["member"]).token
        html = Client().get(reverse("posts:private_feed", kwargs={"token": token}))
        assert "Zebra" not in html.content.decode()

    def test_revoking_stops_the_old_address(self, people, secret):
        token = FeedToken.for_user(people["student"])
        old = token.token
        token.revoke()
        assert Client().get(reverse("posts:private_feed", kwargs={"token": old})).status_code == 404
        url = reverse("posts:private_feed", kwargs={"token": token.token})
        assert Client().get(url).status_code == 200

    def test_the_account_page_shows_the_address_and_revokes_it(self, people, secret):
        client = client_for("student", people)
        old = FeedToken.for_user(people["student"]).token
        page = client.get(reverse("accounts:account")).content.decode()
        assert reverse("posts:private_feed", kwargs={"token": old}) in page
        assert Client().post(reverse("accounts:revoke_feed")).status_code == 302  # to log in
        assert FeedToken.objects.get(user=people["student"]).token == old
        response = client.post(reverse("accounts:revoke_feed"), follow=True)
        new = FeedToken.objects.get(user=people["student"]).token
        assert new != old
        assert "Your feed address is new" in response.content.decode()
        assert reverse("posts:private_feed", kwargs={"token": new}) in response.content.decode()
        assert Client().get(reverse("posts:private_feed", kwargs={"token": old})).status_code == 404

    def test_an_inactive_members_feed_stops(self, people, secret):
        token = FeedToken.for_user(people["student"]).token
        people["student"].is_active = False
        people["student"].save()
        url = reverse("posts:private_feed", kwargs={"token": token})
        assert Client().get(url).status_code == 404
