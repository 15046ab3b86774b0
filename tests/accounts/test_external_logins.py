"""Log in with WordPress.com, Google, X, Facebook, the school's OpenID Connect or
Microsoft: offered where the original page offered them, once the instructor has
configured them, and each flow run whole against a stand-in of the provider on
127.0.0.1 (tests/accounts/standins.py), with no other network.
"""

import html
import re
import socket
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.adapter import offered_providers
from accounts.models import User
from accounts.roles import STUDENTS
from comments.models import DiscussionSettings
from course.models import CourseSettings, SiteVersion
from tests.accounts.standins import (
    CLIENT_ID,
    CLIENT_SECRET,
    DIALECTS,
    Facebook,
    Google,
    Microsoft,
    OpenIDConnect,
    StandIn,
    WordPressCom,
    X,
)
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
# Providers that vouch for the person's email address (Microsoft: the school's tenant,
# once the instructor says which domain it vouches for). Facebook's email is not
# verified, and X gives none: their members connect the account first.
VOUCHING = [WordPressCom(), Google(), OpenIDConnect(), Microsoft()]


def provider_id(dialect) -> str:
    return dialect.provider


@pytest.fixture(autouse=True)
def _no_network_beyond_this_machine(monkeypatch):
    """A test that tries to reach a real provider fails, loudly."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    local = {"127.0.0.1", "::1", "localhost"}

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in local:
            raise RuntimeError(f"a test tried to reach {address[0]}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in local:
            raise RuntimeError(f"a test tried to look up {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(params=DIALECTS, ids=provider_id)
def dialect(request):
    return request.param


@pytest.fixture
def standin(dialect, monkeypatch, settings):
    """The provider on 127.0.0.1, configured by the instructor as the README says."""
    with StandIn(dialect) as standin:
        standin.configure_site(monkeypatch, settings)
        yield standin
        assert standin.problems == []


@pytest.fixture
def member():
    """Ana, a course member whose address is confirmed (her roster invitation, say)."""
    user = make_user("ana", email="ana@example.edu", password="a-long-passphrase")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def open_sign_up(code: str = "HIST-214") -> None:
    course = CourseSettings.load()
    course.join_code = code
    course.save()


def start(client: Client, standin: StandIn, **query) -> str:
    """Press "Log in with …" (a form posted to the site), as a browser does. The site
    answers with a page of its own that goes on to the provider (a redirect after a form
    would break the site's form-action policy); it names the provider's authorize URL."""
    page = client.post(f"{standin.dialect.login_path()}?{urlencode(query)}")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page.text)
    authorize_url = html.unescape(refresh.group(1))
    assert authorize_url.startswith(standin.url + standin.dialect.authorize_path)
    return authorize_url


def at_provider(authorize_url: str) -> str:
    """The person agrees at the provider, which sends the browser back to the site."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_at_site(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.netloc == "testserver"
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def log_in_with(client: Client, standin: StandIn, **query):
    return back_at_site(client, at_provider(start(client, standin, **query)))


def logged_in_user(client: Client):
    return client.get(reverse("posts:list")).context["user"]


def assert_no_one_got_in(page) -> None:
    assert not page.context["user"].is_authenticated
    assert not SocialAccount.objects.exists()


# Who gets in


@pytest.mark.parametrize("dialect", VOUCHING, ids=provider_id)
def test_a_member_with_the_same_verified_email_is_logged_in(client, standin, member):
    page = log_in_with(client, standin)
    assert page.context["user"] == member
    # and the account is connected, so the next log-in needs no email at all
    assert SocialAccount.objects.get(user=member).uid


UNVOUCHED = [
    WordPressCom(),
    Google(),
    X(),
    Facebook(),
    OpenIDConnect(),
    Microsoft(school_vouches_for_email=False),
]


@pytest.mark.parametrize("dialect", UNVOUCHED, ids=provider_id)
def test_an_email_the_provider_does_not_vouch_for_logs_no_one_in(client, standin, member):
    standin.person.email_verified = False
    page = log_in_with(client, standin)
    assert "Sign-up is closed" in page.text
    assert_no_one_got_in(page)
    assert Client().login(username="ana", password="a-long-passphrase")  # still hers alone


def test_a_connected_account_logs_its_member_in(client, standin, member):
    standin.person.email = "ana.lima@mail.example.org"  # not the course's address
    client.force_login(member)
    connected = log_in_with(client, standin, process="connect")
    assert connected.redirect_chain[-1][0] == reverse("socialaccount_connections")
    assert f"{standin.dialect.label}: " in connected.text
    assert SocialAccount.objects.get().user == member
    client.post(reverse("account_logout"))
    assert not logged_in_user(client).is_authenticated

    assert log_in_with(client, standin).context["user"] == member


def test_an_unknown_account_is_refused_politely_while_sign_up_is_closed(client, standin):
    page = log_in_with(client, standin)
    assert page.status_code == 200
    assert "Sign-up is closed" in page.text
    assert "connect the other account" in page.text
    assert_no_one_got_in(page)
    assert not User.objects.exists()


def join_data(code: str) -> dict:
    return {"email": "ana@example.edu", "username": "analima", "join_code": code}


def test_an_unknown_account_without_the_join_code_is_refused(client, standin):
    open_sign_up()
    page = log_in_with(client, standin)
    assert f"Your {standin.dialect.label} account is new to this course" in page.text
    assert 'name="join_code"' in page.text
    if standin.dialect.gives_email:
        assert 'value="ana@example.edu"' in page.text

    refused = client.post(reverse("socialaccount_signup"), join_data("HIST-999"))
    assert refused.status_code == 200
    assert "That join code is not this course" in refused.text
    assert not User.objects.exists()
    assert not logged_in_user(client).is_authenticated


def test_the_join_code_makes_a_student_named_as_at_the_provider(client, standin):
    make_user("classmate", display_name="Ana Lima")
    open_sign_up()
    page = log_in_with(client, standin)
    assert "Others will see you as “Ana Lima”" in page.text

    client.post(reverse("socialaccount_signup"), join_data(" hist-214 "))
    student = User.objects.get(username="analima")
    assert student.display_name == "Ana Lima 2"  # unique in the course
    assert (student.first_name, student.last_name) == ("Ana", "Lima")  # for instructors
    assert student.groups.filter(name=STUDENTS).exists()
    assert SocialAccount.objects.get().user == student
    assert logged_in_user(client) == student


@pytest.mark.parametrize("dialect", [Facebook(), OpenIDConnect()], ids=provider_id)
def test_the_display_name_is_the_providers_name_and_the_real_name_its_parts(client, standin):
    standin.person.name = "Ana L."  # how she shows herself there
    open_sign_up()
    log_in_with(client, standin)
    client.post(reverse("socialaccount_signup"), join_data("HIST-214"))
    student = User.objects.get(username="analima")
    assert student.display_name == "Ana L."
    assert student.real_name == "Ana Lima"


# Errors: a clear page, never a 500


@pytest.mark.parametrize("step", ["authorize", "token", "user"])
def test_a_provider_error_gives_a_clear_page(client, standin, member, step):
    standin.fail_at = step
    standin.with_id_token = False  # so that Google, too, asks its user endpoint
    page = log_in_with(client, standin)
    assert page.status_code == 401
    assert "The log-in did not work" in page.text
    assert "Try again" in page.text
    assert_no_one_got_in(page)


def test_a_cancelled_log_in_says_so(client, standin):
    standin.fail_at, standin.authorize_error = "authorize", "access_denied"
    page = log_in_with(client, standin)
    assert page.status_code == 200
    assert "You cancelled the log-in" in page.text


def test_a_forged_state_gives_a_clear_page(client, standin, member):
    callback = at_provider(start(client, standin))
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    page = back_at_site(client, forged)
    assert page.status_code == 401
    assert "The log-in did not work" in page.text
    assert not logged_in_user(client).is_authenticated
    assert not any(standin.dialect.token_path in call for call in standin.calls)


def test_a_callback_used_twice_gives_a_clear_page(client, standin):
    callback = at_provider(start(client, standin))
    back_at_site(client, callback)
    again = back_at_site(client, callback)
    assert again.status_code == 401
    assert "The log-in did not work" in again.text


# Particular providers


@pytest.mark.parametrize("dialect", [Google()], ids=provider_id)
def test_google_without_an_id_token_is_read_from_its_user_endpoint(client, standin, member):
    standin.with_id_token = False
    assert log_in_with(client, standin).context["user"] == member
    assert f"GET {Google.user_path}" in standin.calls


@pytest.mark.parametrize("dialect", [WordPressCom()], ids=provider_id)
def test_logging_in_from_the_comment_form_comes_back_to_it(client, standin, member):
    post = make_post()
    respond = post.get_absolute_url() + "#respond"
    page = log_in_with(client, standin, process="login", next=respond)
    assert page.redirect_chain[-1][0] == respond
    assert page.context["user"] == member


@pytest.mark.parametrize("dialect", [WordPressCom()], ids=provider_id)
def test_a_link_asks_before_leaving_the_site(client, standin):
    """A link (the comment form's) shows a page whose button posts: no other site can
    start a log-in for a reader (SOCIALACCOUNT_LOGIN_ON_GET stays off)."""
    page = client.get(reverse("wordpress_com_login"), {"process": "login"})
    assert page.status_code == 200
    assert "Continue to WordPress.com" in page.text
    assert '<form method="post"' in page.text
    assert standin.calls == []


# What the pages offer


def configure(*dialects) -> None:
    """The instructor adds these Social applications in the admin."""
    for dialect in dialects:
        app = dialect.app("https://provider.example")  # never reached: nobody logs in
        SocialApp.objects.create(client_id=CLIENT_ID, secret=CLIENT_SECRET, **app)


def test_no_log_in_is_offered_until_the_instructor_configures_one(client, post):
    assert "Or log in with another account" not in client.get(LOGIN).text
    assert "log in with" not in client.get(post.get_absolute_url()).text


def test_each_configured_log_in_is_offered_in_the_original_order(client, post):
    configure(*DIALECTS)
    names = ["WordPress.com", "Google", "X", "Facebook", "Westfield University", "Microsoft"]

    login = client.get(LOGIN).text
    assert re.findall(r">Log in with ([^<]+)</button>", login) == names
    for dialect in DIALECTS:
        assert f'action="{dialect.login_path()}?process=login"' in login

    reply = client.get(post.get_absolute_url()).text
    notes = re.search(r'<p class="comment-notes">.*?</p>', reply, re.S).group(0)
    found = re.findall(r'<a href="([^"]+)" aria-label="Log in with [^"]+">([^<]+)</a>', notes)
    assert [name for _, name in found] == names
    back = urlencode({"next": post.get_absolute_url() + "#respond"})
    assert all(href.endswith("?process=login&amp;" + back) for href, _ in found)
    assert "Facebook</a>, <a" in notes
    assert "Westfield University</a> or <a" in notes
    assert notes.endswith("Microsoft</a>.</p>")


def test_members_only_discussions_offer_them_too(client, post):
    configure(WordPressCom())
    rules = DiscussionSettings.load()
    rules.who_can_comment = DiscussionSettings.WhoCanComment.MEMBERS
    rules.save()
    page = client.get(post.get_absolute_url()).text
    closed = re.search(r'<p class="comments-closed">.*?</p>', page, re.S).group(0)
    assert "WordPress.com</a>." in closed


def test_hidden_applications_and_providers_not_installed_are_not_offered(client):
    configure(Google())
    SocialApp.objects.update(settings={"hidden": True})
    SocialApp.objects.create(provider="github", name="GitHub", client_id="x", secret="y")
    assert "Or log in with another account" not in client.get(LOGIN).text


def test_a_configured_log_in_shows_on_the_very_next_anonymous_page(post):
    reader = Client()
    assert "log in with" not in reader.get(post.get_absolute_url()).text  # now cached
    configure(Google())
    assert "Google</a>" in reader.get(post.get_absolute_url()).text
    SocialApp.objects.get().delete()
    assert "Google</a>" not in reader.get(post.get_absolute_url()).text


def test_the_post_page_reads_the_applications_once_per_site_version(django_assert_num_queries):
    configure(Google())
    request = RequestFactory().get("/")
    version = SiteVersion.current()
    assert [p.name for p in offered_providers(request, site_version=version)] == ["Google"]
    with django_assert_num_queries(0):
        assert len(offered_providers(request, site_version=version)) == 1
    configure(WordPressCom())  # raises the site's version
    version = SiteVersion.current()
    with django_assert_num_queries(1):
        offered = offered_providers(request, site_version=version)
    assert [p.name for p in offered] == ["WordPress.com", "Google"]


def test_the_password_sign_up_page_says_nothing_of_other_accounts(client):
    assert "connect the other account" not in client.get(reverse("account_signup")).text


def test_a_member_can_stop_logging_in_with_a_connected_account(client, member):
    configure(Google())
    connection = SocialAccount.objects.create(user=member, provider="google", uid="1")
    client.force_login(member)
    page = client.get(reverse("socialaccount_connections"))
    assert "Google: " in page.text
    client.post(reverse("socialaccount_connections"), {"account": connection.pk})
    assert not SocialAccount.objects.exists()
