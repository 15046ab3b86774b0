"""Writing in the site: the editor form, sources, publishing, review, autosave, preview."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from course.models import CourseSettings
from images.models import Image
from posts.models import Post, Source
from tests.factories import cite, make_post, make_source, make_user

pytestmark = pytest.mark.django_db
WRITE = reverse("posts:write")


def sources_data(*entries, prefix="sources", initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(entries)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, entry in enumerate(entries):
        for name, value in entry.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def post_data(**overrides):
    data = {
        "title": "The Sino-Soviet Split",
        "body": "<h2>Origins</h2><p>Text (Freeze 428).</p>",
        "excerpt": "",
        "comments_open": "on",
        "featured_image_alt": "",
        "featured_image_caption": "",
        "featured_image_credit": "",
        "action": "save",
        **sources_data(),
    }
    data.update(overrides)
    return data


def jpeg_file(name="mao.jpg", size=(800, 450)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "darkred").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_guests_are_sent_to_log_in(client):
    response = client.get(WRITE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_members_without_the_writing_permission_cannot_write(client):
    client.force_login(make_user())
    assert client.get(WRITE).status_code == 403


def test_saving_a_draft_keeps_it_private(client, writer):
    response = client.post(WRITE, post_data())
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:edit", kwargs={"pk": post.pk})
    assert (post.author, post.status) == (writer, Post.Status.DRAFT)
    assert client.get(reverse("posts:list")).content.decode().count("Sino-Soviet") == 0


def test_publishing_puts_the_post_on_the_home_page(client, writer):
    response = client.post(WRITE, post_data(action="publish"))
    post = Post.objects.get()
    assert response["Location"] == post.get_absolute_url()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at is not None
    assert "The Sino-Soviet Split" in client.get(reverse("posts:list")).content.decode()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ('<p onclick="steal()">Hi<script>alert(1)</script></p>', "<p>Hi</p>"),
        # a link that loses its address is unwrapped: an <a> without href is no link
        ('<p><a href="javascript:alert(1)">link</a></p>', "<p>link</p>"),
        (
            '<p class="MsoNormal" style="margin:0;font-family:Calibri">Pasted '
            '<span style="color:red">text</span></p><style>p{}</style>',
            "<p>Pasted <span>text</span></p>",
        ),
        ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ],
    ids=["script and handler", "javascript link", "pasted Word styles", "image handler"],
)
def test_bodies_sent_straight_to_the_server_are_sanitised(client, writer, sent, kept):
    client.post(WRITE, post_data(body=sent))
    assert Post.objects.get().body == kept


def test_a_missing_title_keeps_everything_typed(client, writer):
    data = post_data(title="", body="<p>Two hours of work.</p>", excerpt="Short.")
    response = client.post(WRITE, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give your post a title." in html
    assert "Two hours of work." in html
    assert "Short." in html
    assert not Post.objects.exists()


def test_sources_are_saved_in_order_and_a_course_source_can_be_picked(client, writer):
    textbook = make_source(title="Russia: A History", authors="Freeze, Gregory L.")
    data = post_data(
        **sources_data(
            {"title": "A History of Russia", "authors": "Riasanovsky, Nicholas V.", "ORDER": "2"},
            {
                "source": str(textbook.pk),
                "title": textbook.title,
                "authors": textbook.authors,
                "ORDER": "1",
            },
            {"title": "", "authors": "", "ORDER": "3"},
        )
    )
    client.post(WRITE, data)
    post = Post.objects.get()
    assert [s.title for s in post.sources.order_by("citations__position")] == [
        "Russia: A History",
        "A History of Russia",
    ]
    assert post.citations.get(position=1).source == textbook
    assert Source.objects.count() == 2


def test_editing_a_course_source_here_makes_a_new_entry(client, writer):
    textbook = make_source(title="Russia: A History", authors="Freeze, Gregory L.")
    data = post_data(
        **sources_data(
            {"source": str(textbook.pk), "title": textbook.title, "authors": "Freeze, G."}
        )
    )
    client.post(WRITE, data)
    textbook.refresh_from_db()
    assert textbook.authors == "Freeze, Gregory L."
    assert Post.objects.get().sources.get().authors == "Freeze, G."


def test_removing_a_source(client, writer):
    post = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
    kept, dropped = make_source(title="Kept"), make_source(title="Dropped")
    cite(post, kept, 1)
    cite(post, dropped, 2)
    entries = [
        {"source": str(s.pk), "title": s.title, "authors": s.authors, "ORDER": str(n)}
        for n, s in enumerate([kept, dropped], start=1)
    ]
    entries[1]["DELETE"] = "on"
    client.post(
        reverse("posts:edit", kwargs={"pk": post.pk}),
        post_data(**sources_data(*entries, initial=2)),
    )
    assert [s.title for s in post.sources.all()] == ["Kept"]
    assert Source.objects.filter(title="Dropped").exists()  # other posts may cite it


def test_a_source_entry_needs_a_title(client, writer):
    response = client.post(WRITE, post_data(**sources_data({"authors": "Freeze, Gregory L."})))
    assert response.status_code == 400
    assert "Give the source a title." in response.content.decode()


def test_a_featured_image_needs_alt_text_and_is_kept_meanwhile(client, writer):
    response = client.post(WRITE, post_data(featured_image_file=jpeg_file()))
    assert response.status_code == 400
    assert "alt text is required" in response.content.decode()
    image = Image.objects.get()
    assert f'name="featured_image" value="{image.pk}"' in response.content.decode()

    client.post(WRITE, post_data(featured_image=str(image.pk), featured_image_alt="Mao and Stalin"))
    post = Post.objects.get()
    assert post.featured_image == image
    html = client.get(reverse("posts:preview", kwargs={"pk": post.pk})).content.decode()
    assert 'type="image/webp"' in html
    assert 'width="800" height="450"' in html


def test_an_unreadable_featured_image_is_refused_with_the_text_kept(client, writer):
    bad = SimpleUploadedFile("photo.jpg", b"not a picture", content_type="image/jpeg")
    response = client.post(WRITE, post_data(featured_image_file=bad, featured_image_alt="x"))
    assert response.status_code == 400
    assert "not an image we can read" in response.content.decode()
    assert "The Sino-Soviet Split" in response.content.decode()


def test_students_cannot_use_other_students_images(client, writer):
    someone_elses = Image.objects.create_from_upload(jpeg_file(), owner=make_user())
    response = client.post(
        WRITE, post_data(featured_image=str(someone_elses.pk), featured_image_alt="x")
    )
    assert response.status_code == 400


def test_a_student_edits_only_their_own_posts(client, writer):
    other = make_post()
    assert client.get(reverse("posts:edit", kwargs={"pk": other.pk})).status_code == 404
    assert client.post(reverse("posts:autosave", kwargs={"pk": other.pk}), {}).status_code == 404
    assert client.get(reverse("posts:preview", kwargs={"pk": other.pk})).status_code == 404


def test_instructors_edit_any_post(client):
    instructor = make_user("teacher", instructor=True)
    post = make_post()
    client.force_login(instructor)
    response = client.post(reverse("posts:edit", kwargs={"pk": post.pk}), post_data(title="Edited"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Edited"
    assert post.author != instructor


def test_the_first_autosave_creates_the_draft_and_later_ones_update_it(client, writer):
    first = client.post(reverse("posts:autosave_new"), {"title": "", "body": "<p>Begin</p>"}).json()
    post = Post.objects.get()
    assert first["editUrl"] == reverse("posts:edit", kwargs={"pk": post.pk})
    assert (post.title, post.status) == ("Untitled draft", Post.Status.DRAFT)

    client.post(
        first["autosaveUrl"], {"title": "Détente", "body": "<p>Begin again</p>", "excerpt": ""}
    )
    post.refresh_from_db()
    assert (post.title, post.body, post.slug) == ("Détente", "<p>Begin again</p>", "detente")


def test_an_empty_autosave_creates_nothing(client, writer):
    assert client.post(reverse("posts:autosave_new"), {"title": " ", "body": ""}).json() == {
        "saved": False
    }
    assert not Post.objects.exists()


def test_autosaving_a_published_post_leaves_it_live_until_updated(client, writer):
    post = make_post(author=writer, title="Live title", body="<p>Live</p>")
    client.post(
        reverse("posts:autosave", kwargs={"pk": post.pk}),
        {"title": "Live title", "body": "<p>Newer<script>x</script></p>", "excerpt": ""},
    )
    post.refresh_from_db()
    assert post.body == "<p>Live</p>"
    assert post.autosave["body"] == "<p>Newer</p>"

    preview = client.get(reverse("posts:preview", kwargs={"pk": post.pk})).content.decode()
    assert "<p>Newer</p>" in preview
    assert "<p>Newer</p>" not in client.get(post.get_absolute_url()).content.decode()

    editor = client.get(reverse("posts:edit", kwargs={"pk": post.pk}), {"restore": "autosave"})
    assert "&lt;p&gt;Newer&lt;/p&gt;" in editor.content.decode()

    client.post(
        reverse("posts:edit", kwargs={"pk": post.pk}),
        post_data(title="Live title", body="<p>Newer</p>"),
    )
    post.refresh_from_db()
    assert (post.body, post.autosave) == ("<p>Newer</p>", None)


def test_the_slug_follows_a_draft_title_then_stays(client, writer):
    client.post(WRITE, post_data(title="First try"))
    post = Post.objects.get()
    client.post(
        reverse("posts:edit", kwargs={"pk": post.pk}),
        post_data(title="Better title", action="publish"),
    )
    post.refresh_from_db()
    assert post.slug == "better-title"
    client.post(reverse("posts:edit", kwargs={"pk": post.pk}), post_data(title="Renamed later"))
    post.refresh_from_db()
    assert post.slug == "better-title"


def test_unpublishing_makes_a_draft_again(client, writer):
    post = make_post(author=writer)
    client.post(reverse("posts:edit", kwargs={"pk": post.pk}), post_data(action="unpublish"))
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert client.get(post.get_absolute_url()).status_code == 200  # its author still sees it


class TestReview:
    @pytest.fixture(autouse=True)
    def review_on(self):
        settings = CourseSettings.load()
        settings.review_before_publishing = True
        settings.save()

    def test_a_students_publish_becomes_a_submission(self, client, writer):
        editor = client.get(WRITE).content.decode()
        assert "Submit for review" in editor
        response = client.post(WRITE, post_data(action="publish"))
        post = Post.objects.get()
        assert post.status == Post.Status.PENDING
        assert response["Location"] == reverse("posts:edit", kwargs={"pk": post.pk})
        assert client.get("/", follow=True).content.decode().count("The Sino-Soviet Split") == 0

    def test_the_instructor_approves_or_sends_back(self, client, writer):
        client.post(WRITE, post_data(action="publish"))
        client.post(WRITE, post_data(title="Second essay", action="publish"))
        first, second = Post.objects.order_by("pk")
        instructor = make_user("teacher", instructor=True)
        client.force_login(instructor)
        queue = client.get(reverse("posts:review")).content.decode()
        assert "The Sino-Soviet Split" in queue
        assert "Second essay" in queue

        client.post(reverse("posts:review"), {"post": first.pk, "decision": "approve"})
        client.post(
            reverse("posts:review"),
            {"post": second.pk, "decision": "send_back", "note": "Cite a primary source."},
        )

        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Post.Status.PUBLISHED
        assert (second.status, second.review_note) == (Post.Status.DRAFT, "Cite a primary source.")
        client.force_login(writer)
        assert (
            "Cite a primary source."
            in client.get(reverse("posts:edit", kwargs={"pk": second.pk})).content.decode()
        )

    def test_students_cannot_review(self, client, writer):
        assert client.get(reverse("posts:review")).status_code == 403

    def test_instructors_publish_directly(self, client):
        client.force_login(make_user("teacher", instructor=True))
        client.post(WRITE, post_data(action="publish"))
        assert Post.objects.get().status == Post.Status.PUBLISHED


def test_source_search_offers_course_sources(client, writer):
    make_source(
        title="Russia: A History", authors="Freeze, Gregory L.", publisher="Oxford University Press"
    )
    results = client.get(reverse("posts:source_search"), {"q": "freeze"}).json()["results"]
    assert len(results) == 1
    assert results[0]["title"] == "Russia: A History"
    assert results[0]["entry"].startswith("Freeze, Gregory L. Russia: A History.")


def test_a_source_page_lists_the_posts_citing_it(client):
    textbook = make_source(title="Russia: A History")
    for title in ("One", "Two"):
        cite(make_post(title=title), textbook)
    cite(make_post(title="Hidden draft", status=Post.Status.DRAFT, published_at=None), textbook)
    html = client.get(reverse("posts:source", kwargs={"pk": textbook.pk})).content.decode()
    assert "One" in html
    assert "Two" in html
    assert "Hidden draft" not in html


def test_an_author_page_lists_published_posts(client):
    author = make_user("anderson", first_name="Anderson")
    make_post(author=author, title="Published essay")
    make_post(author=author, title="Draft essay", status=Post.Status.DRAFT, published_at=None)
    html = client.get(reverse("posts:author", kwargs={"pk": author.pk})).content.decode()
    assert "Posts by Anderson" in html
    assert "Published essay" in html
    assert "Draft essay" not in html
    assert (
        f'href="{reverse("posts:author", kwargs={"pk": author.pk})}"'
        in client.get("/").content.decode()
    )


def test_your_posts_lists_drafts_too(client, writer):
    make_post(author=writer, title="My draft", status=Post.Status.DRAFT, published_at=None)
    make_post(title="Someone else's")
    html = client.get(reverse("posts:mine")).content.decode()
    assert "My draft" in html
    assert "Someone else" not in html


def test_the_admin_approves_submitted_posts_in_bulk(client):
    submitted = make_post(status=Post.Status.PENDING, published_at=None)
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    client.force_login(make_user("teacher", instructor=True))
    changelist = reverse("admin:posts_post_changelist")
    assert (
        "Submitted for review"
        in client.get(changelist, {"status__exact": "pending"}).content.decode()
    )
    client.post(
        changelist,
        {"action": "approve_and_publish", "_selected_action": [submitted.pk, draft.pk]},
    )
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == Post.Status.PUBLISHED
    assert draft.status == Post.Status.DRAFT
