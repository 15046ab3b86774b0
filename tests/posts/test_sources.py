"""The course's shared sources: citing one as it is, finding one typed again, merging
duplicates, MLA order and kinds of source."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db.models import ProtectedError
from django.urls import reverse

from posts.models import Citation, Post, Source
from tests.factories import cite, make_post, make_source, make_user
from tests.posts.test_editor import post_data, sources_data

pytestmark = pytest.mark.django_db
WRITE = reverse("posts:write")
TWO_AUTHORS = "Riasanovsky, Nicholas V.\nSteinberg, Mark D."


@pytest.fixture
def history():
    """The two-author textbook, as the course already cites it."""
    return make_source(
        title="A History of Russia",
        authors=TWO_AUTHORS,
        publisher="Oxford University Press",
        year="2018",
    )


def as_sent(source: Source, **changes) -> dict:
    """A picked source's fields as a browser sends them: textareas with CRLF line
    endings, empty fields as empty strings."""
    fields = {
        "source": str(source.pk),
        "kind": source.kind,
        "authors": source.authors.replace("\n", "\r\n"),
        "title": source.title,
        "container": source.container,
        "contributors": source.contributors.replace("\n", "\r\n"),
        "edition": source.edition,
        "volume": source.volume,
        "issue": source.issue,
        "publisher": source.publisher,
        "year": source.year,
        "pages": source.pages,
        "url": source.url,
        "accessed": source.accessed.isoformat() if source.accessed else "",
    }
    return {**fields, **changes}


def save_with(client, *entries, post=None):
    url = reverse("posts:edit", kwargs={"pk": post.pk}) if post else WRITE
    initial = post.citations.count() if post else 0
    return client.post(url, post_data(**sources_data(*entries, initial=initial)))


class TestPickingACourseSource:
    def test_a_picked_two_author_source_is_cited_as_it_is(self, client, writer, history):
        save_with(client, as_sent(history))
        assert Post.objects.get().sources.get() == history
        assert Source.objects.count() == 1

    def test_a_picked_web_page_with_an_access_date_is_cited_as_it_is(self, client, writer):
        page = make_source(
            kind=Source.Kind.WEBSITE,
            title="The ESAU Papers",
            authors="",
            container="CIA Reading Room",
            url="https://www.cia.gov/readingroom/esau/",
            accessed=date(2018, 11, 5),
        )
        save_with(client, as_sent(page))
        assert Post.objects.get().sources.get() == page
        assert Source.objects.count() == 1

    def test_a_picked_source_stored_with_crlf_is_cited_as_it_is(self, client, writer):
        # Sources saved before the fix hold the browser's line endings.
        old = make_source(title="A History of Russia", authors=TWO_AUTHORS)
        Source.objects.filter(pk=old.pk).update(authors=TWO_AUTHORS.replace("\n", "\r\n"))
        old.refresh_from_db()
        save_with(client, as_sent(old))
        assert Post.objects.get().sources.get() == old

    def test_a_picked_source_with_details_its_kind_does_not_use_is_cited_as_it_is(
        self, client, writer
    ):
        book = make_source(title="Wolf Hall", container="Typed in the admin", pages="4")
        save_with(client, as_sent(book))  # the editor hides them, but sends them
        assert Post.objects.get().sources.get() == book

    def test_the_source_page_lists_every_post_citing_it(self, client, writer, history):
        cite(make_post(title="An earlier essay"), history)
        save_with(client, as_sent(history))
        Post.objects.filter(title="The Sino-Soviet Split").update(status=Post.Status.PUBLISHED)
        Post.objects.update(published_at="2026-01-01T00:00Z")
        html = client.get(history.get_absolute_url()).content.decode()
        assert "An earlier essay" in html
        assert "The Sino-Soviet Split" in html

    def test_changing_a_picked_sources_title_cites_another_work(self, client, writer, history):
        save_with(client, as_sent(history, title="A History of Soviet Russia"))
        cited = Post.objects.get().sources.get()
        assert cited != history
        assert (cited.title, cited.authors) == ("A History of Soviet Russia", TWO_AUTHORS)
        history.refresh_from_db()
        assert history.title == "A History of Russia"


class TestTypingASourceAgain:
    @pytest.mark.parametrize(
        "typed",
        [
            {"title": "A History of Russia", "authors": TWO_AUTHORS, "year": "2018"},
            {
                "title": "a history of russia.",
                "authors": "riasanovsky, nicholas v\r\n\r\n  Steinberg,   Mark D.  ",
                "year": " 2018. ",
            },
            {"title": "A  History of Russia", "authors": TWO_AUTHORS + "\n", "year": "2018"},
        ],
        ids=["exactly", "case, blank lines, spacing and trailing punctuation", "spacing"],
    )
    def test_it_finds_the_course_source(self, client, writer, history, typed):
        save_with(client, {**typed, "publisher": "Oxford University Press"})
        assert Post.objects.get().sources.get() == history
        assert Source.objects.count() == 1

    def test_another_year_is_another_source(self, client, writer, history):
        save_with(client, {"title": history.title, "authors": TWO_AUTHORS, "year": "2011"})
        assert Post.objects.get().sources.get() != history
        assert Source.objects.count() == 2

    def test_other_details_differing_are_noted(self, client, writer, history):
        response = save_with(
            client, {"title": history.title, "authors": TWO_AUTHORS, "year": "2018", "pages": "9"}
        )
        assert Post.objects.get().sources.get() == history
        notes = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("already one of the course's sources" in note for note in notes)

    def test_a_new_source_is_stored_with_plain_line_endings(self, client, writer):
        save_with(client, {"title": "Detente", "authors": "Doe, Jane\r\nRoe, Richard\r\n"})
        assert Source.objects.get().authors == "Doe, Jane\nRoe, Richard"

    def test_the_same_source_twice_in_one_post_is_cited_once(self, client, writer, history):
        save_with(client, as_sent(history), {"title": history.title, "authors": TWO_AUTHORS,
                                              "year": "2018"})  # fmt: skip
        assert list(Post.objects.get().sources.all()) == [history]


class TestWorksCitedOrder:
    def test_entries_are_numbered_in_mla_order_whatever_the_typed_order(self, client, writer):
        save_with(
            client,
            {"title": "The Sino-Soviet Split", "kind": "website", "container": "Wilson Center"},
            {"title": "A History of Russia", "authors": TWO_AUTHORS},
            {"title": "Russia: A History", "authors": "Freeze, Gregory L., editor"},
        )
        citations = Post.objects.get().citations.order_by("position")
        assert [c.source.title for c in citations] == [
            "Russia: A History",
            "A History of Russia",
            "The Sino-Soviet Split",
        ]

    def test_the_post_page_lists_them_in_mla_order_whatever_their_positions(self, client):
        post = make_post()
        cite(post, make_source(title="Zhou's Diplomacy", authors="Anderson, Ann"), 1)
        cite(post, make_source(title="The Cold War", authors=""), 2)
        cite(post, make_source(title="Mao", authors="Ćosić, Dobrica"), 3)
        html = client.get(post.get_absolute_url()).content.decode()
        section = html[html.index("works-cited-title") :]
        titles = ["Zhou's Diplomacy", "The Cold War", "Mao"]
        assert sorted(titles, key=lambda t: section.index(t.replace("'", "&#x27;"))) == [
            "Zhou's Diplomacy",
            "The Cold War",
            "Mao",
        ]

    def test_the_editor_lists_them_in_mla_order(self, client, writer):
        post = make_post(author=writer)
        cite(post, make_source(title="Zed", authors="Zubok, Vladislav"), 1)
        cite(post, make_source(title="Alpha", authors="Anderson, Ann"), 2)
        html = client.get(reverse("posts:edit", kwargs={"pk": post.pk})).content.decode()
        assert html.index('value="Alpha"') < html.index('value="Zed"')


class TestTheEditorsSourceForms:
    def test_a_post_with_sources_offers_a_new_one_behind_add_a_source(self, client, writer):
        post = make_post(author=writer)
        cite(post, make_source(title="A History of Russia"), 1)
        html = client.get(reverse("posts:edit", kwargs={"pk": post.pk})).content.decode()
        listed = html[html.index('id="source-list"') : html.index('id="source-offer"')]
        assert listed.count('class="source-entry"') == 1
        offer = html[html.index('id="source-offer"') : html.index('id="add-source"')]
        assert "<summary>Add a source</summary>" in offer
        assert 'name="sources-1-title"' in offer
        assert 'name="sources-1-DELETE"' not in offer

    def test_a_post_without_sources_shows_one_blank_entry(self, client, writer):
        html = client.get(WRITE).content.decode()
        assert 'id="source-offer"' not in html
        listed = html[html.index('id="source-list"') : html.index('id="add-source"')]
        assert listed.count('class="source-entry"') == 1
        assert 'name="sources-0-title"' in listed

    def test_saving_leaves_no_blank_entry_among_the_sources(self, client, writer):
        response = save_with(client, {"title": "A History of Russia", "authors": TWO_AUTHORS})
        html = client.get(response["Location"]).content.decode()
        listed = html[html.index('id="source-list"') : html.index('id="source-offer"')]
        assert listed.count('class="source-entry"') == 1

    def test_an_entry_with_errors_keeps_its_place_and_what_was_typed(self, client, writer):
        response = save_with(client, {"authors": "Freeze, Gregory L.", "publisher": "Oxford"})
        html = response.content.decode()
        listed = html[html.index('id="source-list"') : html.index('id="add-source"')]
        assert "Give the source a title." in listed
        assert "Freeze, Gregory L." in listed

    def test_without_javascript_the_page_says_which_fields_each_kind_uses(self, client, writer):
        html = client.get(WRITE).content.decode()
        note = html[html.index('id="source-kinds-note"') :]
        assert "<strong>Journal article:</strong> Authors, Article title, Journal, Volume" in note
        assert "<strong>Film or video:</strong> Creators, Title, Directors" in note

    def test_each_field_names_the_kinds_that_use_it(self, client, writer):
        html = client.get(WRITE).content.decode()
        assert 'data-kinds="journal_article news_article other"' in html  # volume
        assert "&quot;chapter&quot;: &quot;Book title&quot;" in html


class TestKinds:
    def test_fields_the_kind_does_not_use_are_not_kept(self, client, writer):
        save_with(
            client,
            {"kind": "book", "title": "Wolf Hall", "container": "Typed then hidden", "pages": "4"},
        )
        book = Source.objects.get()
        assert (book.kind, book.container, book.pages) == ("book", "", "")

    def test_an_interview_can_go_by_the_person_interviewed(self, client, writer):
        save_with(client, {"kind": "interview", "authors": "Purdy, James", "year": "2021-02-01"})
        source = Post.objects.get().sources.get()
        assert source.mla_html() == "Purdy, James. Personal interview. 1 Feb. 2021."

    def test_an_interview_needs_a_title_or_a_person(self, client, writer):
        response = save_with(client, {"kind": "interview", "year": "2021"})
        assert response.status_code == 400
        assert "Give the interview a title or the person interviewed." in response.content.decode()

    def test_the_search_sends_the_kind_for_the_editor_to_fill_in(self, client, writer):
        make_source(kind=Source.Kind.CHAPTER, title="The Limerick Gloves", contributors="Trevor")
        result = client.get(reverse("posts:source_search"), {"q": "limerick"}).json()["results"][0]
        assert (result["kind"], result["contributors"]) == ("chapter", "Trevor")

    def test_a_form_sent_without_a_kind_cites_a_book(self, client, writer):
        save_with(client, {"title": "Wolf Hall", "authors": "Mantel, Hilary"})
        assert Source.objects.get().kind == Source.Kind.BOOK

    def test_the_admin_refuses_a_source_without_a_title(self):
        with pytest.raises(Exception, match="Give the source a title"):
            Source(kind=Source.Kind.BOOK, authors="Doe, Jane").full_clean()


class TestMerging:
    @pytest.fixture
    def duplicates(self, history):
        copy = make_source(title="A History of Russia", authors=TWO_AUTHORS, year="2018")
        Source.objects.filter(pk=copy.pk).update(authors=TWO_AUTHORS.replace("\n", "\r\n"))
        return history, copy

    def test_citations_move_to_the_kept_source_and_the_copies_go(self, duplicates):
        history, copy = duplicates
        first, second, both = make_post(), make_post(), make_post()
        cite(first, history, 1)
        cite(second, copy, 3)
        cite(both, copy, 2)
        cite(both, history, 5)
        report = history.absorb([copy])
        assert (report.moved, report.combined, report.deleted) == (1, 1, 1)
        assert not Source.objects.filter(pk=copy.pk).exists()
        assert {(c.post, c.position) for c in history.citations.all()} == {
            (first, 1),
            (second, 3),
            (both, 2),
        }
        assert Citation.objects.count() == 3

    def test_a_merge_changes_the_posts_so_their_pages_are_not_served_stale(self, duplicates):
        history, copy = duplicates
        post = make_post()
        cite(post, copy)
        before = Post.objects.get(pk=post.pk).updated_at
        history.absorb([copy])
        assert Post.objects.get(pk=post.pk).updated_at > before

    def test_a_merge_that_fails_changes_nothing(self, duplicates, monkeypatch):
        history, copy = duplicates
        post = make_post()
        cite(post, copy)

        def broken_delete(self):
            raise RuntimeError("disk full")

        monkeypatch.setattr("django.db.models.query.QuerySet.delete", broken_delete)
        with pytest.raises(RuntimeError):
            history.absorb([copy])
        monkeypatch.undo()
        assert post.citations.get().source == copy
        assert Source.objects.count() == 2

    def test_instructors_merge_in_the_admin(self, client, duplicates):
        history, copy = duplicates
        cite(make_post(), copy)
        client.force_login(make_user("teacher", instructor=True))
        changelist = reverse("admin:posts_source_changelist")
        selected = {"action": "merge_sources", "_selected_action": [history.pk, copy.pk]}

        choose = client.post(changelist, selected)
        assert choose.status_code == 200
        assert "Keep this source" in choose.content.decode()
        assert Source.objects.count() == 2

        done = client.post(changelist, {**selected, "keep": copy.pk}, follow=True)
        assert "Merged 1 source(s)" in done.content.decode()
        assert list(Source.objects.all()) == [copy]

    def test_a_merge_overtaken_by_a_new_citation_says_so(self, client, duplicates, monkeypatch):
        history, copy = duplicates

        def overtaken(source, duplicates):
            raise ProtectedError("a post cites it", set())

        monkeypatch.setattr(Source, "absorb", overtaken)
        client.force_login(make_user("teacher", instructor=True))
        response = client.post(
            reverse("admin:posts_source_changelist"),
            {"action": "merge_sources", "_selected_action": [history.pk, copy.pk],
             "keep": history.pk},
            follow=True,
        )  # fmt: skip
        assert "Nothing was merged: try again." in response.content.decode()
        assert Source.objects.count() == 2

    def test_merging_needs_two_sources(self, client, history):
        client.force_login(make_user("teacher", instructor=True))
        response = client.post(
            reverse("admin:posts_source_changelist"),
            {"action": "merge_sources", "_selected_action": [history.pk], "keep": history.pk},
            follow=True,
        )
        assert "Select two or more sources to merge." in response.content.decode()
        assert Source.objects.count() == 1

    def test_the_kept_source_must_be_one_of_those_selected(self, client, duplicates):
        history, copy = duplicates
        other = make_source(title="Another book")
        client.force_login(make_user("teacher", instructor=True))
        response = client.post(
            reverse("admin:posts_source_changelist"),
            {"action": "merge_sources", "_selected_action": [history.pk, copy.pk],
             "keep": other.pk},
        )  # fmt: skip
        assert response.status_code == 200
        assert Source.objects.count() == 3

    def test_students_never_reach_the_source_admin(self, client, writer, duplicates):
        history, copy = duplicates
        changelist = reverse("admin:posts_source_changelist")
        response = client.post(
            changelist,
            {"action": "merge_sources", "_selected_action": [history.pk, copy.pk],
             "keep": history.pk},
        )  # fmt: skip
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
        assert (
            client.get(reverse("admin:posts_source_change", args=[history.pk])).status_code == 302
        )
        assert Source.objects.count() == 2


def test_the_migration_gives_existing_sources_a_kind_and_a_key():
    migration = importlib.import_module("posts.migrations.0008_guess_source_kinds_and_match_keys")
    book = make_source(title="Wolf Hall")
    page = make_source(title="ESAU", container="CIA Reading Room", url="https://www.cia.gov/")
    article = make_source(title="The Split", container="Cold War History", pages="1-20")
    Source.objects.update(kind="other", match_key="", authors="Doe, Jane\r\nRoe, Richard")

    migration.guess_kinds(apps, None)

    kinds = dict(Source.objects.values_list("title", "kind"))
    assert kinds == {"Wolf Hall": "book", "ESAU": "website", "The Split": "journal_article"}
    for source in (book, page, article):
        source.refresh_from_db()
        assert source.authors == "Doe, Jane\nRoe, Richard"
        assert Source.objects.matching(title=source.title, authors=source.authors, year="").get()
