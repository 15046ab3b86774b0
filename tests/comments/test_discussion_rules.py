"""The discussion rules at work on the post page: every refusal, its status, and the text kept."""

import re
import time
from datetime import timedelta

import pytest
from django.core.signing import Signer
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.forms import FORM_SIGNER_SALT, issue_stamp
from comments.models import Comment, DiscussionSettings
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db
TYPED = "A carefully typed thought about the split."


def stamp(seconds_ago: float) -> str:
    return Signer(salt=FORM_SIGNER_SALT).sign(str(int(time.time() - seconds_ago)))


def guest_data(**overrides):
    return {
        "name": "Maya Lindqvist",
        "email": "maya@example.edu",
        "url": "",
        "body": TYPED,
        "issued": issue_stamp(),
        **overrides,
    }


@pytest.fixture
def rules():
    return DiscussionSettings.load()


def save(rules, **changes):
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.save()


def send(client, post, **overrides):
    return client.post(post.get_absolute_url(), guest_data(**overrides))


def assert_refused(response, status, message):
    html = response.content.decode()
    assert response.status_code == status
    assert message in html
    assert TYPED in html
    assert not Comment.objects.filter(body=TYPED).exists()


class TestAntiSpam:
    def test_a_filled_honeypot_is_refused_politely(self, client, post):
        assert_refused(send(client, post, phone="555-0100"), 400, "taken for an automated one")

    def test_a_form_sent_too_fast_is_refused_and_can_be_resent(self, client, post, settings):
        settings.COMMENT_FORM_MIN_SECONDS = 3
        assert_refused(send(client, post, issued=stamp(1)), 400, "faster than a person")
        assert send(client, post, issued=stamp(4)).status_code == 302

    def test_a_form_left_open_too_long_is_renewed(self, client, post):
        response = send(client, post, issued=stamp(3 * 3600))
        assert_refused(response, 400, "has expired")
        fresh = re.search(r'name="issued" value="([^"]+)"', response.content.decode()).group(1)
        assert send(client, post, issued=fresh).status_code == 302

    @pytest.mark.parametrize(
        "issued",
        ["", "1234", "1234:forged", stamp(0) + "x"],
        ids=["missing", "unsigned", "forged", "tampered"],
    )
    def test_a_missing_or_forged_stamp_is_refused(self, client, post, issued):
        assert_refused(send(client, post, issued=issued), 400, "could not be checked")

    def test_posting_again_within_15_seconds_is_a_flood(self, client, post):
        assert send(client, post, body="First thought.").status_code == 302
        assert_refused(send(client, post), 429, "You are posting comments too quickly.")

    def test_instructors_are_never_flooding(self, client, post, instructor):
        client.force_login(instructor)
        for body in ("One.", "Two."):
            assert (
                client.post(
                    post.get_absolute_url(), {"body": body, "issued": issue_stamp()}
                ).status_code
                == 302
            )

    def test_the_same_words_twice_are_a_duplicate(self, client, post):
        parent = make_comment(post)
        make_comment(post, parent=parent, author_email="maya@example.edu", body=TYPED)
        Comment.objects.filter(body=TYPED).update(created=timezone.now() - timedelta(minutes=5))
        response = send(client, post, parent=str(parent.pk))
        assert response.status_code == 409
        assert (
            "Duplicate comment detected; it looks as though you&#x27;ve already said that!"
            in response.content.decode()
        )


