"""The search page: what matches, only what the reader may see, on SQLite and PostgreSQL.

The whole module runs on whichever database DATABASE_URL names (the CI runs it on
both), so the two engines answer the same specification.
"""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from course.models import Audience
from participation.models import PrivateFeedback
from posts.models import Post
from search import results
from search.query import parse
from tests.course import test_visibility
from tests.course.test_visibility import READERS, client_for, set_course
from tests.factories import cite, make_comment, make_post, make_source, make_user

pytestmark = pytest.mark.django_db
URL = reverse("search:results")
people = test_visibility.people  # the same readers as the visibility tests: a fixture


def search(client: Client, q: str, **params):
    return client.get(URL, {"q": q, **params})


def text(response) -> str:
    return response.content.decode()


def test_posts_comments_and_sources_are_found_by_their_words():
    post = make_post(title="The Sino-Soviet treaty", body="<p>Signed in Moscow, 1950.</p>")
    make_comment(post, body="Was Mao pleased with Moscow's terms?")
    cite(post, make_source(title="Mao and Moscow: a diplomatic history"))
    page = text(search(Client(), "moscow"))
    assert "3 results for “moscow”" in page
    assert "<mark>Moscow</mark>" in page
    assert 'href="/posts/the-sino-soviet-treaty/"' in page
    assert "search-result-comment" in page
    assert "search-result-source" in page


def test_words_are_stemmed_and_all_must_appear():
    make_post(title="Meetings of leaders", body="<p>Stalin met Mao.</p>")
    make_post(title="Stalin alone", body="<p>No meeting here.</p>")
    assert "1 result for" in text(search(Client(), "meeting mao"))
    assert "2 results for" in text(search(Client(), "meetings stalin"))


def test_a_phrase_must_appear_as_written():
    make_post(title="Cold war", body="<p>The Soviet treaty was signed.</p>")
    make_post(title="Treaty", body="<p>The treaty, not Soviet at all.</p>")
    assert "1 result for" in text(search(Client(), '"soviet treaty"'))


def test_titles_rank_above_mentions():
    make_post(title="Collectivisation", body="<p>A long essay.</p>", slug="in-title")
    make_post(title="An essay", body="<p>Mentions collectivisation once.</p>", slug="in-body")
    page = text(search(Client(), "collectivisation"))
    assert page.index("/posts/in-title/") < page.index("/posts/in-body/")


def test_the_address_can_be_shared():
    make_post(title="Shared result")
    response = Client().get(f"{URL}?q=shared+result")
    assert "Shared result" in text(response) or "<mark>Shared</mark>" in text(response)
    assert 'value="shared result"' in text(response)


def test_results_come_a_page_at_a_time_keeping_the_search():
    for number in range(results.RESULTS_PER_PAGE + 3):
        make_post(title=f"Famine essay {number}")
    first, second = search(Client(), "famine"), search(Client(), "famine", page=2)
    assert "13 results for “famine” (page 1 of 2)" in text(first)
    assert 'href="?q=famine&amp;page=2"' in text(first)
    assert text(first).count('class="search-result ') == results.RESULTS_PER_PAGE
    assert text(second).count('class="search-result ') == 3
    assert search(Client(), "famine", page="999").status_code == 200
    assert search(Client(), "famine", page="x").status_code == 200


def test_nothing_found_says_so():
    make_post(title="Something")
    assert "Nothing matches “zanzibar”" in text(search(Client(), "zanzibar"))


def test_the_header_has_the_search_box():
    page = text(Client().get(reverse("posts:list")))
    assert 'role="search"' in page
    assert f'action="{URL}"' in page


