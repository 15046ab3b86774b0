"""Topics and tags: on posts, their own pages, the feeds, the editor."""

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from accounts.roles import make_student
from posts.models import Post
from tests.factories import make_post, make_user
from tests.posts.test_editor import WRITE, post_data
from topics.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def cold_war():
    return Topic.objects.create(name="Cold War", description="1947 to 1991.")


def test_a_topic_gets_a_free_slug_from_its_name(cold_war):
    assert cold_war.slug == "cold-war"
    assert Topic.objects.create(name="Cold war").slug == "cold-war-2"


def test_a_post_shows_its_topics_and_tags_with_links(client, cold_war):
    post = make_post(title="The Sino-Soviet Split")
    post.topics.add(cold_war)
    post.tags.add("China", "USSR")
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'<a href="{cold_war.get_absolute_url()}" rel="category">Cold War</a>' in html
    china = reverse("topics:tag", kwargs={"slug": "china"})
    assert f'<a href="{china}" rel="tag">China</a>' in html


def test_a_topic_page_lists_its_published_posts_newest_first_in_pages(client, cold_war):
    now = timezone.now()
    for day in range(12):
        post = make_post(title=f"Essay {day}", published_at=now - timezone.timedelta(days=day))
        post.topics.add(cold_war)
    make_post(title="Elsewhere")
    draft = make_post(title="Unfinished", status=Post.Status.DRAFT, published_at=None)
    draft.topics.add(cold_war)
    first = client.get(cold_war.get_absolute_url()).content.decode()
    assert "Topic: Cold War" in first
    assert "1947 to 1991." in first
    assert first.index("Essay 0") < first.index("Essay 9")
    assert "Essay 10" not in first  # ten a page, like the home page
    assert "Elsewhere" not in first
    assert "Unfinished" not in first
    second = client.get(cold_war.get_absolute_url(), {"page": 2}).content.decode()
    assert "Essay 10" in second
    assert "Essay 11" in second


def test_a_tag_page_lists_its_posts(client):
    post = make_post(title="The Sino-Soviet Split")
    post.tags.add("China")
    make_post(title="Elsewhere")
    html = client.get(reverse("topics:tag", kwargs={"slug": "china"})).content.decode()
    assert "Tagged “China”" in html
    assert "The Sino-Soviet Split" in html
    assert "Elsewhere" not in html


def test_unknown_topics_and_tags_are_404(client):
    assert client.get(reverse("topics:detail", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("topics:tag", kwargs={"slug": "nope"})).status_code == 404


def test_the_feeds_give_topics_and_tags_as_categories(client, cold_war):
    post = make_post(title="The Sino-Soviet Split")
    post.topics.add(cold_war)
    post.tags.add("China")
    make_post(title="Elsewhere")
    feed = client.get(reverse("posts:feed")).content.decode()
    assert "<category>Cold War</category><category>China</category>" in feed
    topic_feed = client.get(reverse("topics:feed", kwargs={"slug": "cold-war"})).content.decode()
    assert "The Sino-Soviet Split" in topic_feed
    assert "Elsewhere" not in topic_feed


def test_the_writer_picks_topics_and_types_tags_in_the_editor(client, cold_war):
    writer = make_user("anderson")
    make_student(writer)
    client.force_login(writer)
    page = client.get(WRITE).content.decode()
    assert 'name="topics"' in page
    assert 'name="tags"' in page
    client.post(WRITE, post_data(topics=[cold_war.pk], tags="China, Cold War history"))
    post = Post.objects.get()
    assert list(post.topics.all()) == [cold_war]
    assert sorted(post.tags.names()) == ["China", "Cold War history"]


def test_tags_are_one_whatever_their_case():
    first, second = make_post(), make_post()
    first.tags.add("China")
    second.tags.add("china")
    assert Tag.objects.count() == 1


def test_instructors_manage_topics_and_set_them_and_tags_on_posts_in_the_admin(
    client, instructor, cold_war
):
    client.force_login(instructor)
    assert client.get(reverse("admin:topics_topic_add")).status_code == 200
    post = make_post(title="The Sino-Soviet Split")
    page = client.get(reverse("admin:posts_post_change", args=[post.pk])).content.decode()
    assert 'name="topics"' in page
    assert 'name="tags"' in page
    client.post(
        reverse("admin:topics_topic_add"), {"name": "Decolonisation", "slug": "decolonisation"}
    )
    assert Topic.objects.filter(slug="decolonisation").exists()
