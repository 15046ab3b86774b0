"""What an attacker found around comments, each reproduced as described, now refused."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments import notifications
from comments.forms import issue_stamp
from comments.models import Comment
from coursblog.html import COMMENT_TAGS
from posts.models import Post
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db


class TestEmailedModerationLinks:
    """Finding 8: "approve", then "spam", then the old "approve" again re-approved."""

    @pytest.fixture
    def held(self, post):
        return make_comment(post, status=Comment.Status.PENDING, author_name="Spammer")

    def link(self, comment, action, instructor) -> str:
        return notifications.moderation_url(comment, action, instructor).split("8000", 1)[-1]

    def test_a_link_acts_once(self, client, held, instructor):
        approve = self.link(held, "approve", instructor)
        assert client.post(approve).status_code == 200
        held.refresh_from_db()
        assert held.status == Comment.Status.APPROVED
        again = client.post(approve)
        assert again.status_code == 409
        assert "already been used" in again.content.decode()

    def test_an_old_link_cannot_undo_a_later_decision(self, client, held, instructor):
        approve = self.link(held, "approve", instructor)
        spam = self.link(held, "spam", instructor)
        client.post(approve)
        held.refresh_from_db()
        # "spam" was sent for the held comment: once it was approved, that link is spent
        assert client.post(spam).status_code == 409
        held.mark_spam(by=instructor)
        response = client.post(approve)
        held.refresh_from_db()
        assert response.status_code == 409
        assert held.status == Comment.Status.SPAM
        html = response.content.decode()
        assert "was spam by Morgan Reyes" in html
        assert "Nothing was done" in html

    def test_the_confirmation_page_says_what_happened_since(self, client, held, instructor):
        trash = self.link(held, "trash", instructor)
        held.approve(by=instructor)
        html = client.get(trash).content.decode()
        assert "already been used" in html
        assert "it is now <strong>approved</strong>" in html


class TestCommentAddressesRevealNothing:
    """Finding 10: a guest's GET /comments/<id>/edit/ on a comment of an unpublished post
    answered a 403 page naming the post."""

    @pytest.fixture
    def hidden_comment(self):
        draft = make_post(title="Secret draft title", status=Post.Status.DRAFT)
        return make_comment(draft, author_name="Someone")

    @pytest.mark.parametrize("view", ["comments:edit", "comments:delete"])
    @pytest.mark.parametrize("reader", ["guest", "student"])
    def test_every_comment_url_is_a_plain_404(self, hidden_comment, view, reader):
        client = Client()
        if reader == "student":
            client.force_login(make_user("classmate"))
        url = reverse(view, kwargs={"pk": hidden_comment.pk})
        response = client.get(url) if view.endswith("edit") else client.post(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Secret draft title" not in html
        assert hidden_comment.post.slug not in html

    def test_a_missing_comment_and_a_hidden_one_look_the_same(self, client, hidden_comment):
        pages = []
        for pk in (hidden_comment.pk, hidden_comment.pk + 999):
            response = client.get(reverse("comments:edit", kwargs={"pk": pk}))
            assert response.status_code == 404
            pages.append(response.content.decode().replace(f"/comments/{pk}/", "/comments/N/"))
        assert pages[0] == pages[1]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def feed_descriptions(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [item.findtext("description") for item in feed.iter("item")]


class TestFeeds:
    """Finding 11: markup typed as text, or in an excerpt, reached feed readers live."""

    @pytest.mark.parametrize(
        "typed",
        [
            "&lt;img src=x onerror=alert(1)&gt;",
            "<img src=x onerror=alert(1)>",
            "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
            "<script>alert(1)</script> plain",
        ],
    )
    def test_comment_descriptions_hold_only_what_the_page_would_show(self, client, post, typed):
        make_comment(post, body=typed)
        url = reverse("posts:comments_feed", kwargs={"slug": post.slug})
        for description in feed_descriptions(client, url):
            parser = _Elements()
            parser.feed(description)
            for tag, attributes in parser.found:
                assert tag in COMMENT_TAGS
                assert not any(name.startswith("on") for name in attributes)

    def test_post_descriptions_are_escaped_text(self, client):
        make_post(excerpt="An excerpt with <img src=x onerror=alert(1)> in it")
        (description,) = feed_descriptions(client, reverse("posts:feed"))
        parser = _Elements()
        parser.feed(description)
        assert [tag for tag, _ in parser.found] == ["p"]
        assert "&lt;img src=x onerror=alert(1)&gt;" in description


class TestNotificationsReachTheRightPeople:
    def test_held_comment_mail_goes_to_instructors_only(
        self, client, post, django_capture_on_commit_callbacks
    ):
        make_user("teacher", instructor=True)
        helper = make_user("helper")
        from django.contrib.auth.models import Permission

        helper.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                post.get_absolute_url(),
                {"name": "G", "email": "g@example.com", "body": "Hi.", "issued": issue_stamp()},
            )
        assert [message.to for message in mail.outbox] == [["teacher@example.edu"]]
