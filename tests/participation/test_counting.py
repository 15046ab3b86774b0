"""Every count of the participation page, on a hand-built class (see conftest.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from comments.models import Comment
from participation import counting
from participation.counting import WeekCounts
from participation.models import CommentWords, PrivateFeedback
from participation.weeks import Period
from participation.words import count_words, store_missing
from tests.figures import PARTICIPATION_COUNTING_QUERIES
from tests.participation.conftest import MONDAY, at, comment, student, words

pytestmark = pytest.mark.django_db

WEEK = Period.covering(MONDAY.date(), MONDAY.date(), 0)


def counts_of(user, *, min_words=0) -> WeekCounts:
    return counting.weekly_counts(WEEK, min_words=min_words).get(user.pk, [WeekCounts()])[0]


def test_posts_published_count_and_drafts_submitted_scheduled_and_withdrawn_posts_do_not(
    classroom,
):
    assert counts_of(classroom.ana).posts == 1
    assert counts_of(classroom.ben).posts == 1  # his withdrawn post is a draft again
    assert counts_of(classroom.cleo).posts == 0  # draft, submitted, scheduled


def test_comments_written_count_only_approved_comments_on_published_posts(classroom):
    assert counts_of(classroom.ana).comments == 5  # c2, c3, c4, c5, c6
    assert counts_of(classroom.ben).comments == 1  # c1; held, spam and trash do not count
    assert counts_of(classroom.cleo).comments == 1  # c8; not the one on the withdrawn post


def test_a_reply_to_a_classmate_answers_someone_else_and_answering_oneself_never_counts(
    classroom,
):
    # Ana: c2 answers Ben, c5 starts a thread on Ben's post. Not c3 (her own post),
    # c4 (her own comment) nor c6 (her own comment, on Ben's post).
    assert counts_of(classroom.ana).replies == 2
    assert counts_of(classroom.ben).replies == 1  # c1, on Ana's post
    assert counts_of(classroom.cleo).replies == 1  # c8 answers a guest: someone else


def test_replies_received_come_from_anyone_else_and_only_once_approved(classroom):
    # Ana: Ben's thread on her post (c1), the guest's comment (c7), the instructor's
    # answer to her (c9); not her own c3 and c4, not Ben's held comment or trashed answer.
    assert counts_of(classroom.ana).received == 3
    # Ben: Ana's answer to him (c2) and Ana's comment on his post (c5); not c6, which
    # answers Ana herself.
    assert counts_of(classroom.ben).received == 2
    assert counts_of(classroom.cleo).received == 0


def test_comments_count_for_their_writer_whatever_name_they_show(classroom):
    """c5 shows "A classmate", as a comment anonymous to classmates would."""
    assert classroom.c5.author_name == "A classmate"
    ana = counts_of(classroom.ana)
    assert (ana.comments, ana.replies) == (5, 2)


def test_words_written_add_up_posts_and_comments(classroom):
    # Ana: her post (100) and c2 (20), c3 (3), c4 (4), c5 (30), c6 (5).
    assert counts_of(classroom.ana).words == 100 + 20 + 3 + 4 + 30 + 5
    assert counts_of(classroom.ben).words == 50 + 10


def test_long_replies_are_replies_to_classmates_of_at_least_the_minimum_words(classroom):
    ana = counts_of(classroom.ana, min_words=25)
    assert (ana.replies, ana.long_replies) == (2, 1)  # c2 has 20 words, c5 has 30


def test_first_and_last_activity(classroom):
    ana = counts_of(classroom.ana)
    assert (ana.first, ana.last) == (at(3), at(6, 11))


def test_private_feedback_is_not_a_comment_and_counts_nowhere(classroom):
    before = counts_of(classroom.ana)
    PrivateFeedback.objects.create(
        post=classroom.ben_post, author=classroom.ana, body="Hi", created=at(5)
    )
    PrivateFeedback.objects.create(
        post=classroom.ana_post, author=classroom.morgan, body=words(40), created=at(5)
    )
    assert counts_of(classroom.ana) == before


def test_only_the_members_asked_for_are_counted(classroom):
    counted = counting.weekly_counts(WEEK, members=[classroom.ana.pk])
    assert set(counted) == {classroom.ana.pk}
    assert counted[classroom.ana.pk][0].received == 3


def test_every_count_of_every_member_costs_the_same_queries(classroom, django_assert_num_queries):
    with django_assert_num_queries(PARTICIPATION_COUNTING_QUERIES):
        few = counting.weekly_counts(WEEK)
    for name in ("dan", "eve", "fay"):
        comment(classroom.ana_post, student(name), when=at(3))
    with django_assert_num_queries(PARTICIPATION_COUNTING_QUERIES):
        more = counting.weekly_counts(WEEK)
    assert len(more) > len(few)


def test_the_class_is_the_students_not_the_instructors(classroom):
    both = student("both")
    both.groups.add(*classroom.morgan.groups.all())
    assert list(counting.students()) == [classroom.ana, classroom.ben, classroom.cleo]


class TestStoredWordCounts:
    def test_a_comment_is_counted_when_saved_and_again_when_its_text_changes(self, post):
        written = comment(post, when=at(3), body="one two three")
        assert CommentWords.objects.get(comment=written).words == 3
        written.body = "one two three four"
        written.save()
        assert CommentWords.objects.get(comment=written).words == 4

    def test_words_are_those_readers_see(self):
        assert count_words("<p>Tom &amp; <a href='x'>Jerry</a></p><p>again</p>") == 4
        assert count_words("") == 0

    def test_rows_without_a_count_are_counted_by_the_database(self, classroom):
        """Bulk imports skip save(): the report counts their words itself."""
        CommentWords.objects.filter(comment=classroom.c2).delete()
        assert counts_of(classroom.ana).words == 162

    def test_deleting_a_comment_deletes_only_the_comment(self, post):
        """A count is a cache of the text: deletions count only what people wrote."""
        written = comment(post, when=at(3), body="one two")
        assert written.delete() == (1, {"comments.Comment": 1})
        assert CommentWords.objects.filter(comment_id=written.pk).exists()
        store_missing()  # manage.py count_words
        assert not CommentWords.objects.filter(comment_id=written.pk).exists()

    def test_count_words_stores_what_is_missing_or_stale(self, classroom):
        CommentWords.objects.filter(comment=classroom.c2).delete()
        Comment.objects.filter(pk=classroom.c3.pk).update(body=words(6), body_html=words(6))
        assert store_missing() == 2
        assert CommentWords.objects.get(comment=classroom.c3).words == 6
        assert store_missing() == 0


def test_the_count_words_command(classroom):
    CommentWords.objects.all().delete()
    out = StringIO()
    call_command("count_words", stdout=out)
    assert (
        out.getvalue()
        == f"Counted the words of {Comment.objects.count()} post(s) and comment(s).\n"
    )