@pytest.mark.parametrize(
    "q",
    ['"', '""', "*", "-", "-mao", "mao*", "NEAR", "mao NEAR/2 stalin", "NEAR(mao stalin)",
     "mao OR stalin", "mao AND NOT stalin", "(mao", "title:mao", "^mao", "mao & | ! stalin",
     "'", "\\", "%", "_", "mao:*", "!!", "<->", "a" * 500, "word " * 30, "\u202e", "🙂 mao",
     "SELECT * FROM posts_post; --", "\x7f", "mao\u0000"],
)  # fmt: skip
def test_hostile_searches_get_a_clear_page(q):
    make_comment(make_post(title="Mao and Stalin"), body="Mao NEAR Stalin, said the text.")
    response = search(Client(), q)
    assert response.status_code in (200, 400)  # 400: the NUL character, refused site-wide
    if response.status_code == 200:
        page = text(response)
        assert 'id="search-q"' in page  # the box, to search again
        assert ("search-problem" in page) != ("search-count" in page) or not q.strip("\x7f\u202e")


def test_an_empty_search_shows_the_box_alone():
    response = Client().get(URL)
    assert response.status_code == 200
    assert "search-count" not in text(response)
    assert "search-problem" not in text(response)


def test_a_search_too_long_is_explained():
    page = text(search(Client(), "word " * 100))
    assert "too long" in page
    assert 'aria-invalid="true"' in page


def test_what_people_wrote_cannot_become_markup():
    post = make_post(
        title="<b>bold</b> idea", body="<p>&lt;script&gt;alert(1)&lt;/script&gt; idea</p>"
    )
    make_comment(post, body='<img src=x onerror="alert(1)"> idea </mark><script>alert(2)</script>')
    page = text(search(Client(), "idea alert"))
    assert "<script>" not in page.split("<main", 1)[1]
    assert "<img" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page or "alert" in page
    assert page.count("<mark>") == page.count("</mark>")


def test_only_approved_comments_are_found():
    post = make_post(title="Open discussion")
    make_comment(post, body="Approved walrus remark")
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH):
        make_comment(post, body=f"Unseen walrus {status}", status=status)
    page = text(search(Client(), "walrus"))
    assert "1 result for" in page
    assert "Unseen" not in page


def test_drafts_are_not_found_even_by_their_author(people):
    make_post(title="Unfinished narwhal", author=people["author"], status=Post.Status.DRAFT)
    assert "Nothing matches" in text(search(client_for("student", people), "narwhal"))
    assert "Nothing matches" in text(search(Client(), "narwhal"))


def test_sources_are_found_only_through_posts_the_reader_may_read(people):
    cite(make_post(title="Class only", visibility=Audience.CLASS), make_source(title="Okapi atlas"))
    make_source(title="Okapi handbook")  # cited by no post: no source page shows it
    assert "Nothing matches" in text(search(Client(), "okapi"))
    page = text(search(client_for("student", people), "okapi"))
    assert "1 result for" in page
    assert "<mark>Okapi</mark> atlas" in page


def test_anonymous_work_never_shows_its_author(people):
    post = make_post(title="Anonymous yak essay", author=people["author"], anonymous=True)
    make_comment(
        post, body="A yak reply", user=people["student"], author_name="Real Name", anonymous=True
    )
    for reader in ("guest", "member", "student"):
        page = text(search(client_for(reader, people), "yak"))
        assert "2 results for" in page
        assert "Quill" not in page
        assert "Real Name" not in page
        assert page.count("Anonymous classmate") == 2
    # Searching their names finds nothing: authors' names are not searched.
    assert "Nothing matches" in text(search(Client(), "quill"))
    instructor = text(search(client_for("instructor", people), "yak"))
    assert "Quill" in instructor
    assert "Real Name" in instructor


def test_private_feedback_is_never_found(people):
    post = make_post(title="Graded essay", author=people["author"])
    PrivateFeedback.objects.create(
        post=post, author=people["instructor"], body="Quokka feedback, for you alone."
    )
    for reader in ("author", "instructor"):
        assert "Nothing matches" in text(search(client_for(reader, people), "quokka"))


def class_only_material(people, *, post_visibility: str = "course") -> Post:
    post = make_post(
        title="Zebra secret essay", author=people["author"], visibility=post_visibility
    )
    make_comment(post, body="A zebra comment")
    cite(post, make_source(title="Zebra sources"))
    return post


