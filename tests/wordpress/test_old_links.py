"""Old WordPress addresses of imported posts and comments redirect (301) to the new ones."""

import pytest
from django.urls import reverse

from comments.models import Comment
from posts.models import Post
from tests.factories import make_post
from tests.wordpress.conftest import fixture
from wordpress import importer
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db
POST_URL = "/posts/the-sino-soviet-split/"


@pytest.fixture
def imported():
    importer.import_file(fixture("threads.xml"), importer.Options())
    return Post.objects.get()


def comment(wp_id: str) -> Comment:
    return Comment.objects.get(pk=ImportedItem.objects.get(kind="comment", wp_id=wp_id).object_id)


@pytest.mark.parametrize(
    "old",
    [
        "/?p=123",
        "/2018/11/05/the-sino-soviet-split/",
        "/2018/11/05/the-sino-soviet-split",
        "/the-sino-soviet-split/",
        "/2018/11/the-sino-soviet-split/",
    ],
)
def test_each_old_post_address_redirects_permanently_to_the_post(client, imported, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"{POST_URL}?from=wordpress"


@pytest.mark.parametrize(
    "old", ["/?p=123&replytocom=470", "/2018/11/05/the-sino-soviet-split/?replytocom=470"]
)
def test_replytocom_redirects_to_the_comment(client, imported, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"{POST_URL}#comment-{comment('470').pk}"


def test_an_old_comment_fragment_is_looked_up_by_the_post_page(client, imported):
    url = reverse("wordpress:comment_link")
    found = client.get(url, {"post": imported.pk, "comment": "460"})
    assert found.json() == {"url": f"{POST_URL}#comment-{comment('460').pk}"}
    assert client.get(url, {"post": imported.pk, "comment": "999"}).status_code == 404
    assert client.get(url, {"post": imported.pk, "comment": "x"}).status_code == 404
    page = client.get(f"{POST_URL}?from=wordpress").content.decode()
    assert 'src="/static/js/wordpress-links.js"' in page
    assert f'data-post="{imported.pk}"' in page


def test_a_draft_s_comments_are_not_found_for_the_public(client, imported):
    imported.status = Post.Status.DRAFT
    imported.save()
    url = reverse("wordpress:comment_link")
    assert client.get(url, {"post": imported.pk, "comment": "460"}).status_code == 404


@pytest.mark.parametrize(
    "old", ["/?p=999", "/?p=abc", "/2018/11/05/no-such-post/", "/no-such-post/", "/?page_id=5"]
)
def test_unknown_old_addresses_are_a_clean_404(client, imported, old):
    response = client.get(old)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_old_category_and_tag_addresses_lead_to_topics_and_tags(client, imported):
    assert client.get("/category/cold-war/")["Location"] == "/topics/cold-war/"
    assert client.get("/tag/china/")["Location"] == "/tags/china/"
    assert client.get("/category/nothing/").status_code == 404


def test_the_site_s_own_addresses_are_never_shadowed(client, imported):
    # An imported post whose old address is one of ours: ours wins.
    ImportedItem.objects.filter(kind="post").update(old_path="/feed/")
    assert client.get("/feed/").status_code == 200
    # A post page that is a 404 of ours (a draft, for the public) stays a 404.
    draft = make_post(title="Unfinished", status=Post.Status.DRAFT, published_at=None)
    ImportedItem.objects.create(
        site="x", kind="post", wp_id="7", object_id=imported.pk, old_path=f"/{draft.slug}/"
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    # ?replytocom on our own post page is the site's reply form, not an old link.
    assert client.get(POST_URL, {"replytocom": comment("470").pk}).status_code == 200
    # The home page without WordPress's parameters is the home page.
    assert client.get("/", {"page": "1"}).status_code == 200
