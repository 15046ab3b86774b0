"""`load_demo`: the seed post with its discussion, loaded once however often it runs."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image as PILImage

from accounts.models import User
from accounts.roles import INSTRUCTORS
from comments.models import Comment
from coursblog.management.commands.load_demo import placeholder_jpeg
from posts.models import Citation, Post, Source
from tests.html_tree import comment_nesting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    return capsys.readouterr().out


def test_the_demo_loads_once(demo):
    call_command("load_demo")
    assert Post.objects.count() == 1
    assert Source.objects.count() == 2
    assert Citation.objects.count() == 2
    assert Comment.objects.count() == 4
    assert User.objects.count() == 4
    assert Comment.objects.tree_problems() == []


def test_the_demo_prints_its_accounts(demo):
    for username in ("instructor", "anderson", "caroline", "ethan"):
        assert username in demo
    assert "coursblog-demo" in demo


def test_the_instructor_moderates_without_being_superuser(demo):
    instructor = User.objects.get(username="instructor")
    assert instructor.groups.filter(name=INSTRUCTORS).exists()
    assert instructor.has_perm("comments.moderate_comment")
    assert not instructor.is_superuser
    assert not User.objects.get(username="caroline").has_perm("comments.moderate_comment")


def test_the_demo_post_page_matches_the_seed(demo):
    post = Post.objects.get()
    html = Client().get(post.get_absolute_url()).content.decode()

    assert "4 thoughts on “The Sino-Soviet Split”" in html
    assert 'Mao Zedong and Stalin <span class="credit">(BBC News)</span>' in html
    assert html.count("<blockquote>") == 2
    assert "<cite>(pg. 92)</cite>" in html
    assert "<cite>(pg. 96)</cite>" in html
    assert "(Freeze 428)" in html
    assert "(Steinberg 583)" in html
    assert "Riasanovsky, Nicholas V., and Mark D. Steinberg." in html
    assert "Freeze, Gregory L., editor." in html

    caroline = Comment.objects.get(body__startswith="Anderson, great post!")
    agree = Comment.objects.get(body__startswith="Agree with Caroline")
    nesting = comment_nesting(html)
    assert list(nesting.values()) == [None, caroline.pk, None, None]
    assert nesting[agree.pk] == caroline.pk


def test_the_featured_image_is_a_real_image(demo):
    image = Post.objects.get().featured_image
    assert (image.width, image.height) == (1200, 675)
    assert image.file.storage.exists(image.file.name)
    assert {r["width"] for r in image.renditions} == {480, 960, 1200}


def test_the_featured_picture_is_a_generated_stand_in_for_the_photograph():
    """No photograph whose licence we cannot show: a sepia print of two figures, with
    the caption and "Placeholder for a photograph" on its margin, the same every time."""
    picture = placeholder_jpeg()
    assert picture == placeholder_jpeg()
    image = PILImage.open(io.BytesIO(picture)).convert("RGB")
    assert image.size == (1200, 675)
    paper, print_, figure = (image.getpixel(xy) for xy in [(10, 10), (100, 100), (432, 450)])
    assert min(paper) > 220, "a pale paper margin"
    assert print_[0] > print_[2] + 20, "a brown (sepia) print"
    assert sum(figure) < sum(print_) - 150, "a dark figure on it"
    caption_band = image.crop((300, 580, 900, 640)).convert("L")
    assert caption_band.getextrema()[0] < 90, "dark caption text on the margin"


def test_the_demo_post_shows_the_stand_in_with_its_caption(demo):
    post = Post.objects.get()
    assert post.featured_image_caption == "Mao Zedong and Stalin"
    assert "Placeholder" in post.featured_image_alt
    html = Client().get(post.get_absolute_url()).content.decode()
    assert "<figcaption>Mao Zedong and Stalin" in html
