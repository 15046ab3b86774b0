"""A thread that reads like a discussion: avatars, marks, dates, permalinks, and the
"N replies" toggle that folds a long sub-thread."""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client

from accounts import avatars
from accounts.avatars import tone as avatar_tone
from accounts.roles import make_student
from comments.models import Comment
from comments.thread import FOLD_FROM, Marks, Thread, replies_label
from participation import exemplary
from participation.models import Preferences
from tests.accounts.test_avatars import photo
from tests.factories import make_comment, make_thread, make_user
from tests.html_tree import comment_nesting

pytestmark = pytest.mark.django_db


def rendered(post, marks=None, own=frozenset()) -> str:
    thread = Thread.for_post(post, own)
    return str(thread.render(post=post, deepest_level=9, marks=marks or Marks.for_post(post)))


def comment_html(html: str, comment) -> str:
    """The markup of one comment's own article (not its replies)."""
    start = html.index(f'<article id="div-comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestAvatars:
    def test_a_guest_gets_the_initials_of_the_name_they_gave(self, post):
        comment = make_comment(post, author_name="Maya Lindqvist")
        html = comment_html(rendered(post), comment)
        tone = avatar_tone("Maya Lindqvist")
        assert f'<span class="avatar avatar-{tone}" aria-hidden="true">ML</span>' in html

    def test_a_member_gets_the_initials_of_their_display_name_now(self, post):
        member = make_user("wang", display_name="王小明")
        comment = make_comment(post, user=member, author_name="Old name")
        html = comment_html(rendered(post), comment)
        assert 'aria-hidden="true">王</span>' in html
        assert ">ON<" not in html

    def test_an_anonymous_comment_gets_a_neutral_avatar_not_its_authors_initials(self, post):
        pupil = make_user("pupil", display_name="Owl Wise")
        make_student(pupil)
        comment = make_comment(post, user=pupil, author_name="Owl Wise", anonymous=True)
        html = comment_html(rendered(post), comment)
        assert '<span class="avatar avatar-neutral" aria-hidden="true"></span>' in html
        assert ">OW<" not in html
        assert ">AC<" not in html  # nor the initials of "Anonymous classmate"

    def test_an_instructor_sees_the_initials_of_an_anonymous_comments_author(self, post):
        pupil = make_user("pupil", display_name="Owl Wise")
        comment = make_comment(post, user=pupil, author_name="Owl Wise", anonymous=True)
        html = comment_html(rendered(post, Marks.for_post(post, identities=True)), comment)
        assert 'aria-hidden="true">OW</span>' in html

    def test_a_member_with_a_picture_shows_it_and_never_on_anonymous_comments(self, post):
        pupil = make_user("pupil", display_name="Owl Wise")
        make_student(pupil)
        avatars.set_picture(pupil, photo())
        signed = make_comment(post, user=pupil, author_name="Owl Wise")
        anonymous = make_comment(post, user=pupil, author_name="Owl Wise", anonymous=True)
        html = rendered(post)
        pictures = re.findall(
            r'<img class="avatar-image" src="([^"]+)"', comment_html(html, signed)
        )
        assert pictures == [pupil.avatar_small.url]
        assert "avatar-image" not in comment_html(html, anonymous)
        assert "avatar-neutral" in comment_html(html, anonymous)

    def test_a_name_without_letters_gets_the_neutral_avatar(self, post):
        comment = make_comment(post, author_name="***")
        assert "avatar-neutral" in comment_html(rendered(post), comment)


class TestMarks:
    def test_the_post_author_and_instructors_are_marked_after_their_names(self, post):
        instructor = make_user("morgan", display_name="Morgan Reyes", instructor=True)
        by_author = make_comment(post, user=post.author)
        by_instructor = make_comment(post, user=instructor)
        by_guest = make_comment(post, author_name="Maya")
        html = rendered(post)
        author_part = comment_html(html, by_author)
        assert (
            '<span class="comment-badge author-badge">Author'
            '<span class="visually-hidden"> of the post</span></span>'
        ) in author_part
        assert "instructor-badge" not in author_part
        instructor_part = comment_html(html, by_instructor)
        assert (
            '<b class="fn">Morgan Reyes</b> '
            '<span class="comment-badge instructor-badge">Instructor</span>'
        ) in instructor_part
        assert "author-badge" not in instructor_part
        assert "comment-badge" not in comment_html(html, by_guest)


class TestDates:
    def test_the_date_is_exact_in_the_text_and_the_title_for_the_script_to_make_relative(
        self, post
    ):
        comment = make_comment(post, created=datetime(2018, 11, 9, 15, 5, tzinfo=UTC))
        html = comment_html(rendered(post), comment)
        assert (
            '<time datetime="2018-11-09T15:05:00+00:00" title="November 9, 2018 at 3:05 pm"'
            " data-relative>November 9, 2018 at 3:05 pm</time>"
        ) in html
        assert " ago" not in html  # "now" belongs to the browser, not to cached markup

    def test_the_post_page_loads_the_relative_dates_script(self, post, client):
        make_comment(post)
        html = client.get(post.get_absolute_url()).content.decode()
        assert re.search(r'<script src="/static/js/relative-dates[^"]*\.js" defer>', html)


class TestPermalinks:
    def test_each_comment_links_to_its_own_anchor(self, post):
        a, a1, b = make_thread(post, [[None], None])
        html = rendered(post)
        url = post.get_absolute_url()
        for comment in (a, a1, b):
            assert f'<li id="comment-{comment.pk}"' in html
            assert f'class="comment-permalink" href="{url}#comment-{comment.pk}"' in html


class SummaryTexts(HTMLParser):
    """The text of each <summary>, in order (what a screen reader says, too)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "summary":
            self.inside = True
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "summary":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.texts[-1] += data


def summaries(html: str) -> list[str]:
    """The replies toggles' texts (on a whole page: the thread's, not the site menu's)."""
    parser = SummaryTexts()
    parser.feed(html[max(html.find('<ol class="comment-list">'), 0) :])
    return parser.texts


class TestRepliesToggle:
    @pytest.mark.parametrize(
        ("count", "label"), [(1, "1 reply"), (2, "2 replies"), (1200, "1,200 replies")]
    )
    def test_the_label_is_pluralised(self, count, label):
        assert replies_label(count) == label

    def test_a_thread_with_fewer_replies_than_a_fold_is_worth_has_no_toggle(self, post):
        make_thread(post, [[None] * (FOLD_FROM - 1)])
        assert "<details" not in rendered(post)

    def test_a_long_thread_folds_under_a_toggle_counting_every_reply_below(self, post):
        root = make_comment(post, author_name="Ana")
        first = make_comment(post, parent=root)
        under_first = make_comment(post, parent=first)
        second = make_comment(post, parent=root)
        third = make_comment(post, parent=root)
        html = rendered(post)
        assert summaries(html) == ["4 replies to Ana"]
        # Open (nothing hidden until the reader folds it), right under the comment,
        # around the list of its replies, which still nest as the tree does.
        assert '</article><details class="comment-replies" open><summary>4 replies' in html
        assert '</summary><ol class="children">' in html
        assert html.count("<details") == html.count("</details>") == 1
        assert comment_nesting(f"<ol>{html}</ol>") == {
            root.pk: None,
            first.pk: root.pk,
            under_first.pk: first.pk,
            second.pk: root.pk,
            third.pk: root.pk,
        }

    def test_a_branch_deep_in_a_thread_gets_its_own_toggle_but_a_chain_does_not(self, post):
        link = root = make_comment(post, author_name="Ana")
        for _ in range(4):  # a chain of single replies: no toggle on each link
            link = make_comment(post, parent=link, author_name="Chain")
        fork = make_comment(post, parent=link, author_name="Fork")
        make_comment(post, parent=fork)
        middle = make_comment(post, parent=fork)
        make_comment(post, parent=middle)
        make_comment(post, parent=middle)
        html = rendered(post)
        assert summaries(html) == ["9 replies to Ana", "4 replies to Fork"]
        assert comment_nesting(f"<ol>{html}</ol>")[fork.pk] == link.pk
        assert root.pk in comment_nesting(f"<ol>{html}</ol>")

    def test_only_the_comments_this_reader_sees_are_counted(self, post):
        root = make_comment(post, author_name="Ana")
        make_comment(post, parent=root)
        make_comment(post, parent=root)
        held = make_comment(post, parent=root, status=Comment.Status.PENDING)
        removed = make_comment(post, parent=root)
        make_comment(post, parent=removed)
        removed.trash()  # stays as "This comment was removed.": not a reply to count
        assert "This comment was removed." in rendered(post)
        assert summaries(rendered(post)) == []  # three replies show
        make_comment(post, parent=root)
        assert summaries(rendered(post)) == ["4 replies to Ana"]
        # The writer of the held reply sees it, and counts it.
        assert summaries(rendered(post, own=frozenset({held.pk}))) == ["5 replies to Ana"]

    def test_a_toggle_under_a_removed_comment_says_so(self, post):
        root = make_comment(post)
        make_thread_under(root, 4)
        root.trash()
        assert summaries(rendered(post)) == ["4 replies to a removed comment"]

    def test_the_toggle_is_the_same_in_a_streamed_discussion(self, post, settings):
        root = make_comment(post, author_name="Ana")
        make_thread_under(root, 5)
        make_comment(post)
        whole = Client().get(post.get_absolute_url()).content.decode()
        settings.STREAM_COMMENTS_ABOVE = 2
        settings.PAGE_CACHE_SECONDS = 0
        cache.clear()
        streamed = b"".join(Client().get(post.get_absolute_url()).streaming_content).decode()
        assert summaries(whole) == summaries(streamed) == ["5 replies to Ana"]


def make_thread_under(parent, count: int) -> None:
    for _ in range(count):
        make_comment(parent.post, parent=parent)


class TestExemplaryMark:
    """participation/exemplary.py decides: an instructor's mark shows to everyone who may
    read the post, unless the comment's writer chose not to be listed."""

    BADGE = '<a class="comment-badge exemplary-badge" href="/exemplary/">Exemplary</a>'

    def test_a_marked_comment_shows_the_mark_to_every_reader_at_once(self, post, instructor):
        comment = make_comment(post, author_name="Maya")
        other = make_comment(post)
        readers = [Client(), logged_in(make_user("classmate")), logged_in(instructor)]
        for reader in readers:  # each page is cached now
            assert "exemplary-badge" not in reader.get(post.get_absolute_url()).content.decode()
        exemplary.mark_comment(comment, by=instructor)
        for reader in readers:
            html = reader.get(post.get_absolute_url()).content.decode()
            assert self.BADGE in comment_html(html, comment)
            assert "exemplary-badge" not in comment_html(html, other)
        assert "Exemplary" not in type(comment).objects.get(pk=comment.pk).fragment_html

    def test_nobody_sees_the_mark_on_the_comment_of_a_writer_who_opted_out(self, post, instructor):
        writer = make_user("ana", display_name="Ana")
        comment = make_comment(post, user=writer)
        exemplary.mark_comment(comment, by=instructor)
        assert self.BADGE in Client().get(post.get_absolute_url()).content.decode()
        Preferences.objects.create(user=writer, list_exemplary=False)
        for reader in (Client(), logged_in(writer), logged_in(instructor)):
            html = reader.get(post.get_absolute_url()).content.decode()
            assert "exemplary-badge" not in comment_html(html, comment)

    def test_the_mark_on_an_anonymous_comment_keeps_it_anonymous(self, post, instructor):
        pupil = make_user("pupil", display_name="Owl Wise")
        make_student(pupil)
        comment = make_comment(post, user=pupil, author_name="Owl Wise", anonymous=True)
        exemplary.mark_comment(comment, by=instructor)
        html = comment_html(Client().get(post.get_absolute_url()).content.decode(), comment)
        assert self.BADGE in html
        assert "Owl" not in html
        assert "avatar-neutral" in html