class TestWhoMayComment:
    def test_members_only_refuses_guests_and_keeps_their_text(self, client, post, rules):
        save(rules, who_can_comment=DiscussionSettings.WhoCanComment.MEMBERS)
        page = client.get(post.get_absolute_url()).content.decode()
        assert "Only course members can comment here." in page
        assert 'id="commentform"' not in page
        assert_refused(send(client, post), 403, "Only course members can comment here.")

    def test_members_only_lets_members_in(self, client, post, rules, student):
        save(rules, who_can_comment=DiscussionSettings.WhoCanComment.MEMBERS)
        client.force_login(student)
        response = client.post(post.get_absolute_url(), {"body": "Hi", "issued": issue_stamp()})
        assert response.status_code == 302

    def test_old_posts_close_when_the_course_says_so(self, client, rules):
        save(rules, close_after_days_enabled=True, close_after_days=14)
        old = make_post(published_at=timezone.now() - timedelta(days=20))
        assert (
            "Comments close 14 days after a post is published."
            in client.get(old.get_absolute_url()).content.decode()
        )
        assert_refused(send(client, old), 403, "Comments close 14 days")


class TestThreadDepth:
    def test_the_deepest_level_has_no_reply_link_and_replies_there_stay_there(
        self, client, post, rules
    ):
        save(rules, thread_depth=3, require_previous_approval=False)
        root = make_comment(post)
        child = make_comment(post, parent=root)
        deepest = make_comment(post, parent=child)
        html = client.get(post.get_absolute_url()).content.decode()
        assert f"replytocom={child.pk}" in html
        assert f"replytocom={deepest.pk}" not in html

        assert send(client, post, parent=str(deepest.pk)).status_code == 302
        reply = Comment.objects.get(body=TYPED)
        assert (reply.parent, reply.level) == (child, 2)


class TestPages:
    @pytest.fixture
    def threads(self, post):
        return [make_comment(post, body=f"Thread {n}") for n in range(120)]

    def top_level(self, html):
        return re.findall(r'<li id="comment-(\d+)" class="comment depth-1[ "]', html)

    def test_fifty_threads_a_page_landing_on_the_newest_and_permalinks(self, client, post, threads):
        landing = client.get(post.get_absolute_url()).content.decode()
        first = client.get(post.get_absolute_url(), {"cpage": 1}).content.decode()
        assert len(self.top_level(landing)) == 20  # page 3: the newest threads, as WordPress
        assert '<span aria-current="page">Page 3</span>' in landing
        assert len(self.top_level(first)) == 50
        assert "120 thoughts on" in first
        reply = make_comment(post, parent=threads[110])
        assert reply.get_absolute_url() == f"{post.get_absolute_url()}#comment-{reply.pk}"
        assert (
            threads[0].get_absolute_url()
            == f"{post.get_absolute_url()}?cpage=1#comment-{threads[0].pk}"
        )
        assert (
            f'id="comment-{threads[0].pk}"'
            in client.get(threads[0].get_absolute_url()).content.decode()
        )

    def test_landing_on_the_oldest_threads(self, client, post, threads, rules):
        save(rules, default_page="oldest")
        landing = client.get(post.get_absolute_url()).content.decode()
        assert self.top_level(landing)[0] == str(threads[0].pk)
        assert threads[0].get_absolute_url() == f"{post.get_absolute_url()}#comment-{threads[0].pk}"

    def test_newest_threads_first(self, client, post, threads, rules):
        save(rules, order=DiscussionSettings.Order.NEWEST)
        landing = client.get(post.get_absolute_url()).content.decode()
        assert self.top_level(landing)[0] == str(threads[-1].pk)
        assert '<span aria-current="page">Page 1</span>' in landing
        assert threads[0].get_absolute_url().startswith(f"{post.get_absolute_url()}?cpage=3")

    @pytest.mark.parametrize(("asked", "shown"), [("junk", 3), ("-2", 1), ("99", 3), ("2", 2)])
    def test_odd_page_numbers_show_the_nearest_page(self, client, post, threads, asked, shown):
        html = client.get(post.get_absolute_url(), {"cpage": asked}).content.decode()
        assert f'<span aria-current="page">Page {shown}</span>' in html


