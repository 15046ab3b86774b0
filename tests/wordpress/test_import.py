"""Importing WXR files: posts, threads, people, topics and tags, idempotently."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from taggit.models import Tag

from accounts.models import User
from comments.models import Comment
from posts.models import Post
from tests.factories import make_user
from tests.wordpress.conftest import fixture
from topics.models import Topic
from wordpress import importer, wxr
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db


def run(name, **options):
    return importer.import_file(fixture(name), importer.Options(**options))


def thread_of(post):
    """(WordPress id, parent's WordPress id, level) of each comment, in tree order."""
    wp_ids = {item.object_id: item.wp_id for item in ImportedItem.objects.filter(kind="comment")}
    return [
        (wp_ids[c.pk], wp_ids.get(c.parent_id), c.level)
        for c in Comment.objects.filter(post=post).order_by("tree_id", "lft")
    ]


def test_a_post_comes_in_with_its_topic_tag_author_and_dates():
    run("threads.xml")
    post = Post.objects.get()
    assert post.title == "The Sino-Soviet Split"
    assert post.slug == "the-sino-soviet-split"
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == datetime(2018, 11, 5, 14, 3, tzinfo=UTC)
    assert (
        post.body == "<p>Mao and Khrushchev fell out.</p>\n<p>It was about <em>ideology</em>.</p>"
    )
    assert [t.name for t in post.topics.all()] == ["Cold War"]
    assert [t.name for t in post.tags.all()] == ["China"]
    assert post.author.username == "anderson"
    assert post.author.display_name == "Anderson Cole"  # WordPress's display name


def test_replies_keep_their_threads_whatever_the_order_in_the_file():
    report = run("threads.xml")
    post = Post.objects.get()
    assert thread_of(post) == [
        ("470", None, 0),
        ("460", "470", 1),  # listed before its parent in the file
        ("480", None, 0),  # its parent 999 is not in the file
        ("491", None, 0),  # its parent was a pingback, which is skipped
        ("492", None, 0),
        ("493", None, 0),
        ("494", None, 0),
    ]
    assert Comment.objects.tree_problems() == []
    assert report.reasons["pingbacks and trackbacks"] == 1
    assert any("replies to comment 999" in note for note in report.notes)
    assert any("replies to comment 490" in note for note in report.notes)


def test_comment_statuses_map_and_an_unknown_one_is_held_and_reported():
    report = run("threads.xml")
    statuses = {c.body[:20]: (c.status, c.previous_status) for c in Comment.objects.all()}
    assert statuses["The parent, listed a"] == ("approved", "")
    assert statuses["A status WordPress p"] == ("pending", "")
    assert statuses["Rude words."] == ("trash", "approved")  # WordPress's trash meta
    assert statuses["Cheap watches."] == ("spam", "")
    assert any("“awaiting-review”" in note for note in report.notes)


def test_comments_get_paragraphs_the_sanitiser_dates_and_members():
    run("threads.xml")
    parent = Comment.objects.get(author_name="Caroline")
    assert parent.body_html == "<p>The parent, listed after its reply.</p>\n<p>Two paragraphs.</p>"
    assert parent.created == datetime(2018, 11, 6, 14, 0, tzinfo=UTC)
    assert parent.ip_address is None  # empty in the file stays empty
    assert parent.author_url == "https://caroline.example.com/"
    reply = Comment.objects.get(author_name="Ethan")
    assert reply.ip_address == "203.0.113.9"
    # By its WordPress user id, through the file's authors: a member's comment.
    by_author = Comment.objects.get(author_name="Anderson Cole")
    assert by_author.user.username == "anderson"
    assert by_author.by_member
    # No GMT date: the local date less the blog's offset (from its posts, -5 h).
    strange = Comment.objects.get(author_name="Strange")
    assert strange.created == datetime(2018, 11, 8, 14, 0, tzinfo=UTC)
    assert all(c.fragment_html for c in Comment.objects.all())


def test_importing_the_same_file_again_changes_nothing_and_says_so():
    run("threads.xml")
    before = sorted(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "parent_id"))
    again = run("threads.xml")
    assert again.changed_nothing
    assert again.summary()[0] == "Nothing changed: everything in the file was imported before."
    assert again.counts["comments"] == {"created": 0, "updated": 0, "unchanged": 7, "skipped": 1}
    assert again.counts["posts"]["unchanged"] == 1
    assert (
        sorted(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "parent_id")) == before
    )
    assert User.objects.count() == 1


