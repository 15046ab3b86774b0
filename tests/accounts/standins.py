"""Stand-ins for the external log-in providers, on 127.0.0.1.

Each stand-in speaks its provider's OAuth 2 protocol as the provider documents it: the
authorize endpoint (checks the client, the redirect address, the scopes, the state and,
for X, the PKCE challenge, then redirects back with a code and the state), the token
endpoint (checks the code, the redirect address, the client's id and secret where the
provider puts them, or the PKCE verifier) and the user endpoint (checks the access token
where the provider expects it and answers the provider's JSON). Whatever a stand-in
finds wrong in a request goes in ``problems``, so a test fails on the protocol, not on
a page that only says the log-in did not work.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils.module_loading import import_string

CLIENT_ID = "coursblog-client-id"
CLIENT_SECRET = "coursblog-client-secret"
MICROSOFT_TENANT = "0f5b3a3e-5c3e-4f1e-9d55-3f2a1b7c9e10"
_SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Person:
    """The account the person has at the provider."""

    uid: str = "2244994945"
    name: str = "Ana Lima"
    given_name: str = "Ana"
    family_name: str = "Lima"
    username: str = "analima"
    email: str = "ana@example.edu"
    email_verified: bool = True


class Dialect:
    """One provider's protocol: where its endpoints are and what they say."""

    provider: str
    label: str
    authorize_path: str
    token_path: str
    user_path: str
    scopes: tuple[str, ...]
    scope_delimiter = " "
    token_method = "POST"
    basic_auth = False  # the client's id and secret in an Authorization: Basic header
    pkce = False
    gives_email = True  # does the user endpoint say the person's email address?

    def login_path(self) -> str:
        return reverse(f"{self.provider}_login")

    def app(self, url: str) -> dict:
        """The Social application the instructor makes in the admin (the provider at ``url``)."""
        return {"provider": self.provider, "name": self.label, "settings": {}}

    # allauth's adapter, where its endpoints are class attributes (read from the
    # settings when allauth is imported, or fixed), and its user endpoint's attribute.
    # Microsoft and OpenID Connect read theirs from the application's settings (``app``).
    adapter: str | None = None
    user_url_attribute: str | None = None

    def point_allauth_at(self, standin: StandIn, monkeypatch, settings) -> None:
        """Send allauth to the stand-in instead of the provider."""
        if self.adapter is None:
            return
        adapter = import_string(self.adapter)
        monkeypatch.setattr(adapter, "authorize_url", standin.url + self.authorize_path)
        monkeypatch.setattr(adapter, "access_token_url", standin.url + self.token_path)
        if self.user_url_attribute:
            monkeypatch.setattr(adapter, self.user_url_attribute, standin.url + self.user_path)

    def token_response(self, standin: StandIn, access_token: str, person: Person) -> dict:
        raise NotImplementedError

    def user_json(self, standin: StandIn, person: Person, query: dict) -> dict:
        raise NotImplementedError

    def error_json(self) -> dict:
        return {"error": "invalid_token"}

    def access_token(self, handler: BaseHTTPRequestHandler, query: dict) -> str | None:
        authorization = handler.headers.get("Authorization", "")
        scheme, _, token = authorization.partition(" ")
        return token if scheme.lower() == "bearer" else None

    def check_user_request(self, standin: StandIn, query: dict, token: str) -> None:
        """Anything the user endpoint requires beyond the token."""


def _id_token(person: Person, issuer: str) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "azp": CLIENT_ID,
        "aud": CLIENT_ID,
        "sub": person.uid,
        "email": person.email,
        "email_verified": person.email_verified,
        "name": person.name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "iat": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, _SIGNING_KEY, algorithm="RS256", headers={"kid": "stand-in"})