class TestOwnComments:
    def post_and_find(self, client, post, **overrides):
        assert send(client, post, **overrides).status_code == 302
        return Comment.objects.get(body=overrides.get("body", TYPED))

    def test_a_guest_edits_their_comment_in_the_window_and_it_is_checked_again(
        self, client, post, rules
    ):
        save(rules, require_previous_approval=False)
        comment = self.post_and_find(client, post)
        assert comment.status == Comment.Status.APPROVED
        page = client.get(post.get_absolute_url()).content.decode()
        assert reverse("comments:edit", kwargs={"pk": comment.pk}) in page

        edited = "Now with links https://a.example.com and https://b.example.org"
        response = client.post(
            reverse("comments:edit", kwargs={"pk": comment.pk}), {"body": edited}
        )
        comment.refresh_from_db()
        assert response.status_code == 302
        assert comment.body == edited
        assert comment.status == Comment.Status.PENDING  # two links: held now

    def test_someone_else_cannot_edit_it(self, client, post):
        comment = self.post_and_find(client, post)
        stranger = Client()
        response = stranger.post(
            reverse("comments:edit", kwargs={"pk": comment.pk}), {"body": "Mine now"}
        )
        assert response.status_code == 403
        assert "can no longer be changed" in response.content.decode()

    def test_the_window_closes(self, client, post):
        comment = self.post_and_find(client, post)
        Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=11))
        assert client.get(reverse("comments:edit", kwargs={"pk": comment.pk})).status_code == 403

    def test_a_member_edits_by_account_and_can_delete(self, client, post, student):
        client.force_login(student)
        client.post(post.get_absolute_url(), {"body": TYPED, "issued": issue_stamp()})
        comment = Comment.objects.get(body=TYPED)
        make_comment(post, parent=comment, body="A reply that must keep its place")
        other_browser = Client()
        other_browser.force_login(student)
        assert (
            other_browser.get(reverse("comments:edit", kwargs={"pk": comment.pk})).status_code
            == 200
        )

        client.post(reverse("comments:delete", kwargs={"pk": comment.pk}))
        comment.refresh_from_db()
        assert comment.status == Comment.Status.TRASH
        html = Client().get(post.get_absolute_url()).content.decode()
        assert "This comment was removed." in html
        assert "A reply that must keep its place" in html

    def test_empty_edits_are_refused_with_a_message(self, client, post):
        comment = self.post_and_find(client, post)
        response = client.post(reverse("comments:edit", kwargs={"pk": comment.pk}), {"body": " "})
        assert response.status_code == 400
        assert "Please type your comment." in response.content.decode()


class TestSavedDetails:
    def test_a_guest_who_asks_is_remembered_next_time(self, client, post):
        send(client, post, save_details="on", url="https://maya.example.com")
        form = client.get(post.get_absolute_url()).content.decode()
        assert 'value="Maya Lindqvist"' in form
        assert 'value="maya@example.edu"' in form
        assert 'value="https://maya.example.com"' in form
        assert 'name="save_details" id="id_save_details" checked' in form

    def test_a_guest_who_does_not_ask_is_not(self, client, post):
        send(client, post)
        assert 'value="Maya Lindqvist"' not in client.get(post.get_absolute_url()).content.decode()

    def test_unticking_forgets(self, client, post):
        send(client, post, save_details="on")
        Comment.objects.update(created=timezone.now() - timedelta(minutes=1))
        response = send(client, post, body="Second, forget me.")
        assert response.cookies["comment_author"].value == ""


class TestFeeds:
    def test_the_latest_posts_feed(self, client, post):
        make_post(title="Unpublished", status="draft", published_at=None)
        feed = client.get(reverse("posts:feed"))
        xml = feed.content.decode()
        assert feed["Content-Type"].startswith("application/rss+xml")
        assert post.title in xml
        assert "Unpublished" not in xml
        assert reverse("posts:feed") in client.get("/").content.decode()

    def test_a_posts_comments_feed_has_approved_comments_only(self, client, post):
        make_comment(post, body="Visible thought")
        make_comment(post, body="Held thought", status=Comment.Status.PENDING)
        xml = client.get(
            reverse("posts:comments_feed", kwargs={"slug": post.slug})
        ).content.decode()
        assert "Visible thought" in xml
        assert "Held thought" not in xml
        page = client.get(post.get_absolute_url()).content.decode()
        assert reverse("posts:comments_feed", kwargs={"slug": post.slug}) in page


