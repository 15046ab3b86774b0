"""The home page and the post page as the public sees them."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from coursblog.management.commands.load_demo import placeholder_jpeg
from images.models import Image
from posts.models import Post
from tests.factories import cite, make_comment, make_post, make_source

pytestmark = pytest.mark.django_db
HOME = reverse("posts:list")


def test_the_home_page_lists_published_posts_newest_first(client):
    older = make_post(title="Older", published_at=timezone.now() - timezone.timedelta(days=3))
    newer = make_post(title="Newer", published_at=timezone.now() - timezone.timedelta(days=1))
    make_post(title="Secret draft", status=Post.Status.DRAFT, published_at=None)
    make_comment(newer)
    make_comment(newer)
    make_comment(newer, status="pending")

    html = client.get(HOME).content.decode()

    assert html.index("Newer") < html.index("Older")
    assert "Secret draft" not in html
    assert "2 thoughts" in html
    assert "No comments yet" in html
    assert older.author.display_name in html


def test_the_home_page_is_paginated(client):
    for number in range(12):
        make_post(
            title=f"Essay {number:02d}",
            published_at=timezone.now() - timezone.timedelta(hours=number),
        )
    first = client.get(HOME).content.decode()
    second = client.get(HOME, {"page": 2}).content.decode()
    assert "Essay 00" in first
    assert "Essay 10" not in first
    assert "Essay 10" in second
    assert "Page 2 of 2" in second
    assert client.get(HOME, {"page": "junk"}).status_code == 200


def test_drafts_are_hidden_from_the_public(client):
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(draft.author)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only you and the instructors" in response.content.decode()


def test_the_post_page_shows_image_body_and_works_cited(client):
    post = make_post(
        title="The Sino-Soviet Split",
        body="<blockquote><p>“The appearance…”</p><cite>(pg. 92)</cite></blockquote>",
        featured_image_alt="Mao and Stalin",
        featured_image_caption="Mao Zedong and Stalin",
        featured_image_credit="BBC News",
    )
    upload = ContentFile(placeholder_jpeg((320, 180)), name="mao.jpg")
    post.featured_image = Image.objects.create_from_upload(upload, owner=post.author)
    post.save()
    cite(post, make_source(title="A History of Russia"), position=2)
    cite(post, make_source(title="Russia: A History", authors="Freeze, Gregory L."), position=1)

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'width="320" height="180"' in html
    assert (
        '<figcaption>Mao Zedong and Stalin <span class="credit">(BBC News)</span></figcaption>'
        in html
    )
    assert "<cite>(pg. 92)</cite></blockquote>" in html
    assert html.index("Russia: A History") < html.index("A History of Russia")
    assert "Works Cited" in html


@pytest.mark.parametrize(
    ("approved", "heading"),
    [
        (0, "No thoughts yet on “The Split”: start the discussion below."),
        (1, "One thought on “The Split”"),
        (4, "4 thoughts on “The Split”"),
    ],
)
def test_the_discussion_heading_counts_approved_comments(client, approved, heading):
    post = make_post(title="The Split")
    for _ in range(approved):
        make_comment(post)
    make_comment(post, status="pending")
    assert heading in client.get(post.get_absolute_url()).content.decode()


def test_pages_forbid_inline_script(client, post):
    policy = client.get(post.get_absolute_url())["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
