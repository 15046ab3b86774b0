"""`load_demo`: the seed post with its discussion, loaded once however often it runs."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.roles import INSTRUCTORS
from comments.models import Comment
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
