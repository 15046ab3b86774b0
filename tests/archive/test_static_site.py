"""The static archive: what it holds for each mode, and that it works from a folder.

Every page must link only to files the ZIP holds (relative addresses), load nothing
from the network, and need no JavaScript; the public archive must hold nothing a
guest may not read, checked by grepping every file of the ZIP.
"""

import io
import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.roles import make_student
from archive.static_site import StaticSite
from comments.models import Comment
from course.models import Audience, CourseSettings
from posts.models import Post
from tests.archive.sites import load_demo, picture, static_site, stored_names
from tests.factories import cite, make_comment, make_post, make_source, make_user

pytestmark = pytest.mark.django_db


class Addresses(HTMLParser):
    """Every address a page names (tag, attribute, address) and every id in it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src"):
                self.found.append((tag, name, value))
            elif name == "srcset":
                for candidate in value.split(","):
                    self.found.append((tag, name, candidate.strip().split(" ")[0]))


def addresses(html: bytes) -> Addresses:
    parser = Addresses()
    parser.feed(html.decode())
    return parser


def broken_links(files: dict[str, bytes]) -> list[str]:
    """Addresses that are not a file of the archive (or an anchor in it), except links
    (``a href``) to other sites, which load nothing until followed."""
    pages = {name: addresses(data) for name, data in files.items() if name.endswith(".html")}
    broken = []
    for name, page in pages.items():
        for tag, attribute, address in page.found:
            parts = urlsplit(address)
            if parts.scheme or address.startswith("//"):
                if not (tag == "a" and parts.scheme in ("http", "https", "mailto")):
                    broken.append(f"{name}: {tag} {attribute}={address}")
                continue
            if address.startswith("/"):
                broken.append(f"{name}: {tag} {attribute}={address} (absolute path)")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), parts.path))
            target = unquote(target) if parts.path else name
            if target not in files:
                broken.append(f"{name}: {tag} {attribute}={address} (no such file)")
            elif parts.fragment and parts.fragment not in pages[target].ids:
                broken.append(f"{name}: {tag} {attribute}={address} (no such anchor)")
    return broken


@pytest.fixture
def demo(db):
    load_demo()
    return Post.objects.get()


def test_the_demo_archive_is_a_site_of_relative_files(demo, tmp_path):
    files = static_site(tmp_path)

    assert {"index.html", "posts/the-sino-soviet-split.html", "static/css/site.css"} <= set(files)
    assert f"authors/{demo.author_id}.html" in files
    assert {f"sources/{source.pk}.html" for source in demo.sources.all()} <= set(files)
    assert broken_links(files) == []
    pages = [data.decode() for name, data in files.items() if name.endswith(".html")]
    assert not any("<script" in page or " on" in page.split(">")[0] for page in pages)


def test_the_featured_picture_comes_with_every_rendition_it_names(demo, tmp_path):
    files = static_site(tmp_path)

    page = files["posts/the-sino-soviet-split.html"].decode()
    renditions = [rendition["name"] for rendition in demo.featured_image.renditions]
    for name in renditions:
        assert f"media/{name}" in files
        assert f"../media/{name}" in page
    assert (
        files[f"media/{renditions[0]}"]
        == demo.featured_image.file.storage.open(renditions[0]).read()
    )


def test_the_post_page_holds_the_works_cited_and_the_nested_thread(demo, tmp_path):
    files = static_site(tmp_path)

    page = files["posts/the-sino-soviet-split.html"].decode()
    assert "Works Cited" in page
    for source in demo.sources.all():
        assert str(source.mla_html()) in page
    caroline = Comment.objects.get(body__startswith="Anderson, great post")
    reply = Comment.objects.get(parent=caroline)
    nested = re.search(
        rf'<li id="comment-{caroline.pk}".*?<ol class="children"><li id="comment-{reply.pk}"',
        page,
    )
    assert nested is not None
    assert "4 thoughts on" in page
    assert f'href="the-sino-soviet-split.html#comment-{reply.pk}"' in page
    assert "comment-reply-link" not in page
    assert "replytocom" not in page
    assert "comment-edit-link" not in page
    assert 'name="csrfmiddlewaretoken"' not in page


def test_the_thread_is_the_sites_own_markup(demo, tmp_path):
    """The archive reuses comments/thread.py: each comment is what a guest sees on the
    site, without the Reply link and with a relative permalink."""
    files = static_site(tmp_path)
    site = Client().get(demo.get_absolute_url()).content.decode()
    archived = files["posts/the-sino-soviet-split.html"].decode()

    comment = Comment.objects.get(body__startswith="Anderson, great post")
    on_site = re.search(rf'<article id="div-comment-{comment.pk}".*?</footer>', site).group()
    in_archive = re.search(rf'<article id="div-comment-{comment.pk}".*?</footer>', archived)
    assert in_archive.group() == on_site.replace(
        f'href="{demo.get_absolute_url()}#', 'href="the-sino-soviet-split.html#'
    )


def test_the_command_reports_its_progress(demo, tmp_path):
    make_post(title="Second essay")
    out = io.StringIO()

    call_command("export_static_site", str(tmp_path / "site.zip"), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:2] == ["[1/2] Second essay", "[2/2] The Sino-Soviet Split"]
    assert lines[-1].startswith(f"Wrote {tmp_path / 'site.zip'} (")
    assert not (tmp_path / "site.zip.part").exists()


@pytest.fixture
def class_only(db):
    """A class-only post on a public course, with pictures, a source and comments, by a
    student with nothing public; and a public post by someone else."""
    author = make_user("hidden", first_name="Harriet", last_name="Quell", display_name="Qwill")
    make_student(author)
    featured = picture(author, "red")
    inline = picture(author, "blue")
    secret = make_post(
        author=author,
        title="Zebra class-only essay",
        slug="zebra-class-only",
        visibility=Audience.CLASS,
        featured_image=featured,
        featured_image_alt="A zebra",
        body=f'<p>Striped.</p><p><img src="{inline.fallback_url}" alt="Blue"></p>',
    )
    cite(secret, make_source(title="Unique zebra source"))
    make_comment(secret, body="Zebra comment only the class saw.", author_name="Zed Guest")
    public = make_post(title="Public essay", body="<p>Open to all.</p>")
    make_comment(public, body="A public comment.")
    return {"secret": secret, "images": [featured, inline], "public": public, "author": author}


def leaked(files: dict[str, bytes], needles: list[str]) -> list[str]:
    return [
        f"{needle} in {name}"
        for name, data in files.items()
        for needle in needles
        if needle.encode() in data or needle in name
    ]


def test_the_public_archive_holds_nothing_of_a_class_only_post(class_only, tmp_path):
    files = static_site(tmp_path)

    needles = [
        "Zebra class-only essay",
        "zebra-class-only",
        "Zebra comment only the class saw",
        "Zed Guest",
        "Unique zebra source",
        "Qwill",
        "Quell",
        *(
            name.rsplit("/", 1)[-1].split(".")[0]
            for image in class_only["images"]
            for name in stored_names(image)
        ),
    ]
    assert leaked(files, needles) == []
    assert f"authors/{class_only['author'].pk}.html" not in files
    assert not [name for name in files if name.startswith("sources/")]
    assert not [name for name in files if name.startswith("media/")]
    assert "posts/public-essay.html" in files
    assert "A public comment." in files["posts/public-essay.html"].decode()


def test_everything_holds_the_class_only_post_with_its_pictures(class_only, tmp_path, settings):
    files = static_site(tmp_path, everything=True)

    page = files["posts/zebra-class-only.html"].decode()
    assert "Zebra comment only the class saw." in page
    featured, inline = class_only["images"]
    for rendition in featured.renditions:
        assert f"media/{rendition['name']}" in files
    assert f"media/{inline.fallback_url.removeprefix(settings.MEDIA_URL)}" in files
    assert '<meta name="robots" content="noindex">' in page
    source_page = f"sources/{class_only['secret'].sources.get().pk}.html"
    assert "Unique zebra source" in files[source_page].decode()
    assert broken_links(files) == []


def test_nothing_private_to_one_reader_goes_in(tmp_path, db):
    author = make_user("writer", display_name="Penname", email="writer@example.edu")
    make_student(author)
    post = make_post(author=author, title="Essay", review_note="Your grade: B+")
    make_post(author=author, title="Draft essay", status=Post.Status.DRAFT, published_at=None)
    make_post(author=author, title="Submitted essay", status=Post.Status.PENDING)
    for status in ("pending", "spam", "trash"):
        make_comment(post, body=f"A {status} comment.", status=status)
    removed = make_comment(post, body="Removed parent.", status="trash")
    make_comment(post, parent=removed, body="Its approved reply.")

    for everything in (False, True):
        files = static_site(tmp_path, everything=everything)
        needles = ["Draft essay", "Submitted essay", "Your grade", "@example.edu", "Writer"]
        needles += ["A pending comment", "A spam comment", "A trash comment", "Removed parent"]
        assert leaked(files, needles) == []
        page = files["posts/essay.html"].decode()
        assert "This comment was removed." in page
        assert "Its approved reply." in page


def test_anonymous_authors_stay_anonymous_in_both_archives(tmp_path, db):
    course = CourseSettings.load()
    course.anonymous_posts = course.anonymous_comments = True
    course.save()
    author = make_user("shy", display_name="Shyly")
    make_student(author)
    classmate = make_user("mate", display_name="Matey")
    make_student(classmate)
    post = make_post(author=author, title="Anonymous essay", anonymous=True)
    make_comment(post, user=author, author_name="Shyly", body="By the author, signed.")
    make_comment(post, user=classmate, author_name="Matey", anonymous=True, body="Hidden mate.")

    for everything in (False, True):
        files = static_site(tmp_path, everything=everything)
        page = files["posts/anonymous-essay.html"].decode()
        assert "Anonymous classmate" in page
        assert leaked(files, ["Matey"]) == []
        assert f"authors/{author.pk}.html" not in files
        # The author's own signed comment must not say "Author": it would name them.
        assert "author-badge" not in page
        assert "Anonymous classmate" in files["index.html"].decode()


def test_a_members_only_course_has_an_empty_public_archive(tmp_path, db):
    make_post(title="Members essay")
    course = CourseSettings.load()
    course.visibility = Audience.MEMBERS
    course.save()

    assert "posts/members-essay.html" not in static_site(tmp_path)
    assert "posts/members-essay.html" in static_site(tmp_path, everything=True)


def test_a_class_only_course_is_all_in_the_class_archive_only(tmp_path, db):
    make_post(title="Class essay")
    course = CourseSettings.load()
    course.visibility = Audience.CLASS
    course.save()

    assert not [name for name in static_site(tmp_path) if name.startswith("posts/")]
    assert "posts/class-essay.html" in static_site(tmp_path, everything=True)


def test_links_in_a_post_lead_into_the_archive_or_to_the_site(tmp_path, db, settings):
    settings.SITE_URL = "https://blog.example.edu"
    other = make_post(title="Other essay")
    hidden = make_post(title="Hidden essay", visibility=Audience.CLASS)
    source = make_source(title="Cited")
    cite(other, source)
    make_post(
        title="Linking essay",
        body=(
            f'<p><a href="{other.get_absolute_url()}#comments">relative</a> '
            f'<a href="https://blog.example.edu{other.get_absolute_url()}">absolute</a> '
            f'<a href="{hidden.get_absolute_url()}">hidden</a> '
            f'<a href="{reverse("posts:source", kwargs={"pk": source.pk})}">source</a> '
            f'<a href="{reverse("posts:list")}">home</a> '
            '<a href="https://example.org/x">elsewhere</a> <a href="#notes">notes</a></p>'
        ),
    )

    page = static_site(tmp_path)["posts/linking-essay.html"].decode()

    assert '<a href="other-essay.html#comments">relative</a>' in page.replace("../posts/", "")
    assert f'<a href="../posts/{other.slug}.html">absolute</a>' in page
    assert f'<a href="https://blog.example.edu{hidden.get_absolute_url()}">hidden</a>' in page
    assert f'<a href="../sources/{source.pk}.html">source</a>' in page
    assert '<a href="../index.html">home</a>' in page
    assert '<a href="https://example.org/x">elsewhere</a>' in page
    assert '<a href="#notes">notes</a>' in page


def test_pictures_in_a_post_are_copied_and_other_sites_pictures_left_out(tmp_path, db):
    author = make_user()
    own = picture(author, "green")
    srcset = own.srcset("jpg")
    make_post(
        author=author,
        title="Pictures",
        body=(
            f'<figure><picture><source type="image/webp" srcset="{own.srcset("webp")}">'
            f'<img src="{own.fallback_url}" srcset="{srcset}" alt="Ours"></picture></figure>'
            '<p><img src="https://example.org/tracker.png" alt="Theirs"></p>'
            '<picture><source srcset="https://example.org/a.webp">'
            '<img src="https://example.org/a.jpg" alt="Also theirs"></picture>'
        ),
    )

    files = static_site(tmp_path)
    page = files["posts/pictures.html"].decode()

    assert "example.org" not in page
    assert "[Image not kept in the archive: Theirs]" in page
    assert "[Image not kept in the archive: Also theirs]" in page
    for name in stored_names(own)[1:]:
        assert f"media/{name}" in files
    assert broken_links(files) == []


def test_query_count_does_not_grow_with_comments(django_assert_num_queries, db):
    """One query per post (its discussion); the rest is fixed."""
    for number in range(3):
        post = make_post(title=f"Essay {number}")
        comments = [make_comment(post) for _ in range(5 * (number + 1))]
        make_comment(post, parent=comments[0])
        cite(post, make_source(title=f"Source {number}"))

    with django_assert_num_queries(7 + 3):
        members = list(StaticSite().members())
    assert len([member for member in members if member.name.startswith("posts/")]) == 3
