"""Backup and restore: export, flush, import gives back the same site, row by row.

The round trip builds a course with every kind of row (settings, roles, members with
their emails and external logins, pictures, posts of every status and audience,
sources, comment trees with every status and anonymous comments), exports it,
flushes the database and deletes the media, imports it, and compares every model
node by node, every media file byte by byte, and the pages a reader gets.
"""

import io
import re
import shutil
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from accounts.models import FeedToken, User
from accounts.roles import make_student
from archive.backup import KEPT, LEFT_OUT
from comments.models import Comment, DiscussionSettings, Report
from course.models import Audience, CourseSettings, SiteVersion
from participation.models import (
    CommentWords,
    ExemplaryComment,
    ExemplaryPost,
    Expectations,
    Grade,
    GradingScale,
    Preferences,
    PrivateFeedback,
)
from posts.models import Post
from tests.archive.sites import load_demo, picture, stored_names
from tests.factories import cite, make_comment, make_post, make_source, make_thread, make_user


def test_every_model_is_kept_or_left_out_with_a_reason():
    """An app's new model must be listed in archive/backup.py: KEPT or LEFT_OUT."""
    installed = {model._meta.label for model in apps.get_models()}
    kept = [entry.label for entry in KEPT]

    assert sorted(installed - set(kept) - set(LEFT_OUT)) == []
    assert set(kept) & set(LEFT_OUT) == set()
    assert sorted((set(kept) | set(LEFT_OUT)) - installed) == []
    assert len(kept) == len(set(kept))


def snapshot() -> dict[str, dict]:
    """Every kept row, by model and id (groups by name), with every field."""
    rows = {}
    for entry in KEPT:
        model = entry.model
        items = serializers.serialize(
            "python",
            model._default_manager.order_by("pk"),
            use_natural_foreign_keys=entry.relations_by_name,
            use_natural_primary_keys=entry.by_name,
        )
        rows[entry.label] = {
            item.get("pk", item["fields"].get("name")): item["fields"] for item in items
        }
    return rows


def media_files() -> dict[str, bytes]:
    names = {}
    for image in apps.get_model("images.Image").objects.all():
        for name in stored_names(image):
            with default_storage.open(name) as stored:
                names[name] = stored.read()
    return names


def thread_markup(post: Post) -> str:
    """The discussion as the instructor reads it (class-only posts, anonymous authors)."""
    client = Client()
    client.force_login(User.objects.get(username="instructor"))
    page = client.get(post.get_absolute_url()).content.decode()
    return re.search(r'<ol class="comment-list">.*?(?=<div id="respond")', page, re.S).group()


@pytest.fixture
def course(transactional_db):
    """A course with a row of every kind the backup keeps."""
    load_demo()
    settings_record = CourseSettings.load()
    settings_record.title = "HIST 214"
    settings_record.anonymous_comments = True
    settings_record.join_code = "HIST-214"
    settings_record.save()
    rules = DiscussionSettings.load()
    rules.thread_depth = 4
    rules.moderation_words = "casino"
    rules.save()

    student = make_user("dana", display_name="Dee", first_name="Dana", last_name="Ruiz")
    make_student(student)
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    SocialAccount.objects.create(user=student, provider="google", uid="1234567890")
    FeedToken.for_user(student)
    make_user("visitor")  # a member in neither group

    demo = Post.objects.get()
    own = picture(student, "purple")
    essay = make_post(
        author=student,
        title="Class essay",
        visibility=Audience.CLASS,
        featured_image=own,
        featured_image_alt="Purple",
        body=f'<p>Text <img src="{own.fallback_url}" alt="Purple"></p>',
    )
    make_post(author=student, title="Draft", status=Post.Status.DRAFT, published_at=None)
    make_post(author=student, title="Submitted", status=Post.Status.PENDING)
    cite(essay, demo.sources.first(), position=1)
    cite(essay, make_source(title="Own source", url="https://example.org/"), position=2)
    comments = make_thread(essay, [None, [None, [None, [None]]], [None]])
    comments[1].mark_spam()
    comments[4].trash()
    make_comment(essay, status=Comment.Status.PENDING, body="Held.")
    make_comment(essay, parent=comments[0], user=student, anonymous=True, author_name="Dee")

    # Participation: expectations, the grading scale, preferences, private feedback with
    # its answer, a grade and exemplary marks.
    instructor = User.objects.get(username="instructor")
    expectations = Expectations.load()
    expectations.replies_per_week = 3
    expectations.save()
    scale = GradingScale.load()
    scale.kind = GradingScale.Kind.LETTER
    scale.save()
    Preferences.objects.create(user=student, email_feedback=False)
    feedback = PrivateFeedback.objects.create(post=essay, author=instructor, body="Cite more.")
    PrivateFeedback.objects.create(post=essay, parent=feedback, author=student, body="Will do.")
    Grade.objects.create(post=essay, letter="A-", given_by=instructor)
    ExemplaryPost.objects.create(post=essay, marked_by=instructor)
    ExemplaryComment.objects.create(comment=comments[0], marked_by=instructor)
    Report.objects.create(comment=comments[0], reporter=student, reason="other", note="Rude.")
    return demo


