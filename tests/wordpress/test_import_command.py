"""python manage.py import_wxr: the report, dry runs and refusals."""

import io

import pytest
from django.core.management import CommandError, call_command

from posts.models import Post
from tests.factories import make_user
from tests.wordpress.conftest import fixture

pytestmark = pytest.mark.django_db


def import_wxr(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wxr", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_shows_progress_and_a_summary():
    out, err = import_wxr(fixture("threads.xml"))
    assert "History 212: 1 items, 8 comments (WXR 1.2)." in out
    assert "Posts: 1 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "Comments: 7 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert "Skipped: pingbacks and trackbacks (1)" in out
    assert "1/1 items, 8/8 comments" in err
    assert "comments/s" in err


def test_a_dry_run_says_so_and_keeps_nothing():
    out, _ = import_wxr(fixture("threads.xml"), "--dry-run")
    assert "Dry run: nothing was kept." in out
    assert not Post.objects.exists()


def test_a_broken_file_is_refused_with_its_line():
    with pytest.raises(CommandError, match=r"Line 48: .* Nothing was imported\."):
        import_wxr(fixture("truncated.xml"))


def test_as_author_needs_a_member():
    with pytest.raises(CommandError, match="No member has the username “nobody”"):
        import_wxr(fixture("threads.xml"), "--as-author", "nobody")
    make_user("teacher")
    import_wxr(fixture("threads.xml"), "--as-author", "teacher")
    assert Post.objects.get().author.username == "teacher"