class TestPersonalData:
    URL = reverse("admin:comments_comment_personal_data")

    def test_export_everything_about_an_email(self, client, post, instructor):
        make_comment(post, author_email="maya@example.edu", body="Mine", ip_address="203.0.113.7")
        make_comment(post, author_email="other@example.edu", body="Not mine")
        client.force_login(instructor)
        response = client.post(self.URL, {"email": "MAYA@example.edu", "export": "Export"})
        data = response.json()
        assert [c["text"] for c in data["comments"]] == ["Mine"]
        assert data["comments"][0]["ip_address"] == "203.0.113.7"

    def test_erase_anonymises_and_keeps_the_threads(self, client, post, instructor):
        root = make_comment(
            post,
            author_email="maya@example.edu",
            author_name="Maya",
            author_url="https://m.example.com",
            ip_address="203.0.113.7",
            held_reason="it contains the moderation word “203.0.113”",
        )
        reply = make_comment(post, parent=root)
        client.force_login(instructor)
        client.post(self.URL, {"email": "maya@example.edu", "erase": "Erase"})
        root.refresh_from_db()
        assert (root.author_name, root.author_email, root.author_url, root.ip_address) == (
            "Anonymous",
            "",
            "",
            None,
        )
        assert root.held_reason == ""
        assert Comment.objects.get(pk=reply.pk).parent_id == root.pk
        assert Comment.objects.tree_problems() == []

    def test_only_moderators_may(self, client):
        staff = make_user("assistant", is_staff=True)
        client.force_login(staff)
        assert client.get(self.URL).status_code == 403


def test_the_instructor_edits_the_discussion_settings(client, instructor):
    client.force_login(instructor)
    response = client.get(reverse("admin:comments_discussionsettings_changelist"), follow=True)
    assert response.status_code == 200
    assert "Thread depth" in response.content.decode()
    rules = DiscussionSettings.load()
    data = {
        field.name: getattr(rules, field.name)
        for field in DiscussionSettings._meta.concrete_fields
        if field.editable and not field.primary_key
    }
    data = {name: value for name, value in data.items() if value is not False}
    data.update(thread_depth=3, moderation_words="casino")
    change = reverse("admin:comments_discussionsettings_change", args=[rules.pk])
    assert client.post(change, data).status_code == 302
    saved = DiscussionSettings.load()
    assert (saved.thread_depth, saved.moderation_words) == (3, "casino")
    assert saved.version == rules.version + 1


class TestPace:
    """Duplicates before floods, a ceiling per guest address, all under one lock."""

    def test_a_double_click_is_a_duplicate_not_a_flood(self, client, post):
        assert send(client, post).status_code == 302
        response = send(client, post)
        assert response.status_code == 409
        assert "Duplicate comment detected" in response.content.decode()

    def test_one_address_changing_its_email_meets_the_ceiling(self, client, post, settings):
        settings.GUEST_COMMENTS_PER_ADDRESS = 3
        for number in range(3):
            response = send(client, post, email=f"maya{number}@example.edu", body=f"Try {number}")
            assert response.status_code == 302
        response = send(client, post, email="maya9@example.edu")
        assert_refused(response, 429, "Too many comments have come from your network address")

    def test_the_ceiling_counts_only_the_last_minutes(self, client, post, settings):
        settings.GUEST_COMMENTS_PER_ADDRESS = 2
        for number in range(2):
            make_comment(
                post,
                author_email=f"old{number}@example.edu",
                ip_address="127.0.0.1",
                created=timezone.now() - timedelta(minutes=11),
            )
        assert send(client, post).status_code == 302

    def test_members_and_instructors_are_exempt_from_the_ceiling(
        self, client, post, settings, student
    ):
        settings.GUEST_COMMENTS_PER_ADDRESS = 1
        send(client, post, email="guest@example.edu", body="A guest first.")
        client.force_login(student)
        response = client.post(post.get_absolute_url(), {"body": "Mine.", "issued": issue_stamp()})
        assert response.status_code == 302

    def test_default_ceiling_is_ten_in_ten_minutes(self, settings):
        ceiling = settings.GUEST_COMMENTS_PER_ADDRESS, settings.GUEST_COMMENTS_PER_ADDRESS_MINUTES
        assert ceiling == (10, 10)