def test_a_backup_gives_back_the_same_site(course, tmp_path):
    pages_before = {post.slug: thread_markup(post) for post in Post.objects.published()}
    before = snapshot()
    files_before = media_files()
    version_before = SiteVersion.current()
    backup = tmp_path / "course.zip"
    call_command("export_course", str(backup), "--with-passwords", stdout=io.StringIO())

    call_command("flush", "--no-input", verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not User.objects.exists()
    out = io.StringIO()
    call_command("import_course", str(backup), stdout=out)

    after = snapshot()
    for label, rows in before.items():
        assert after[label] == rows, label
    assert media_files() == files_before
    assert {post.slug: thread_markup(post) for post in Post.objects.published()} == pages_before
    assert SiteVersion.current() > version_before  # no page cached before is served
    assert CommentWords.objects.count() == Comment.objects.count()  # counted again
    checked = io.StringIO()
    call_command("check_comment_trees", stdout=checked)
    assert "All comment trees are sound." in checked.getvalue()
    assert "Imported" in out.getvalue()
    assert Client().login(username="dana", password="password")

    # New rows get new ids (the sequences moved past the imported ones).
    essay = Post.objects.get(title="Class essay")
    reply = make_comment(essay, parent=essay.comments.first())
    assert reply.pk > max(before["comments.Comment"])
    assert make_post().pk > max(before["posts.Post"])
    assert Comment.objects.tree_problems() == []


def test_a_backup_holds_no_password_hash_and_no_secret_unless_asked(course, tmp_path):
    token = FeedToken.objects.get().token
    hashes = list(User.objects.values_list("password", flat=True))
    backup = tmp_path / "course.zip"
    out = io.StringIO()

    call_command("export_course", str(backup), stdout=out)

    with zipfile.ZipFile(backup) as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names)
    assert token.encode() not in everything
    assert not [password for password in hashes if password.encode() in everything]
    assert "data/accounts.feedtoken.json" not in names
    assert "Password hashes are left out" in out.getvalue()

    call_command("flush", "--no-input", verbosity=0)
    call_command("import_course", str(backup), stdout=io.StringIO())
    dana = User.objects.get(username="dana")
    assert not dana.has_usable_password()
    assert not FeedToken.objects.exists()
    assert dana.groups.filter(name="Students").exists()


def test_an_import_sanitises_what_the_backup_says(transactional_db, tmp_path):
    """The JSON is not trusted: rich text is cleaned and comments' markup made again,
    as any save would."""
    post = make_post(title="Essay")
    comment = make_comment(post, body="Fine.")
    feedback = PrivateFeedback.objects.create(post=post, body="Good.")
    backup = tmp_path / "course.zip"
    call_command("export_course", str(backup), stdout=io.StringIO())
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "data/posts.post.json":
                data = data.replace(b"<p>An essay.</p>", b"<p>An essay.<script>x()</script></p>")
            if name == "data/comments.comment.json":
                data = data.replace(b"Fine.</p>", b"Fine.<script>y()</script></p>")
            if name == "data/participation.privatefeedback.json":
                data = data.replace(b"Good.</p>", b"Good.<script>z()</script></p>")
            target.writestr(name, data)
    call_command("flush", "--no-input", verbosity=0)

    call_command("import_course", str(tampered), stdout=io.StringIO())

    assert Post.objects.get().body == "<p>An essay.</p>"
    restored = Comment.objects.get()
    assert "<script>" not in restored.body_html + restored.fragment_html
    assert restored.fragment_html == comment.fragment_html
    assert PrivateFeedback.objects.get().body_html == feedback.body_html