def test_a_second_site_adds_to_the_first():
    run("threads.xml")
    run("wxr-1.0.xml")
    assert Post.objects.count() == 3
    assert set(ImportedItem.objects.values_list("site", flat=True)) == {
        "hist212.example.edu",
        "oldblog.example.edu",
    }


def test_a_new_reply_in_a_later_export_joins_its_thread(tmp_path):
    run("threads.xml")
    newer = (
        fixture("threads.xml")
        .read_text()
        .replace("<wp:comment_id>494</wp:comment_id>", "<wp:comment_id>495</wp:comment_id>")
        .replace(
            "<wp:comment_parent>0</wp:comment_parent>\n\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n\t\t</wp:comment>\n\t</item>",
            "<wp:comment_parent>460</wp:comment_parent>\n\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n\t\t</wp:comment>\n\t</item>",
        )
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer)
    report = importer.import_file(path, importer.Options())
    assert report.counts["comments"]["created"] == 1
    post = Post.objects.get()
    assert ("495", "460", 2) in thread_of(post)
    assert Comment.objects.tree_problems() == []


def test_wxr_1_0_posts_take_their_authors_from_the_creator_and_local_dates():
    report = run("wxr-1.0.xml")
    first, _second = Post.objects.order_by("published_at")
    assert first.author.username == "prof"
    assert not first.author.has_usable_password()
    assert first.comments_open is False
    # No GMT date: the blog's offset from its other post (-4 h).
    assert first.published_at == datetime(2008, 9, 9, 13, 0, tzinfo=UTC)
    assert [t.slug for t in first.topics.all()] == ["reading-notes"]
    assert report.counts["people"]["created"] == 1


@pytest.mark.parametrize("name", ["truncated.xml", "malformed.xml", "entity-bomb.xml"])
def test_a_broken_file_imports_nothing(name):
    with pytest.raises(wxr.WxrError):
        run(name)
    assert not Post.objects.exists()
    assert not User.objects.exists()
    assert not ImportedItem.objects.exists()


