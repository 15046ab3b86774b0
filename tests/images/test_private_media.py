"""Pictures follow their posts: anyone fetches those of public posts (as static files);
the others only readers who may read a post that shows them, whatever the address."""

import pytest
from django.test import Client

from accounts.roles import make_student
from course.models import Audience, CourseSettings
from images import publication
from posts.models import Post
from tests.archive.sites import picture
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db):
    author = make_user("painter")
    make_student(author)
    student = make_user("viewer")
    make_student(student)
    return {
        "author": author,
        "student": student,
        "member": make_user("visitor"),
        "instructor": make_user("teacher", instructor=True),
    }


def body_with(image) -> str:
    return (
        f'<figure><img src="{image.fallback_url}" alt="A map" width="{image.width}" '
        f'height="{image.height}"></figure>'
    )


def fetch(url: str, user=None) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if response.status_code == 200 and hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


def is_static(image) -> bool:
    return all(
        (publication.public_root() / name).is_file() for name in publication.image_names(image)
    )


def test_a_public_posts_pictures_are_static_files_anyone_fetches(people):
    image = picture(people["author"])
    make_post(author=people["author"], body=body_with(image))
    assert is_static(image)
    assert fetch(image.fallback_url) == 200


@pytest.mark.parametrize(
    ("reader", "status"),
    [("guest", 404), ("member", 404), ("student", 200), ("instructor", 200), ("author", 200)],
)
def test_a_class_only_posts_pictures_only_its_readers_fetch(people, reader, status):
    image = picture(people["author"])
    make_post(author=people["author"], body=body_with(image), visibility=Audience.CLASS)
    assert not is_static(image)
    user = None if reader == "guest" else people[reader]
    for name in publication.image_names(image):
        assert fetch(f"/media/{name}", user) == status


def test_a_featured_picture_follows_its_post(people):
    image = picture(people["author"])
    post = make_post(author=people["author"], featured_image=image, featured_image_alt="A map")
    assert is_static(image)
    post.visibility = Audience.CLASS
    post.save()
    assert not is_static(image)
    assert fetch(image.fallback_url) == 404


def test_a_post_made_class_only_withdraws_its_pictures_at_once(people):
    image = picture(people["author"])
    post = make_post(author=people["author"], body=body_with(image))
    assert fetch(image.fallback_url) == 200
    post.visibility = Audience.CLASS
    post.save()
    assert not is_static(image)
    assert fetch(image.fallback_url) == 404
    post.visibility = "course"
    post.save()
    assert is_static(image)


def test_a_course_made_class_only_withdraws_every_picture(people):
    image = picture(people["author"])
    make_post(author=people["author"], body=body_with(image))
    course = CourseSettings.load()
    course.visibility = Audience.CLASS
    course.save()
    assert not is_static(image)
    assert fetch(image.fallback_url) == 404
    assert fetch(image.fallback_url, people["student"]) == 200
    course.visibility = Audience.PUBLIC
    course.save()
    assert is_static(image)


def test_a_drafts_and_an_unused_pictures_are_their_owners_and_instructors(people):
    in_draft = picture(people["author"])
    make_post(
        author=people["author"],
        body=body_with(in_draft),
        status=Post.Status.DRAFT,
        published_at=None,
    )
    unused = picture(people["author"], color="navy")
    for image in (in_draft, unused):
        assert fetch(image.fallback_url) == 404
        assert fetch(image.fallback_url, people["student"]) == 404
        assert fetch(image.fallback_url, people["author"]) == 200
        assert fetch(image.fallback_url, people["instructor"]) == 200


def test_a_picture_shown_by_a_public_post_too_is_public(people):
    image = picture(people["author"])
    make_post(author=people["author"], body=body_with(image), visibility=Audience.CLASS)
    assert not is_static(image)
    make_post(author=people["author"], body=body_with(image))
    assert is_static(image)


def test_deleting_the_public_post_withdraws_its_pictures(people):
    image = picture(people["author"])
    post = make_post(author=people["author"], body=body_with(image))
    post.delete()
    assert not is_static(image)
    assert fetch(image.fallback_url) == 404


@pytest.mark.parametrize(
    "path",
    ["/media/../var/db.sqlite3", "/media/images/../../secret", "/media/avatars/x.png", "/media/"],
)
def test_nothing_outside_the_pictures_is_served(path):
    assert Client().get(path).status_code == 404


def test_production_hands_checked_pictures_to_the_web_server(people, settings):
    image = picture(people["author"])
    make_post(author=people["author"], body=body_with(image), visibility=Audience.CLASS)
    client = Client()
    client.force_login(people["student"])
    settings.MEDIA_ACCEL = "x-accel-redirect"
    response = client.get(image.fallback_url)
    name = image.fallback_url.removeprefix("/media/")
    assert response["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert response["Cache-Control"].startswith("private")
    assert response.content == b""
    settings.MEDIA_ACCEL = "x-sendfile"
    response = client.get(image.fallback_url)
    assert response["X-Sendfile"] == str(publication.private_path(name))
