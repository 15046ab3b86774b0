import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from coursblog.management.commands.load_demo import placeholder_jpeg
from images.models import Image
from posts.models import Post
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_the_slug_comes_from_the_title_and_stays_unique():
    first = make_post(title="The Sino-Soviet Split")
    second = make_post(title="The Sino-Soviet Split")
    assert (first.slug, second.slug) == ("the-sino-soviet-split", "the-sino-soviet-split-2")


def test_publishing_sets_the_publication_date():
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    assert post.published_at is None
    post.status = Post.Status.PUBLISHED
    post.save()
    assert post.published_at is not None


def test_published_excludes_drafts_and_future_posts():
    live = make_post()
    make_post(status=Post.Status.DRAFT)
    make_post(published_at=timezone.now() + timezone.timedelta(days=1))
    assert list(Post.objects.published()) == [live]


def test_drafts_are_visible_to_their_author_and_instructors(student, instructor):
    draft = make_post(author=student, status=Post.Status.DRAFT, published_at=None)
    assert draft not in Post.objects.visible_to(AnonymousUser())
    assert draft in Post.objects.visible_to(student)
    assert draft in Post.objects.visible_to(instructor)


def test_the_body_is_sanitised_on_save():
    post = make_post(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    post.refresh_from_db()
    assert post.body == "<p>Hi</p>"


def test_the_summary_falls_back_to_the_first_words_of_the_body():
    words = " ".join(f"w{n}" for n in range(80))
    post = make_post(body=f"<p>{words}</p>", excerpt="")
    assert post.summary.startswith("w0 w1")
    assert post.summary.endswith("w54 …")
    assert make_post(excerpt="Short.").summary == "Short."


def test_comment_counts_include_approved_comments_only(post):
    make_comment(post)
    make_comment(post, status="pending")
    make_comment(post, status="spam")
    assert Post.objects.with_comment_counts().get(pk=post.pk).approved_comment_count == 1


def test_an_image_needs_alt_text(post):
    upload = ContentFile(placeholder_jpeg((40, 30)), name="x.jpg")
    post.featured_image = Image.objects.create_from_upload(upload, owner=post.author)
    with pytest.raises(ValidationError, match="alt text"):
        post.full_clean()
    post.featured_image_alt = "A red square"
    post.full_clean()


def test_caption_line_joins_caption_and_credit(post):
    post.featured_image_caption, post.featured_image_credit = "Mao Zedong and Stalin", "BBC News"
    assert post.featured_image_caption_line == "Mao Zedong and Stalin (BBC News)"
