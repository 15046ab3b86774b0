"""The WordPress Theme Unit Test export (WordPress.com, WXR 1.2), imported whole.

Its discussions: 32 comments on 6 posts and pages, 2 pingbacks and 2 trackbacks,
3 held, a 10-level chain, comments by an author whose user id matches no author
in the file, GMT offsets that disagree, Greek text, raw <h1> and <img> in a comment.
"""

from datetime import UTC, datetime

import pytest
from django.db.models import Count, Max

from comments.models import Comment
from posts.models import Post
from wordpress import importer
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(theme_unit_test):
    return importer.import_file(theme_unit_test, importer.Options())


def by_wp_id(wp_id: str) -> Comment:
    item = ImportedItem.objects.get(kind="comment", wp_id=wp_id)
    return Comment.objects.get(pk=item.object_id)


def test_every_comment_but_pings_comes_in_on_its_six_posts(imported):
    assert Comment.objects.count() == 28
    assert imported.reasons["pingbacks and trackbacks"] == 4
    per_post = dict(
        Post.objects.annotate(n=Count("comments")).filter(n__gt=0).values_list("title", "n")
    )
    assert per_post == {
        "Page with comments": 4,
        "a Blog page": 1,
        "Template: Comments": 20,
        "Template: Pingbacks And Trackbacks": 1,
        'Template: Password Protected (the password is "enter")': 1,
        "Edge Case: No Content": 1,
    }
    assert Comment.objects.filter(status="pending").count() == 3
    assert Comment.objects.exclude(status__in=["approved", "pending"]).count() == 0
    assert Comment.objects.tree_problems() == []


def test_the_ten_level_chain_is_ten_levels_deep(imported):
    deepest = by_wp_id("915")
    assert deepest.body.startswith("Comment Depth 10")
    assert deepest.level == 9
    chain = deepest.get_ancestors()
    assert [c.body[:16] for c in chain] == [f"Comment Depth {n:02d}" for n in range(1, 10)]
    assert Comment.objects.aggregate(Max("level"))["level__max"] == 9


def test_dates_are_utc_from_the_gmt_fields_even_where_offsets_disagree(imported):
    # Local 10:49:28, GMT 00:49:28 (the site's usual gap is 7 hours): GMT wins.
    assert by_wp_id("167").created == datetime(2007, 9, 4, 0, 49, 28, tzinfo=UTC)
    assert by_wp_id("169").created == datetime(2007, 9, 4, 17, 48, 51, tzinfo=UTC)
    post = Post.objects.get(title="Template: Comments")
    assert post.published_at == datetime(2012, 1, 3, 17, 11, 37, tzinfo=UTC)


def test_comment_html_is_sanitised_and_greek_kept(imported):
    markup = by_wp_id("881").body_html
    assert "<h1>" not in markup
    assert "Header one" in markup
    assert "<blockquote" in markup
    image = by_wp_id("917").body_html
    assert "<img" not in image
    assert image.startswith("<p>Image comment.")
    assert "Σίγουρα θα σχολιάσουμε τα τεστς!" in by_wp_id("918").body_html


def test_an_author_id_that_matches_no_author_falls_back_to_the_email(imported):
    # comment_user_id 24783058 is nobody in the file (its authors have no ids), but
    # the email is the author "themedemos"'s, so the comment is that member's.
    comment = by_wp_id("903")
    assert comment.user.username == "themedemos"
    assert comment.by_member
    guest = by_wp_id("899")
    assert guest.user is None


def test_pages_come_in_as_posts_and_password_protected_posts_as_drafts(imported):
    assert Post.objects.get(title="Page with comments").status == "published"
    protected = Post.objects.get(title__startswith="Template: Password Protected")
    assert protected.status == "draft"
    assert any("had a password" in note for note in imported.notes)
    assert imported.counts["posts"]["created"] == Post.objects.count()


def test_importing_it_again_changes_nothing(imported, theme_unit_test):
    again = importer.import_file(theme_unit_test, importer.Options())
    assert again.changed_nothing
    assert again.counts["comments"]["unchanged"] == 28