class WordPressCom(Dialect):
    """https://developer.wordpress.com/docs/oauth2/ and GET /rest/v1.1/me."""

    provider = "wordpress_com"
    label = "WordPress.com"
    authorize_path = "/oauth2/authorize"
    token_path = "/oauth2/token"
    user_path = "/rest/v1.1/me"
    scopes = ("auth",)

    def point_allauth_at(self, standin, monkeypatch, settings):
        settings.SOCIALACCOUNT_PROVIDERS = {"wordpress_com": {"API_URL": standin.url}}

    def token_response(self, standin, access_token, person):
        return {
            "access_token": access_token,
            "token_type": "bearer",
            "blog_id": "0",
            "blog_url": None,
            "scope": "auth",
        }

    def user_json(self, standin, person, query):
        return {
            "ID": int(person.uid),
            "display_name": person.name,
            "username": person.username,
            "email": person.email,
            "primary_blog": 0,
            "primary_blog_url": None,
            "language": "en",
            "locale_variant": "",
            "token_site_id": False,
            "token_scope": ["auth"],
            "avatar_URL": "https://0.gravatar.com/avatar/0a1b2c?s=96&d=identicon",
            "profile_URL": f"https://gravatar.com/{person.username}",
            "verified": True,
            "email_verified": person.email_verified,
            "date": "2014-02-03T10:22:41+00:00",
            "site_count": 1,
            "visible_site_count": 1,
            "has_unseen_notes": False,
            "newest_note_type": "",
            "phone_account": False,
            "meta": {"links": {"self": "https://public-api.wordpress.com/rest/v1.1/me"}},
        }

    def error_json(self):
        return {
            "error": "authorization_required",
            "message": "An active access token must be used to query information about "
            "the current user.",
        }


class Google(Dialect):
    """Google's OAuth 2 for web servers; the token response carries an id_token."""

    provider = "google"
    label = "Google"
    authorize_path = "/o/oauth2/v2/auth"
    token_path = "/token"
    user_path = "/oauth2/v2/userinfo"
    scopes = ("profile", "email")

    adapter = "allauth.socialaccount.providers.google.views.GoogleOAuth2Adapter"
    user_url_attribute = "identity_url"

    def token_response(self, standin, access_token, person):
        response = {
            "access_token": access_token,
            "expires_in": 3599,
            "scope": "openid https://www.googleapis.com/auth/userinfo.email "
            "https://www.googleapis.com/auth/userinfo.profile",
            "token_type": "Bearer",
        }
        if standin.with_id_token:
            response["id_token"] = _id_token(person, "https://accounts.google.com")
        return response

    def user_json(self, standin, person, query):
        return {
            "id": person.uid,
            "email": person.email,
            "verified_email": person.email_verified,
            "name": person.name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "picture": "https://lh3.googleusercontent.com/a/stand-in",
            "locale": "en",
        }

    def error_json(self):
        return {
            "error": {
                "code": 401,
                "message": "Request had invalid authentication credentials.",
                "status": "UNAUTHENTICATED",
            }
        }


class X(Dialect):
    """X's OAuth 2.0 Authorization Code Flow with PKCE, and GET /2/users/me."""

    provider = "twitter_oauth2"
    label = "X"
    authorize_path = "/i/oauth2/authorize"
    token_path = "/2/oauth2/token"
    user_path = "/2/users/me"
    scopes = ("users.read", "tweet.read")
    basic_auth = True  # a confidential client authenticates with Basic
    pkce = True
    gives_email = False

    adapter = "allauth.socialaccount.providers.twitter_oauth2.views.TwitterOAuth2Adapter"
    user_url_attribute = "profile_url"

    def token_response(self, standin, access_token, person):
        return {
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": access_token,
            "scope": "users.read tweet.read",
        }

    def check_user_request(self, standin, query, token):
        if not {"id", "name", "username"} <= set(query.get("user.fields", "").split(",")):
            standin.problems.append(f"user.fields without id, name, username: {query}")

    def user_json(self, standin, person, query):
        return {
            "data": {
                "id": person.uid,
                "name": person.name,
                "username": person.username,
                "verified": False,
                "profile_image_url": "https://pbs.twimg.com/profile_images/0/stand-in_normal.jpg",
                "created_at": "2013-12-14T04:35:55.000Z",
            }
        }

    def error_json(self):
        return {
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        }


