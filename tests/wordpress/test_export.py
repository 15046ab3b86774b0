"""Exporting WXR 1.2, and the round trip: export, import into an empty site, compare."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree
from taggit.models import Tag

from accounts.models import User
from comments.models import Comment
from participation.models import Grade, PrivateFeedback
from posts.models import Post
from tests.archive.sites import picture
from tests.factories import make_comment, make_post, make_user
from topics.models import Topic
from wordpress import exporter, importer
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db
WP = "{http://wordpress.org/export/1.2/}"


def hours_ago(hours: float):
    return (timezone.now() - timezone.timedelta(hours=hours)).replace(microsecond=0)


@pytest.fixture
def site():
    """A course blog: topics with a parent, tags, posts in every state, threads."""
    history = Topic.objects.create(name="History")
    cold_war = Topic.objects.create(name="Cold War", parent=history, description="1947–1991")
    anderson = make_user("anderson", first_name="Anderson", last_name="Cole")
    caroline = make_user("caroline", first_name="Caroline")
    split = make_post(
        title="The Sino-Soviet Split",
        author=anderson,
        body="<h2>Origins</h2><p>Mao &amp; Khrushchev (Freeze 428).</p>",
        excerpt="How an alliance broke.",
        published_at=hours_ago(50),
    )
    split.topics.add(cold_war, history)
    split.tags.add("China", "USSR")
    closed = make_post(title="Détente", author=caroline, comments_open=False)
    closed.tags.add("USSR")
    make_post(title="Unfinished", author=anderson, status=Post.Status.DRAFT, published_at=None)
    make_post(
        title="Waiting", author=caroline, status=Post.Status.PENDING, published_at=None,
        submitted_at=hours_ago(3),
    )  # fmt: skip
    first = make_comment(split, body="First!\n\nTwo paragraphs.", created=hours_ago(40),
                         ip_address="203.0.113.9", author_url="https://example.com/")  # fmt: skip
    reply = make_comment(split, parent=first, user=caroline, author_name="Caroline",
                         author_email="caroline@example.edu", created=hours_ago(39))  # fmt: skip
    make_comment(split, parent=reply, status=Comment.Status.PENDING, created=hours_ago(38))
    make_comment(split, parent=first, created=hours_ago(37))
    second = make_comment(split, created=hours_ago(30))
    second.trash()
    make_comment(split, status=Comment.Status.SPAM, created=hours_ago(20))
    make_comment(closed, body="<b>bold</b> & <i>raw</i>, and ]]> too", created=hours_ago(10))
    return split


def export(**options) -> bytes:
    out = io.StringIO()
    exporter.write(out, **options)
    return out.getvalue().encode()


def snapshot() -> dict:
    """Posts, topics, tags and comment trees, node by node, by stable names."""
    posts = {}
    for post in Post.objects.order_by("slug"):
        comments = [
            (
                c.level, c.author_name, c.author_email, c.author_url, c.body, c.body_html,
                c.status, c.previous_status, c.created.replace(microsecond=0),
                str(c.ip_address or ""), c.user.username if c.user else None, c.by_member,
            )
            for c in Comment.objects.filter(post=post).order_by("tree_id", "lft")
        ]  # fmt: skip
        posts[post.slug] = {
            "fields": (
                post.title,
                post.body,
                post.excerpt,
                post.status,
                post.comments_open,
                post.published_at and post.published_at.replace(microsecond=0),
                post.author.username,
                post.author.get_full_name(),
            ),
            "topics": sorted(post.topics.values_list("name", flat=True)),
            "tags": sorted(post.tags.names()),
            "comments": comments,
        }
    topics = sorted(
        (t.name, t.slug, t.description, t.parent.slug if t.parent else None)
        for t in Topic.objects.all()
    )
    return {
        "posts": posts,
        "topics": topics,
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
    }


def empty_the_site():
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Topic.objects.all().delete()
    Tag.objects.all().delete()
    User.objects.all().delete()
    ImportedItem.objects.all().delete()


def test_the_round_trip_gives_back_the_same_blog(site, tmp_path):
    before = snapshot()
    path = tmp_path / "export.xml"
    path.write_bytes(export(include_private=True))
    empty_the_site()
    report = importer.import_file(path, importer.Options())
    assert snapshot() == before
    assert Comment.objects.tree_problems() == []
    assert report.counts["posts"]["created"] == 4
    assert report.counts["comments"]["created"] == 7


def test_the_file_is_wxr_1_2_as_wordpress_writes_it(site):
    root = etree.fromstring(export())
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_blog_url") == "http://127.0.0.1:8000"
    assert [a.findtext(f"{WP}author_login") for a in channel.iter(f"{WP}author")] == [
        "anderson",
        "caroline",
    ]
    categories = [c.findtext(f"{WP}category_nicename") for c in channel.iter(f"{WP}category")]
    assert categories == ["history", "cold-war"]  # the parent first
    item = next(i for i in channel.iter("item") if i.findtext("title") == "The Sino-Soviet Split")
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_type") == "post"
    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert content == "<!-- wp:html -->\n" + site.body + "\n<!-- /wp:html -->"
    terms = sorted((c.get("domain"), c.get("nicename")) for c in item.findall("category"))
    assert terms == [
        ("category", "cold-war"), ("category", "history"), ("post_tag", "china"),
        ("post_tag", "ussr"),
    ]  # fmt: skip
    comments = item.findall(f"{WP}comment")
    ids = [c.findtext(f"{WP}comment_id") for c in comments]
    for comment in comments:  # parents come first
        parent = comment.findtext(f"{WP}comment_parent")
        assert parent == "0" or ids.index(parent) < ids.index(comment.findtext(f"{WP}comment_id"))
    assert sorted(c.findtext(f"{WP}comment_approved") for c in comments) == [
        "0", "1", "1", "1", "spam", "trash",
    ]  # fmt: skip
    first = comments[0]
    assert first.findtext(f"{WP}comment_author_IP") == "203.0.113.9"
    created = Comment.objects.get(pk=first.findtext(f"{WP}comment_id")).created
    assert first.findtext(f"{WP}comment_date_gmt") == created.strftime("%Y-%m-%d %H:%M:%S")


def test_text_with_a_cdata_end_survives(site):
    root = etree.fromstring(export())
    contents = [c.text for c in root.iter(f"{WP}comment_content")]
    assert "<b>bold</b> & <i>raw</i>, and ]]> too" in contents


def test_only_published_posts_unless_private_ones_are_asked_for(site):
    public = export().decode()
    assert "The Sino-Soviet Split" in public
    assert "Unfinished" not in public
    assert "Waiting" not in public
    everything = export(include_private=True).decode()
    assert "<wp:status>draft</wp:status>" in everything
    assert "<wp:status>pending</wp:status>" in everything


def test_the_command_writes_the_file(site, tmp_path):
    out = io.StringIO()
    path = tmp_path / "blog.xml"
    call_command("export_wxr", str(path), stdout=out)
    assert "Exported 2 posts" in out.getvalue()
    assert etree.parse(str(path)).getroot().tag == "rss"
    call_command("export_wxr", str(path), "--include-private", stdout=out)
    assert "Exported 4 posts" in out.getvalue()


def test_pictures_go_with_the_posts_that_show_them_and_no_others(site):
    author = User.objects.get(username="anderson")
    shown = picture(author, "teal")
    hidden = picture(author, "purple")
    unused = picture(author, "olive")
    site.featured_image = shown
    site.featured_image_alt = "A teal square"
    site.save()
    make_post(title="Class only", author=author, visibility="class", featured_image=hidden,
              featured_image_alt="Purple")  # fmt: skip

    def attachments(data: bytes) -> dict[str, str]:
        channel = etree.fromstring(data).find("channel")
        return {
            item.findtext(f"{WP}attachment_url"): item.findtext(f"{WP}post_parent")
            for item in channel.iter("item")
            if item.findtext(f"{WP}post_type") == "attachment"
        }

    public = attachments(export())
    assert [url.rsplit("/", 1)[1] for url in public] == [shown.file.name.rsplit("/", 1)[1]]
    assert list(public.values()) == [str(site.pk)]
    assert "A teal square" in export().decode()
    everything = attachments(export(include_private=True))
    assert len(everything) == 2  # the picture no post shows is in neither
    assert unused.file.name.rsplit("/", 1)[1] not in "".join(everything)


def test_anonymous_work_is_anonymous_in_an_export_of_public_content(site):
    writer = make_user("shy", display_name="Owl", email="shy@example.edu")
    essay = make_post(title="Brave essay", author=writer, anonymous=True)
    make_comment(essay, user=writer, author_name="Owl", author_email="shy@example.edu",
                 anonymous=True, ip_address="198.51.100.7")  # fmt: skip

    public = export().decode()
    for secret in ("Owl", "shy@example.edu", "198.51.100.7", "<wp:author_login><![CDATA[shy]"):
        assert secret not in public
    assert "Anonymous classmate" in public
    everything = export(include_private=True).decode()
    assert "shy@example.edu" in everything
    assert "<dc:creator><![CDATA[shy]]></dc:creator>" in everything


def test_private_feedback_and_grades_are_never_exported(site):
    teacher = make_user("teacher", instructor=True)
    PrivateFeedback.objects.create(post=site, author=teacher, body="Sharpen the thesis.")
    Grade.objects.create(post=site, letter="B+", given_by=teacher)
    for data in (export(), export(include_private=True)):
        text = data.decode()
        assert "The Sino-Soviet Split" in text
        assert "Sharpen the thesis." not in text
        assert "B+" not in text