@pytest.mark.parametrize("reader", READERS)
def test_a_class_only_post_is_found_only_by_the_class(people, reader):
    class_only_material(people, post_visibility=Audience.CLASS)
    response = search(client_for(reader, people), "zebra")
    page = text(response)
    if reader in ("student", "instructor"):
        assert "3 results for" in page
        assert "Zebra secret essay" in page.replace("<mark>", "").replace("</mark>", "")
    else:
        assert "Nothing matches" in page
        assert "secret" not in page
    assert ("private" in response.get("Cache-Control", "")) == (reader != "guest")


@pytest.mark.parametrize("reader", READERS)
def test_a_class_only_course_is_searched_only_by_the_class(people, reader):
    set_course(Audience.CLASS)
    class_only_material(people)
    response = search(client_for(reader, people), "zebra")
    if reader == "guest":
        assert response.status_code == 302  # log in first, as on the home page
        assert reverse("account_login") in response["Location"]
        return
    page = text(response)
    if reader == "member":
        assert "Nothing matches" in page
        assert "secret" not in page
    else:
        assert "3 results for" in page
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in page


def test_a_public_course_searched_by_a_guest_may_be_cached():
    make_post(title="Public giraffe")
    response = search(Client(), "giraffe")
    assert "private" not in response.get("Cache-Control", "")
    assert "X-Robots-Tag" not in response


def test_a_post_that_is_gone_since_counting_is_left_out():
    make_post(title="Vanishing ibis")
    found = results.Matches(make_user(), parse("ibis"))[0:10]
    Post.objects.all().delete()
    assert results.results(make_user(), parse("ibis"), found) == []


def test_a_common_word_ranks_the_newest_matches_of_each_kind_and_says_so(monkeypatch):
    """Ranking reads every match it ranks: a search ranks RANKED_PER_KIND of each kind at
    most, the newest, so its cost has a bound however common its words."""
    monkeypatch.setattr(results, "RANKED_PER_KIND", 2)
    for n in range(3):
        make_post(title=f"Heron {n}", slug=f"heron-{n}")
    make_comment(make_post(title="Other"), body="One heron comment")
    page = text(search(Client(), "heron")).replace("<mark>", "").replace("</mark>", "")
    assert "3 results for" in page
    assert "Heron 2" in page
    assert "Heron 1" in page
    assert "Heron 0" not in page
    assert "Only the newest 2 posts that match are counted and shown here." in page


def test_each_kind_cut_is_named(monkeypatch):
    monkeypatch.setattr(results, "RANKED_PER_KIND", 1)
    post = make_post(title="Heron")
    make_comment(post, body="A heron")
    make_comment(post, body="Another heron")
    cite(post, make_source(title="Heron atlas"))
    cite(post, make_source(title="Heron handbook"))
    page = text(search(Client(), "heron"))
    assert "Only the newest 1 comments and 1 sources that match" in page


@pytest.mark.parametrize("matching", [1, 2])
def test_a_search_within_the_bound_says_nothing_of_it(monkeypatch, matching):
    monkeypatch.setattr(results, "RANKED_PER_KIND", 2)
    for n in range(matching):
        make_post(title=f"Lone heron {n}")
    page = text(search(Client(), "heron"))
    assert f"{matching} result" in page
    assert "search-cut" not in page


@pytest.mark.parametrize("number", ["0", "-3", "99999999999999999999", "2", "x", "1.5"])
def test_any_page_number_gets_a_page(number):
    for n in range(12):
        make_post(title=f"Egret {n}", slug=f"egret-{n}")
    page = text(search(Client(), "egret", page=number))
    assert "12 results for" in page
    expected = "page 1 of 2" if number in ("x", "1.5") else "page 2 of 2"
    assert expected in page


def test_the_count_comes_with_the_page(django_assert_num_queries):
    make_post(title="Egret")
    make_comment(make_post(title="Other"), body="An egret")
    matches = results.Matches(make_user(), parse("egret"))
    assert [row["result_kind"] for row in matches[0:10]] == ["post", "comment"]
    with django_assert_num_queries(0):
        assert matches.count() == 2
        assert matches.cut == []