class Facebook(Dialect):
    """Facebook Login's manual flow and the Graph API's /me (token as a parameter,
    with appsecret_proof)."""

    provider = "facebook"
    label = "Facebook"
    authorize_path = "/v19.0/dialog/oauth"
    token_path = "/v19.0/oauth/access_token"
    user_path = "/v19.0/me"
    scopes = ("email",)
    scope_delimiter = ","
    token_method = "GET"

    adapter = "allauth.socialaccount.providers.facebook.views.FacebookOAuth2Adapter"

    def point_allauth_at(self, standin, monkeypatch, settings):
        from allauth.socialaccount.providers.facebook import flows

        super().point_allauth_at(standin, monkeypatch, settings)
        monkeypatch.setattr(flows, "GRAPH_API_URL", standin.url + "/v19.0")  # its /me

    def token_response(self, standin, access_token, person):
        return {"access_token": access_token, "token_type": "bearer", "expires_in": 5183944}

    def access_token(self, handler, query):
        return query.get("access_token")

    def check_user_request(self, standin, query, token):
        proof = hmac.new(CLIENT_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(query.get("appsecret_proof", ""), proof):
            standin.problems.append("the Graph API request has no valid appsecret_proof")

    def user_json(self, standin, person, query):
        known = {
            "id": person.uid,
            "email": person.email,
            "name": person.name,
            "first_name": person.given_name,
            "last_name": person.family_name,
        }
        fields = query.get("fields", "id,name").split(",")
        return {field: value for field, value in known.items() if field in fields}

    def error_json(self):
        return {
            "error": {
                "message": "Invalid OAuth access token - Cannot parse access token",
                "type": "OAuthException",
                "code": 190,
                "fbtrace_id": "Astandin",
            }
        }


class Microsoft(Dialect):
    """The Microsoft identity platform (a school's tenant) and Graph's /v1.0/me."""

    provider = "microsoft"
    label = "Microsoft"
    authorize_path = f"/{MICROSOFT_TENANT}/oauth2/v2.0/authorize"
    token_path = f"/{MICROSOFT_TENANT}/oauth2/v2.0/token"
    user_path = "/v1.0/me"
    scopes = ("User.Read",)

    def __init__(self, *, school_vouches_for_email: bool = True) -> None:
        self.school_vouches_for_email = school_vouches_for_email

    def app(self, url):
        settings = {"tenant": MICROSOFT_TENANT, "login_url": url, "graph_url": url}
        if self.school_vouches_for_email:
            settings["verified_email"] = ["example.edu"]
        return {"provider": self.provider, "name": self.label, "settings": settings}

    def token_response(self, standin, access_token, person):
        return {
            "token_type": "Bearer",
            "scope": "User.Read profile openid email",
            "expires_in": 4742,
            "ext_expires_in": 4742,
            "access_token": access_token,
        }

    def user_json(self, standin, person, query):
        return {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "businessPhones": [],
            "displayName": person.name,
            "givenName": person.given_name,
            "jobTitle": None,
            "mail": person.email,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": "en-US",
            "surname": person.family_name,
            "userPrincipalName": person.email,
            "id": f"00000000-0000-0000-0000-{int(person.uid):012d}",
            "mailNickname": person.username,
            "companyName": None,
        }

    def error_json(self):
        return {
            "error": {
                "code": "InvalidAuthenticationToken",
                "message": "Access token validation failure. Invalid audience.",
            }
        }


class OpenIDConnect(Dialect):
    """A school's OpenID Connect provider: discovery, code flow, id_token and userinfo."""

    provider = "openid_connect"
    label = "Westfield University"
    discovery_path = "/.well-known/openid-configuration"
    authorize_path = "/authorize"
    token_path = "/token"
    user_path = "/userinfo"
    scopes = ("openid", "profile", "email")

    def login_path(self) -> str:
        return reverse("openid_connect_login", kwargs={"provider_id": "school"})

    def app(self, url):
        return {
            "provider": self.provider,
            "provider_id": "school",
            "name": self.label,
            "settings": {"server_url": url},
        }

    def discovery(self, standin) -> dict:
        return {
            "issuer": standin.url,
            "authorization_endpoint": standin.url + self.authorize_path,
            "token_endpoint": standin.url + self.token_path,
            "userinfo_endpoint": standin.url + self.user_path,
            "jwks_uri": standin.url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def token_response(self, standin, access_token, person):
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": _id_token(person, standin.url),
        }

    def user_json(self, standin, person, query):
        return {
            "sub": person.uid,
            "name": person.name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "preferred_username": person.username,
            "email": person.email,
            "email_verified": person.email_verified,
        }


DIALECTS = [WordPressCom(), Google(), X(), Facebook(), OpenIDConnect(), Microsoft()]


class StandIn:
    """A provider's endpoints, served from a thread on 127.0.0.1 for one test."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.person = Person()
        self.with_id_token = True
        # Make one step fail as the provider would: "authorize" (redirect back with
        # authorize_error), "token" (refuse the code), "user" (refuse the token).
        self.fail_at: str | None = None
        self.authorize_error = "server_error"
        self.problems: list[str] = []
        self.calls: list[str] = []
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, Person] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def configure_site(self, monkeypatch, settings) -> None:
        """Configure the site as the README says (a Social application in the admin),
        with allauth sent here instead of to the provider."""
        from allauth.socialaccount.models import SocialApp

        self.dialect.point_allauth_at(self, monkeypatch, settings)
        app = self.dialect.app(self.url)
        SocialApp.objects.create(client_id=CLIENT_ID, secret=CLIENT_SECRET, **app)

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # The endpoints: each returns (status, headers, body).

    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        dialect = self.dialect
        wrong = []
        if query.get("client_id") != CLIENT_ID:
            wrong.append(f"client_id {query.get('client_id')!r}")
        if query.get("response_type") != "code":
            wrong.append(f"response_type {query.get('response_type')!r}")
        if not query.get("redirect_uri") or not query.get("state"):
            wrong.append("no redirect_uri or no state")
        asked = set(query.get("scope", "").split(dialect.scope_delimiter))
        if not set(dialect.scopes) <= asked:
            wrong.append(f"scope {query.get('scope')!r}, not {dialect.scopes}")
        if dialect.pkce and (
            query.get("code_challenge_method") != "S256" or not query.get("code_challenge")
        ):
            wrong.append("no S256 PKCE challenge")
        if wrong:  # a provider shows its own error page, and never goes back
            self.problems.extend(wrong)
            return 400, {"Content-Type": "text/html"}, b"<p>Invalid request</p>"
        back = {"state": query["state"]}
        if self.fail_at == "authorize":
            back["error"] = self.authorize_error
        else:
            code = secrets.token_urlsafe(16)
            self._codes[code] = {
                "redirect_uri": query["redirect_uri"],
                "challenge": query.get("code_challenge"),
                "person": copy.copy(self.person),
            }
            back["code"] = code
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return 302, {"Location": query["redirect_uri"] + separator + urlencode(back)}, b""

    def token(self, handler: BaseHTTPRequestHandler, params: dict) -> tuple[int, dict, bytes]:
        dialect = self.dialect
        if dialect.basic_auth:
            scheme, _, credentials = handler.headers.get("Authorization", "").partition(" ")
            decoded = base64.b64decode(credentials or b"").decode() if scheme == "Basic" else ""
            client_id, _, secret = decoded.partition(":")
        else:
            client_id, secret = params.get("client_id"), params.get("client_secret")
        grant = self._codes.pop(params.get("code", ""), None)
        wrong = []
        if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
            wrong.append(f"client credentials {client_id!r}")
        if params.get("grant_type") != "authorization_code":
            wrong.append(f"grant_type {params.get('grant_type')!r}")
        if grant is None:
            wrong.append("an unknown or used code")
        elif params.get("redirect_uri") != grant["redirect_uri"]:
            wrong.append("a redirect_uri other than the authorization's")
        elif dialect.pkce:
            verifier = params.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                wrong.append("a code_verifier that does not match the challenge")
        if self.fail_at == "token" or wrong:
            if self.fail_at != "token":
                self.problems.extend(wrong)
            body = {"error": "invalid_grant", "error_description": "The code is invalid."}
            return 400, {"Content-Type": "application/json"}, json.dumps(body).encode()
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = grant["person"]
        body = dialect.token_response(self, access_token, grant["person"])
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def user(self, handler: BaseHTTPRequestHandler, query: dict) -> tuple[int, dict, bytes]:
        token = self.dialect.access_token(handler, query) or ""
        person = self._tokens.get(token)
        if person is not None:
            self.dialect.check_user_request(self, query, token)
        if self.fail_at == "user" or person is None:
            if person is None:
                self.problems.append("the user endpoint was asked without a valid token")
            body = self.dialect.error_json()
            return 401, {"Content-Type": "application/json"}, json.dumps(body).encode()
        body = self.dialect.user_json(self, person, query)
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def route(self, handler: BaseHTTPRequestHandler, method: str) -> tuple[int, dict, bytes]:
        dialect = self.dialect
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query))
        path = parts.path
        self.calls.append(f"{method} {path}")
        if method == "GET" and path == getattr(dialect, "discovery_path", None):
            body = json.dumps(dialect.discovery(self)).encode()
            return 200, {"Content-Type": "application/json"}, body
        if method == "GET" and path == dialect.authorize_path:
            return self.authorize(query)
        if method == dialect.token_method and path == dialect.token_path:
            if method == "POST":
                length = int(handler.headers.get("Content-Length", 0))
                query = {**query, **dict(parse_qsl(handler.rfile.read(length).decode()))}
            return self.token(handler, query)
        if method == "GET" and path == dialect.user_path:
            return self.user(handler, query)
        self.problems.append(f"no such endpoint: {method} {handler.path}")
        return 404, {"Content-Type": "text/plain"}, b"Not found"


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def answer(self, method: str) -> None:
            status, headers, body = standin.route(self, method)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self.answer("GET")

        def do_POST(self) -> None:
            self.answer("POST")

        def log_message(self, format: str, *args) -> None:
            """Quiet: the test reports what went wrong."""

    return Handler
