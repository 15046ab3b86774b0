"""Leave a Reply: the write path, the moderation it applies and every refusal."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.forms import issue_stamp
from comments.models import Comment
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

GUEST = {
    "name": "Maya Lindqvist",
    "email": "maya@example.edu",
    "url": "",
    "body": "A thought.",
    "issued": issue_stamp(),
}


def post_url(post):
    return reverse("posts:detail", kwargs={"slug": post.slug})


def send(client, post, **fields):
    return client.post(post_url(post), {**GUEST, **fields})


def page(response) -> str:
    return response.content.decode()


def test_a_guest_comment_is_held_and_lands_on_its_permalink(client, post):
    response = send(client, post, body="Were there Soviet sources?")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post_url(post)}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert (comment.author_name, comment.author_email, comment.user) == (
        "Maya Lindqvist",
        "maya@example.edu",
        None,
    )
    assert comment.ip_address == "127.0.0.1"


def test_a_held_comment_shows_to_its_author_only(client, post):
    send(client, post, body="Were there Soviet sources?")
    comment = Comment.objects.get()

    own_view = page(client.get(post_url(post)))
    assert f'id="comment-{comment.pk}"' in own_view
    assert "Your comment is awaiting moderation." in own_view

    someone_else = page(Client().get(post_url(post)))
    assert "Were there Soviet sources?" not in someone_else
    assert "awaiting moderation" not in someone_else


def test_an_approved_guest_is_approved_again(client, post):
    make_comment(post, author_name="Maya Lindqvist", author_email="MAYA@example.edu")
    send(client, post, body="Second thought.")
    assert Comment.objects.get(body="Second thought.").status == Comment.Status.APPROVED


def test_a_guest_cannot_borrow_a_members_approval(client, post, student):
    make_comment(post, user=student, author_name="Caroline", author_email=student.email)
    send(client, post, name="Caroline", email=student.email, body="Pretending.")
    assert Comment.objects.get(body="Pretending.").status == Comment.Status.PENDING


def test_a_course_member_comments_as_themselves_and_is_approved(client, post, student):
    client.force_login(student)
    form_page = page(client.get(post_url(post)))
    assert "You are commenting as Caroline." in form_page
    assert 'name="email"' not in form_page
    assert 'name="name"' not in form_page

    response = client.post(
        post_url(post), {"body": "Member thought.", "name": "Ignored", "issued": issue_stamp()}
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (comment.user, comment.author_name, comment.status) == (
        student,
        "Caroline",
        Comment.Status.APPROVED,
    )


def test_replytocom_turns_the_form_into_a_reply(client, post):
    parent = make_comment(post, author_name="Caroline")
    response = client.get(post_url(post), {"replytocom": parent.pk})
    html = page(response)
    assert "Reply to Caroline" in html
    assert (
        'id="cancel-comment-reply-link" href="' + post_url(post) + '#respond">Cancel reply' in html
    )
    assert f'name="parent" value="{parent.pk}"' in html


@pytest.mark.parametrize("replytocom", ["abc", "999999", "-1"])
def test_a_bad_replytocom_falls_back_to_a_new_comment(client, post, replytocom):
    response = client.get(post_url(post), {"replytocom": replytocom})
    html = page(response)
    assert response.status_code == 200
    assert "Leave a Reply</span>" in html
    assert "could not be found" in html


def test_a_reply_nests_under_its_parent(client, post):
    parent = make_comment(post)
    send(client, post, parent=str(parent.pk), body="A reply.")
    reply = Comment.objects.get(body="A reply.")
    assert reply.parent == parent
    assert reply.level == 1


def test_ip_address_and_user_agent_are_kept_but_never_shown(client, post):
    client.post(
        post_url(post), {**GUEST, "body": "Logged."}, headers={"user-agent": "Mozilla/5.0 Test"}
    )
    comment = Comment.objects.get()
    comment.approve()
    assert comment.user_agent == "Mozilla/5.0 Test"
    html = page(client.get(post_url(post)))
    assert "Mozilla/5.0 Test" not in html
    assert "127.0.0.1" not in html


OTHER_POST = "other-post"
MISSING = "missing"
HELD = "held"


def resolve_parent(value, post):
    if value == OTHER_POST:
        return str(make_comment(make_post()).pk)
    if value == MISSING:
        return "987654321"
    if value == HELD:
        return str(make_comment(post, status=Comment.Status.PENDING).pk)
    return value


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        pytest.param({"body": ""}, 400, "Please type your comment.", id="empty body"),
        pytest.param({"body": "   \n  "}, 400, "Please type your comment.", id="blank body"),
        pytest.param(
            {"body": "<script>x()</script>"}, 400, "no text once markup", id="only markup"
        ),
        pytest.param({"name": ""}, 400, "Please enter your name.", id="missing name"),
        pytest.param({"email": ""}, 400, "Please enter your email address.", id="missing email"),
        pytest.param({"email": "maya@"}, 400, "Please enter a valid email address", id="bad email"),
        pytest.param(
            {"url": "javascript:alert(1)"}, 400, "Please enter a web address", id="bad url"
        ),
        pytest.param(
            {"body": "x" * 102_400}, 400, "Your comment is too long: 102400", id="100 KB body"
        ),
        pytest.param({"name": "N" * 300}, 400, "Name is too long", id="long name"),
        pytest.param({"body": "Hello\x00world"}, 400, "contains a NUL character", id="NUL"),
        pytest.param(
            {"body": "Hello\x1b[31mworld"}, 400, "invisible control characters", id="escape"
        ),
        pytest.param({"name": "Maya\x07"}, 400, "invisible control characters", id="bell in name"),
        pytest.param({"body": "Hi\x85there"}, 400, "invisible control characters", id="C1 control"),
        pytest.param(
            {"name": "Maya\u202eevil"}, 400, "invisible control characters", id="bidi override"
        ),
        pytest.param({"url": "https://a.example/\u200b"}, 400, "invisible", id="zero width"),
        pytest.param({"parent": OTHER_POST}, 400, "could not be found", id="other post"),
        pytest.param({"parent": MISSING}, 400, "could not be found", id="missing parent"),
        pytest.param({"parent": "abc"}, 400, "could not be found", id="non-numeric parent"),
        pytest.param({"parent": "1" * 40}, 400, "could not be found", id="huge parent"),
        pytest.param(
            {"parent": HELD}, 403, "awaiting moderation are not allowed", id="held parent"
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_text_kept(
    client, post, fields, status, message
):
    if "parent" in fields:
        fields = {**fields, "parent": resolve_parent(fields["parent"], post)}
    typed = {**GUEST, "body": "My carefully typed thought.", **fields}

    response = client.post(post_url(post), typed)

    html = page(response)
    assert response.status_code == status
    assert message in html
    assert Comment.objects.filter(post=post, body__contains="carefully").count() == 0
    for field in ("name", "email", "body"):
        kept = re.sub("[\x00\x1b\x07\x85\u202e]", "", typed[field])
        if kept.strip():
            assert kept.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html


def test_control_characters_are_removed_so_resending_works(client, post):
    response = send(client, post, body="Hello\x07 world")
    assert response.status_code == 400
    assert "Hello world" in page(response)
    assert send(client, post, body="Hello world").status_code == 302


def test_a_closed_post_refuses_comments_but_keeps_the_text(client):
    post = make_post(comments_open=False)
    response = send(client, post, body="Too late, sadly.")
    html = page(response)
    assert response.status_code == 403
    assert "Comments are closed on this post." in html
    assert "Too late, sadly." in html
    assert not Comment.objects.exists()


def test_drafts_take_no_comments(client):
    draft = make_post(status="draft", published_at=None)
    client.force_login(draft.author)
    response = client.post(post_url(draft), {"body": "Note to self."})
    assert response.status_code == 403
    assert "not published" in page(response)


def test_a_missing_csrf_token_is_refused_but_the_text_is_kept(post):
    client = Client(enforce_csrf_checks=True)
    response = send(client, post, body="Typed before the token expired.")
    html = page(response)
    assert response.status_code == 403
    assert "security token" in html
    assert "Typed before the token expired." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert not Comment.objects.exists()


def test_other_methods_are_not_allowed(client, post):
    assert client.put(post_url(post)).status_code == 405


def test_comments_on_unknown_posts_are_404(client):
    response = client.post(reverse("posts:detail", kwargs={"slug": "nope"}), GUEST)
    assert response.status_code == 404


@pytest.mark.parametrize("remote_addr", ["unknown", "unix:", "1.2.3.4, 5.6.7.8", ""])
def test_an_address_that_is_not_an_ip_is_not_stored(post, remote_addr):
    response = Client(REMOTE_ADDR=remote_addr).post(post_url(post), GUEST)
    assert response.status_code == 302
    assert Comment.objects.get().ip_address is None
