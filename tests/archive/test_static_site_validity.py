"""Every page of the static archive is valid HTML5 by the W3C Nu checker (vnu.jar),
in both modes, with the shapes a post can take: pictures of the course's own and of
other sites, links, anonymous authors, a removed comment holding a reply."""

import pytest

from accounts.roles import make_student
from course.models import CourseSettings
from tests.archive.sites import extract, load_demo, picture, static_site
from tests.factories import make_comment, make_post, make_user
from tests.test_html_validity import JAVA, VNU_JAR, nu_errors
from tests.tools import needs

pytestmark = [
    pytest.mark.django_db,
    needs(JAVA is not None, "the Nu HTML checker needs Java (apt install default-jre-headless)"),
    needs(VNU_JAR.exists(), "vnu.jar is missing: run `npm ci` (make test does)"),
]


def test_archive_pages_are_valid_html5(tmp_path):
    load_demo()
    course = CourseSettings.load()
    course.anonymous_posts = course.anonymous_comments = course.ended = True
    course.save()
    author = make_user("writer")
    make_student(author)
    own = picture(author)
    post = make_post(
        author=author,
        anonymous=True,
        visibility="class",
        title="Pictures & links",
        body=(
            "<figure><picture>"
            f'<source type="image/webp" srcset="{own.srcset("webp")}" sizes="42rem">'
            f'<img src="{own.fallback_url}" srcset="{own.srcset("jpg")}" sizes="42rem" alt="Ours" '
            'width="1200" height="800"></picture><figcaption>Ours</figcaption></figure>'
            '<p><a href="/posts/the-sino-soviet-split/">A link</a> '
            '<a href="https://example.org/"><img src="https://example.org/a.png" alt="x"></a></p>'
            '<picture><source srcset="https://example.org/a.webp">'
            '<img src="https://example.org/a.jpg" alt="Theirs"></picture>'
        ),
    )
    removed = make_comment(post, status="trash")
    make_comment(post, parent=removed, user=author, anonymous=True, author_name="x")

    files = []
    for everything in (False, True):
        folder = extract(static_site(tmp_path, everything=everything), tmp_path / str(everything))
        files += [str(path) for path in folder.rglob("*.html")]
    assert len(files) > 8

    assert nu_errors(files) == []