class TestClientAddress:
    """The address the rules and the stored IP use, with and without trusted proxies."""

    def posted_ip(self, post, settings, trusted, forwarded, remote="10.0.0.5"):
        settings.TRUSTED_PROXIES = trusted
        client = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
        email = f"x{Comment.objects.count()}@example.edu"
        assert send(client, post, email=email).status_code == 302
        return Comment.objects.latest("pk").ip_address

    def test_the_header_is_never_trusted_by_default(self, post, settings):
        assert self.posted_ip(post, settings, [], "203.0.113.9") == "10.0.0.5"

    def test_behind_a_trusted_proxy_the_forwarded_client_counts(self, post, settings):
        assert self.posted_ip(post, settings, ["10.0.0.0/8"], "203.0.113.9") == "203.0.113.9"

    def test_a_spoofed_header_is_skipped_right_to_left(self, post, settings):
        # the client wrote "1.1.1.1"; the proxy appended the address it saw
        ip = self.posted_ip(post, settings, ["10.0.0.5"], "1.1.1.1, 203.0.113.9")
        assert ip == "203.0.113.9"

    def test_a_chain_of_trusted_proxies(self, post, settings):
        ip = self.posted_ip(post, settings, ["10.0.0.0/8"], "1.1.1.1, 203.0.113.9, 10.1.2.3")
        assert ip == "203.0.113.9"

    def test_a_request_not_from_a_proxy_cannot_claim_an_address(self, post, settings):
        ip = self.posted_ip(post, settings, ["10.0.0.1"], "203.0.113.9", remote="198.51.100.7")
        assert ip == "198.51.100.7"


class TestParentGone:
    def test_a_parent_deleted_while_the_reply_is_saved_is_a_409_with_the_text_kept(
        self, client, post, monkeypatch
    ):
        """The request that reached ParentGone: the reply's parent is found under its lock,
        and Comment.save looks for it again (a deeper parent, a repair, a delete)."""
        parent = make_comment(post)
        from comments.models import CommentManager

        real = CommentManager.lock_thread
        calls = []

        def vanishing(self, pk):
            calls.append(pk)
            return real(self, pk) if len(calls) == 1 else None

        monkeypatch.setattr(CommentManager, "lock_thread", vanishing)
        response = send(client, post, parent=str(parent.pk))
        assert response.status_code == 400
        html = response.content.decode()
        assert "could not be found" in html
        assert TYPED in html
        assert not Comment.objects.filter(body=TYPED).exists()


def test_the_personal_data_export_costs_the_same_queries_for_many_comments(
    post, instructor, django_assert_num_queries
):
    from comments import personal_data

    def export_queries(count):
        for _ in range(count):
            make_comment(post, author_email="many@example.edu")
        DiscussionSettings.load()  # the rules, read once a few seconds by each process
        with django_assert_num_queries(3):  # the comments, their threads' pages, the reports
            exported = personal_data.export("many@example.edu")
        return exported

    assert len(export_queries(2)["comments"]) == 2
    assert len(export_queries(20)["comments"]) == 22
