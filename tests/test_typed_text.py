"""The one rule for typed text (coursblog/text.py), and what broke without it.

Findings of the security review: a newline in a post title made every comment on
the post a 500 (the email's Subject), a vertical tab in a title made the feeds a
500, NUL bytes made PostgreSQL lookups a 500.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from accounts.roles import make_student
from comments.forms import issue_stamp
from comments.models import Comment
from coursblog.html import SanitizedHTMLField, render_comment_html, sanitize_html
from coursblog.text import PlainTextAreaField, PlainTextField, single_line
from posts.models import Post
from tests.factories import make_comment, make_post, make_user
from topics.models import Topic

pytestmark = pytest.mark.django_db
# Every app of this project (not the libraries'), so that a new app's fields are checked.
PROJECT_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(settings.BASE_DIR)
    and not Path(config.path).is_relative_to(Path(sys.prefix))
}
# Typed by nobody: made by code, or checked by a validator of its own kind.
NOT_TYPED = {
    "accounts.User.password",
    "accounts.User.username",  # Django's username validator allows letters, digits, @.+-_
    "comments.Comment.body_html",
    "comments.Comment.fragment_html",
    "comments.Comment.user_agent",  # a header, cleaned by the comment form
    "images.Image.file",
    "lti.Platform.frame_origins",  # each line checked as an address by Platform.clean
    "lti.SentScore.error",  # what the LMS answered, shown escaped
    "lti.GradebookLink.source",  # chosen from participation.grades.LMS_SOURCES
    "wordpress.ImportedItem.site",  # made by the importer; matched, never shown
    "wordpress.ImportedItem.wp_id",
    "wordpress.ImportedItem.old_path",
    "wordpress.ImportedItem.digest",
}


def typed_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            name = f"{model._meta.label}.{field.name}"
            if not isinstance(field, models.CharField | models.TextField) or name in NOT_TYPED:
                continue
            if isinstance(field, models.EmailField | models.URLField | models.SlugField):
                continue  # their own validators allow no control characters
            if field.choices or isinstance(field, SanitizedHTMLField) or not field.editable:
                continue
            yield name, field


@pytest.mark.parametrize(("name", "field"), list(typed_text_fields()), ids=lambda v: str(v))
def test_every_typed_field_follows_the_one_rule(name, field):
    assert isinstance(field, PlainTextField | PlainTextAreaField), name


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_with_a_message_and_never_stored(character):
    post = make_post()
    post.title = f"The{character}Split"
    with pytest.raises(Exception, match="control characters"):
        post.full_clean()
    post.save()
    post.refresh_from_db()
    assert post.title == "TheSplit"


def test_a_one_line_field_refuses_line_breaks_and_stores_one_line():
    post = make_post()
    post.title = "Two\nlines"
    with pytest.raises(Exception, match="single line"):
        post.full_clean()
    post.save()
    post.refresh_from_db()
    assert post.title == "Two lines"


@pytest.mark.parametrize("character", ["\x0b", "\x85", "\x9f", "\x7f"])
def test_the_html_of_comments_and_posts_holds_none_either(character):
    """Before, comments lost C0 but kept C1 (\\x85, \\x9f): three rules, three ranges."""
    assert character not in render_comment_html(f"a{character}b")
    assert character not in sanitize_html(f"<p>a{character}b</p>")
    assert character not in single_line(f"a{character}b")


@pytest.mark.parametrize(
    "fields", [{"title": "Title\x0bwith a tab"}, {"title": "Tagged", "tags": "Cold\x0bWar, China"}]
)
def test_the_editor_refuses_control_characters_with_a_message_and_keeps_the_text(client, fields):
    student = make_user("writer")
    make_student(student)
    client.force_login(student)
    data = {"body": "<p>Body kept.</p>", "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}
    response = client.post(reverse("posts:write"), data | fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "control characters" in html
    assert "Body kept." in html
    assert not Post.objects.filter(author=student).exists()
    assert not Tag.objects.exists()


@pytest.fixture
def post_with_a_bad_title(db):
    """A title stored before the rule (the migration cleans these; the code must not break
    on one that slips through)."""
    post = make_post()
    Post.objects.filter(pk=post.pk).update(title="The Split\nBcc: victim@example.com\x0b")
    post.refresh_from_db()
    return post


def test_comments_on_a_post_with_a_newline_in_its_title_are_posted_and_mailed(
    client, post_with_a_bad_title, django_capture_on_commit_callbacks
):
    post = post_with_a_bad_title
    make_user("teacher", instructor=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post.get_absolute_url(),
            {"name": "Lee", "email": "lee@example.edu", "body": "Held.", "issued": issue_stamp()},
        )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Held.").exists()
    assert len(mail.outbox) == 1  # the instructor hears of the held comment
    assert mail.outbox[0].message()["Bcc"] is None
    assert mail.outbox[0].subject == "Please moderate: “The Split Bcc: victim@example.com”"


def test_a_mail_failure_never_fails_the_request(
    client, post, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    make_user("teacher", instructor=True)

    def broken(*args, **kwargs):
        raise ValueError("Header values can't contain newlines")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post.get_absolute_url(),
            {"name": "Maya", "email": "maya@example.edu", "body": "Kept.", "issued": issue_stamp()},
        )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Kept.").exists()
    assert "Could not send" in caplog.text


def test_feeds_work_with_a_control_character_in_a_title(client, post_with_a_bad_title):
    make_comment(post_with_a_bad_title, author_name="Maya")
    for url in (
        reverse("posts:feed"),
        reverse("posts:comments_feed", kwargs={"slug": post_with_a_bad_title.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)  # noqa: S314  # well-formed XML


@pytest.mark.parametrize(
    "url",
    ["/authors/%00/", "/sources/search/?q=%00ab", "/posts/a%00b/", "/?page=%00", "/feed/?x=%00"],
)
def test_nul_in_an_address_is_a_clear_400(client, url, student):
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_nul_in_a_form_value_is_a_clear_400_and_nothing_is_saved(client):
    writer = make_user("writer")
    from accounts.roles import make_student

    make_student(writer)
    client.force_login(writer)
    response = client.post(
        reverse("posts:autosave_new"),
        {"title": "Bad\x00title", "body": "<p>x</p>", "excerpt": "e\x00"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]
    assert not Post.objects.filter(author=writer).exists()


def test_nul_in_a_header_or_cookie_is_a_400(post):
    assert Client(HTTP_USER_AGENT="bot\x00").get(post.get_absolute_url()).status_code == 400
    client = Client(HTTP_COOKIE="sessionid=abc\x00def")
    assert client.get(post.get_absolute_url()).status_code == 400


def test_the_works_cited_refuses_control_characters_with_a_message(client):
    from accounts.roles import make_student

    writer = make_user("citer")
    make_student(writer)
    client.force_login(writer)
    response = client.post(
        reverse("posts:write"),
        {
            "title": "An essay",
            "body": "<p>Kept.</p>",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-kind": "book",
            "sources-0-title": "A\x1bHistory",
            "sources-0-authors": "Riasanovsky, Nicholas V.",
        },
    )
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert not Post.objects.filter(author=writer).exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("admin:topics_topic_add", {"name": "Cold\x0bWar", "slug": "cold-war"}),
        ("admin:topics_topic_add", {"name": "Cold War", "slug": "cw", "description": "A\x1bB"}),
        ("admin:taggit_tag_add", {"name": "Cold\x0bWar", "slug": "cold-war"}),
    ],
)
def test_the_admin_refuses_topics_and_tags_with_control_characters(client, url, data):
    client.force_login(make_user("teacher", instructor=True, is_superuser=True, is_staff=True))
    response = client.post(
        reverse(url),
        {
            **data,
            "taggit_taggeditem_items-TOTAL_FORMS": "0",
            "taggit_taggeditem_items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    assert not Topic.objects.exists()
    assert not Tag.objects.exists()


def test_a_tag_made_by_any_path_is_stored_on_one_line():
    post = make_post()
    post.tags.add("Cold\x0bWar")
    assert list(Tag.objects.values_list("name", flat=True)) == ["ColdWar"]


def test_feeds_work_with_control_characters_in_topics_and_tags(client):
    post = make_post(title="Essay")
    topic = Topic.objects.create(name="Steppe", slug="steppe")
    post.topics.add(topic)
    post.tags.add("China")
    # Stored before the rule, or by a path that skips save(): the feeds still hold.
    Topic.objects.update(name="Cold\x0bWar", description="About\x1b the war")
    Tag.objects.update(name="Sino\x1bSoviet")
    for url in (reverse("posts:feed"), reverse("topics:feed", kwargs={"slug": "steppe"})):
        response = client.get(url)
        assert response.status_code == 200
        categories = [c.text for c in ET.fromstring(response.content).iter("category")]  # noqa: S314
        assert sorted(categories) == ["ColdWar", "SinoSoviet"]
