"""Cached pages never outlive what they show: every relevant write moves their key.

Each test warms the caches, then poisons them (every cached discussion and every
whole page is replaced by a marker), makes one change, and asks for the page again.
Serving the marker means a stale page was served. Making no change serves the
marker, so the tests can fail.
"""

import importlib

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from accounts.roles import make_instructor
from comments.models import Comment, DiscussionSettings
from course.models import CourseSettings
from posts import page_cache
from tests.factories import make_comment, make_post, make_user
from topics.models import Topic

pytestmark = pytest.mark.django_db
STALE = "STALE-CACHED-PAGE"


def poison_caches() -> None:
    """Replace whatever is cached with a marker, keeping the keys."""
    for key, (stored_at, _pieces) in list(page_cache._pages._pages.items()):
        page_cache._pages._pages[key] = (stored_at, [STALE.encode()])
    for key in list(cache._cache):  # locmem: every cached discussion page
        real_key = key.split(":", 2)[-1]
        value = cache.get(real_key)
        if value is not None and hasattr(value, "html"):
            cache.set(real_key, value.__class__(**{**value.__dict__, "html": STALE}))


def page(post, client=None) -> str:
    response = (client or Client()).get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def discussed(post):
    for _ in range(3):
        make_comment(post)
    return post


def warm_and_poison(post, client=None) -> None:
    page(post, client)
    poison_caches()


def test_the_poisoned_page_is_served_when_nothing_changed(discussed):
    """The premise of every test here: with no change, the cached page is what comes."""
    warm_and_poison(discussed)
    assert STALE in page(discussed)


def _changed_value(field, current):
    if field.choices:
        return next(value for value, _label in field.choices if value != current)
    if field.get_internal_type() == "BooleanField":
        return not current
    if field.get_internal_type() in ("PositiveSmallIntegerField", "PositiveIntegerField"):
        return current + 1 if current < 9 else current - 1
    return f"{current}\nchanged"


SETTINGS_FIELDS = [
    field.name
    for field in DiscussionSettings._meta.concrete_fields
    if field.editable and not field.primary_key
]


@pytest.mark.parametrize("field_name", SETTINGS_FIELDS)
@pytest.mark.parametrize("reader", ["guest", "member"])
def test_changing_any_discussion_setting_changes_the_next_page(
    discussed, field_name, reader, student
):
    client = Client()
    if reader == "member":
        client.force_login(student)
    warm_and_poison(discussed, client)
    rules = DiscussionSettings.load()
    field = DiscussionSettings._meta.get_field(field_name)
    setattr(rules, field_name, _changed_value(field, getattr(rules, field_name)))
    rules.save()
    assert STALE not in page(discussed, client)


def test_the_default_page_setting_shows_at_once(client, post):
    """The defect as found: "page shown first" changed, the bare address kept the old page."""
    for number in range(3):
        make_comment(post, body=f"Thread {number}.")
    rules = DiscussionSettings.load()
    rules.threads_per_page = 1
    rules.save()
    assert "Thread 2." in page(post)  # the newest page, as WordPress lands
    rules.default_page = "oldest"
    rules.save()
    html = page(post)
    assert "Thread 0." in html
    assert "Thread 2." not in html


def test_a_new_post_author_moves_the_post_author_mark(discussed):
    writer = make_user("writer")
    make_comment(discussed, user=writer, author_name="Writer")
    assert "author-badge" not in page(discussed)
    warm_and_poison(discussed)
    discussed.author = writer
    discussed.save()
    html = page(discussed)
    assert STALE not in html
    assert "author-badge" in html


def test_a_member_who_becomes_an_instructor_is_marked_at_once(discussed):
    member = make_user("tess")
    make_comment(discussed, user=member, author_name="Tess")
    assert "Instructor</span>" not in page(discussed)
    warm_and_poison(discussed)
    make_instructor(member)
    html = page(discussed)
    assert STALE not in html
    assert '<span class="comment-badge instructor-badge">Instructor</span>' in html