def test_people_are_matched_by_email_then_created_as_students_without_email():
    existing = make_user("acole", email="Anderson@Example.edu")
    run("threads.xml")
    assert Post.objects.get().author == existing
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_invite_emails_the_people_it_creates(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("threads.xml", invite=True)
    assert [message.to for message in mail.outbox] == [["anderson@example.edu"]]
    user = User.objects.get()
    assert user.groups.filter(name="Students").exists()
    assert not user.has_usable_password()


def test_as_author_gives_every_post_to_one_member_and_makes_nobody():
    teacher = make_user("teacher")
    run("threads.xml", as_author=teacher)
    assert Post.objects.get().author == teacher
    assert User.objects.count() == 1


def test_a_dry_run_reports_and_keeps_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = run("threads.xml", dry_run=True, invite=True)
    assert mail.outbox == []
    assert report.counts["posts"]["created"] == 1
    assert report.counts["comments"]["created"] == 7
    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert not ImportedItem.objects.exists()


def test_private_posts_are_for_the_class_only_and_said_so(tmp_path):
    path = tmp_path / "private.xml"
    path.write_text(
        fixture("threads.xml").read_text().replace("<![CDATA[publish]]>", "<![CDATA[private]]>")
    )
    report = importer.import_file(path, importer.Options())
    post = Post.objects.get()
    assert post.status == importer.private_post_status() == Post.Status.PUBLISHED
    assert post.visibility == "class"
    assert not Post.objects.public().exists()
    assert any("was private, so it is for the class only" in note for note in report.notes)


def test_topics_and_tags_are_reused_by_slug_and_name():
    Topic.objects.create(name="The Cold War", slug="cold-war")
    Tag.objects.create(name="china")
    run("threads.xml")
    assert Topic.objects.count() == 1
    assert Tag.objects.count() == 1


def test_a_post_changed_on_wordpress_since_is_updated(tmp_path):
    run("threads.xml")
    path = tmp_path / "newer.xml"
    path.write_text(
        fixture("threads.xml").read_text().replace("It was about", "It was mostly about")
    )
    report = importer.import_file(path, importer.Options())
    assert report.counts["posts"]["updated"] == 1
    assert "It was mostly about" in Post.objects.get().body
    assert Comment.objects.count() == 7


def test_what_was_deleted_here_since_is_not_brought_back():
    run("threads.xml")
    Comment.objects.get(author_name="Spammer").delete()
    report = run("threads.xml")
    assert report.reasons["deleted here since they were imported"] == 1
    assert not Comment.objects.filter(author_name="Spammer").exists()
    Post.objects.all().delete()
    report = run("threads.xml")
    assert not Post.objects.exists()
    assert report.reasons["deleted here since they were imported"] == 1


def test_categories_and_tags_the_channel_does_not_list_are_made_from_the_post(tmp_path):
    path = tmp_path / "partial.xml"
    text = fixture("threads.xml").read_text()
    start, end = text.index("\t<wp:category>"), text.index("\t<item>")
    path.write_text(text[:start] + text[end:])  # no wp:category, no wp:tag
    report = importer.import_file(path, importer.Options())
    post = Post.objects.get()
    assert [t.name for t in post.topics.all()] == ["Cold War"]
    assert [t.name for t in post.tags.all()] == ["China"]
    assert report.counts["topics"]["created"] == 1
    assert report.counts["tags"]["created"] == 1


def test_an_item_without_a_post_id_is_skipped_and_reported(tmp_path):
    path = tmp_path / "no-id.xml"
    path.write_text(fixture("threads.xml").read_text().replace("<wp:post_id>123</wp:post_id>", ""))
    report = importer.import_file(path, importer.Options())
    assert not Post.objects.exists()
    assert report.reasons["no WordPress post id"] == 1
    assert "The item on line 19 has no post id: not imported." in report.notes


@pytest.mark.parametrize(
    ("wordpress_status", "status"),
    [("draft", Post.Status.DRAFT), ("pending", Post.Status.PENDING)],
)
def test_drafts_stay_drafts_and_pending_posts_are_submitted(tmp_path, wordpress_status, status):
    path = tmp_path / f"{wordpress_status}.xml"
    path.write_text(
        fixture("threads.xml")
        .read_text()
        .replace("<![CDATA[publish]]>", f"<![CDATA[{wordpress_status}]]>")
    )
    importer.import_file(path, importer.Options())
    post = Post.objects.get()
    assert post.status == status
    assert not Post.objects.published().exists()


def imported_body(tmp_path, content: str, excerpt: str = "") -> Post:
    path = tmp_path / "content.xml"
    text = fixture("threads.xml").read_text()
    text = text.replace(
        "Mao and Khrushchev fell out.\n\nIt was about <em>ideology</em>.", content
    ).replace(
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
        f"<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>",
    )
    path.write_text(text)
    importer.import_file(path, importer.Options())
    return Post.objects.get()


def test_a_block_editor_post_loses_its_block_comments_and_keeps_its_markup(tmp_path):
    post = imported_body(
        tmp_path,
        "<!-- wp:paragraph -->\n<p>Mao and Khrushchev fell out.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:quote {"className":"is-style-large"} -->\n<blockquote class="wp-block-quote">'
        "<p>Words.</p></blockquote>\n<!-- /wp:quote -->",
        excerpt="How the alliance ended.",
    )
    assert "wp:" not in post.body
    assert "<p>Mao and Khrushchev fell out.</p>" in post.body
    assert "<p>Words.</p></blockquote>" in post.body
    assert post.excerpt == "How the alliance ended."


def test_a_classic_post_gets_paragraphs_and_loses_shortcodes_we_cannot_show(tmp_path):
    post = imported_body(
        tmp_path, 'Mao and Khrushchev fell out. [gallery ids="1,2"]\n\nIt was about ideology.'
    )
    assert "[gallery" not in post.body
    assert post.body.startswith("<p>Mao and Khrushchev fell out.")
    assert "<p>It was about ideology.</p>" in post.body