def test_an_instructor_removed_from_the_group_loses_the_mark(discussed, instructor):
    make_comment(discussed, user=instructor, author_name="Morgan Reyes")
    assert "instructor-badge" in page(discussed)
    warm_and_poison(discussed)
    instructor.groups.clear()
    html = page(discussed)
    assert STALE not in html
    assert "instructor-badge" not in html


def test_course_settings_and_member_renames_change_the_page(discussed):
    warm_and_poison(discussed)
    CourseSettings.load().save()
    assert STALE not in page(discussed)
    warm_and_poison(discussed)
    author = discussed.author
    author.first_name = "Renamed"
    author.save()
    assert STALE not in page(discussed)


def test_renaming_or_removing_a_topic_or_tag_changes_the_page(discussed):
    topic = Topic.objects.create(name="Steppe", slug="steppe")
    discussed.topics.add(topic)
    discussed.tags.add("China")
    warm_and_poison(discussed)
    topic.name = "The steppe"
    topic.save()
    assert STALE not in page(discussed)
    warm_and_poison(discussed)
    Tag.objects.get(name="China").delete()
    assert STALE not in page(discussed)


def test_logging_in_does_not_empty_the_caches(discussed, student):
    warm_and_poison(discussed)
    student.save(update_fields=["last_login"])
    assert STALE in page(discussed)


def test_dates_follow_the_sites_time_zone(settings, post):
    make_comment(post, created="2018-11-09T15:15:00Z")
    assert "November 9, 2018 at 3:15 pm" in page(post)
    warm_and_poison(post)
    settings.TIME_ZONE = "America/New_York"
    html = page(post)
    assert STALE not in html
    assert "November 9, 2018 at 10:15 am" in html
    assert 'datetime="2018-11-09T10:15:00-05:00"' in html


class TestStoredFragments:
    def test_hold_only_what_is_the_comments_own(self, post, instructor):
        comment = make_comment(
            post, user=post.author, author_name="Anderson", created="2018-11-09T15:15:00Z"
        )
        by_instructor = make_comment(post, user=instructor, author_name="Morgan Reyes")
        for stored in (comment.fragment_html, by_instructor.fragment_html):
            assert "author-badge" not in stored
            assert "Instructor" not in stored
            assert "2018" not in stored
            assert "<time" not in stored

    def test_serving_a_page_writes_nothing(self, post):
        make_comment(post)
        Comment.objects.update(fragment_html="")
        with CaptureQueriesContext(connection) as queries:
            page(post)
        writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        assert writes == []

    def test_the_command_rebuilds_them_with_progress(self, post):
        comments = [make_comment(post) for _ in range(5)]
        Comment.objects.update(fragment_html="")
        output = call_command_output("rebuild_comment_fragments", "--batch-size", "2")
        assert "2 of 5 comments (40%)" in output
        assert "5 of 5 comments (100%)" in output
        assert "5 comment fragment(s) made again." in output
        for comment in comments:
            comment.refresh_from_db()
            assert comment.fragment_html == comment.fragment()

    def test_the_migration_gives_old_rows_the_current_format(self, post):
        comment = make_comment(post, author_name="Old\x0bName")
        Comment.objects.filter(pk=comment.pk).update(
            fragment_html='<article id="div-comment-\x01">old</article>',
            author_name="Old\x0bName",
        )
        migration = importlib.import_module(
            "comments.migrations.0005_settings_version_and_comment_own_fragments"
        )
        from django.apps import apps

        migration.store_own_fragments(apps, None)
        comment.refresh_from_db()
        assert comment.author_name == "OldName"  # control characters go, not become spaces
        assert comment.fragment_html == comment.fragment()


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_page_is_cached_again_after_a_change(discussed):
    """Fresh keys still cache: the second request after a change is served from memory."""
    page(discussed)
    DiscussionSettings.load().save()
    page(discussed)
    poison_caches()
    assert STALE in page(discussed)


def test_the_posts_own_page_shows_a_new_post_at_once():
    post = make_post(title="First title")
    warm_and_poison(post)
    post.title = "Second title"
    post.save()
    assert "Second title" in page(post)
