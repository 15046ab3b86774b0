"""A learning platform for the tests: what Canvas or Moodle does in an LTI 1.3 launch,
served over HTTP on 127.0.0.1 from a thread of the test process.

It has its own RSA key pair and publishes it (``/jwks``), answers the OIDC login
(``/auth``) with a signed id_token posted back to the tool, gives OAuth2 tokens
(``/token``) to a tool that signs its request with a key from the tool's key set, and
serves a course's roster (``/memberships``, NRPS) and gradebook (``/lineitems``, AGS),
recording everything it receives. ``/course`` is a course page that shows the tool in
an iframe, as an LMS does.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclasses.dataclass
class Person:
    sub: str
    given_name: str
    family_name: str
    email: str
    roles: list[str]

    def claims(self) -> dict:
        return {
            "sub": self.sub,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "name": f"{self.given_name} {self.family_name}",
            "email": self.email,
            LTI + "roles": self.roles,
        }

    def member(self, status: str = "Active") -> dict:
        return {
            "user_id": self.sub,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "name": f"{self.given_name} {self.family_name}",
            "email": self.email,
            "roles": self.roles,
            "status": status,
        }


LEARNER = Person("lms-learner-1", "Ana", "López", "ana.lopez@school.example", [ROLE + "Learner"])
INSTRUCTOR = Person(
    "lms-teacher-1", "Morgan", "Reyes", "m.reyes@school.example", [ROLE + "Instructor"]
)


class TestPlatform:
    __test__ = False  # a helper, not a test class
    client_id = "coursblog-client-1"
    deployment_id = "deployment-1"
    context = {
        "id": "course-101",
        "label": "HIST 101",
        "title": "Modern History",
        "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
    }

    def __init__(self, key: rsa.RSAPrivateKey, *, host: str = "127.0.0.1") -> None:
        self.key, self.kid = key, "platform-key-1"
        self.people = {person.sub: person for person in (LEARNER, INSTRUCTOR)}
        self.members: list[dict] = [LEARNER.member(), INSTRUCTOR.member()]
        self.line_items: dict[str, dict] = {}
        self.scores: dict[str, dict[str, dict]] = {}  # line item id → user id → latest score
        self.score_posts: list[dict] = []
        self.failing_users: set[str] = set()
        self.deep_link_responses: list[str] = []
        self.token_requests: list[dict] = []
        self.tool_jwks: dict | None = None  # what the platform trusts, or…
        self.tool_jwks_url = ""  # …where it fetches the tool's keys
        self.tool_login_url = self.tool_target_link_uri = ""
        self.claim_changes: dict = {}
        self._tokens: set[str] = set()
        self._numbers = itertools.count(1)
        self.server = ThreadingHTTPServer((host, 0), _handler(self))
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.issuer = self.url
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the tool's administrator types in.
    @property
    def auth_url(self) -> str:
        return self.url + "/auth"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def jwks_url(self) -> str:
        return self.url + "/jwks"

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # Launches.
    def claims(
        self, person: Person, *, nonce: str, message: str = "resource", target: str = ""
    ) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **person.claims(),
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": target or self.tool_target_link_uri,
            LTI + "context": dict(self.context),
            LTI + "launch_presentation": {
                "document_target": "iframe",
                "return_url": self.url + "/return",
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.url + "/memberships",
                "service_versions": ["2.0"],
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": AGS_SCOPES,
                "lineitems": self.url + "/lineitems",
            },
        }
        if message == "deep_link":
            claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep_link_return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "platform-opaque-data",
            }
        else:
            claims[LTI + "message_type"] = "LtiResourceLinkRequest"
            claims[LTI + "resource_link"] = {"id": "link-1", "title": "Course blog"}
        return claims

    def sign(self, claims: dict, *, key: rsa.RSAPrivateKey | None = None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def login_parameters(self, person: Person, message: str = "resource") -> dict:
        return {
            "iss": self.issuer,
            "login_hint": person.sub,
            "lti_message_hint": message,
            "target_link_uri": self.tool_target_link_uri,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    # The tool's signatures.
    def verify_tool_jwt(self, token: str, *, audience: str | None = None) -> dict:
        """Check a JWT the tool signed, with the tool's published public key."""
        keys = self.tool_jwks or requests.get(self.tool_jwks_url, timeout=10).json()
        kid = jwt.get_unverified_header(token)["kid"]
        jwk = next(key for key in keys["keys"] if key["kid"] == kid)
        public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
        return jwt.decode(token, public, algorithms=["RS256"], audience=audience)

    def gradebook(self, line_item_id: str) -> dict[str, float]:
        return {
            user: score["scoreGiven"] for user, score in self.scores.get(line_item_id, {}).items()
        }


def _handler(platform: TestPlatform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body, content_type: str = "application/json") -> None:
            data = (
                body
                if isinstance(body, bytes)
                else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _query(self) -> dict:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length).decode()
            if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                return {k: v[0] for k, v in parse_qs(raw).items()}
            return json.loads(raw or "{}")

        def _authorized(self, scope: str) -> bool:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            return f"{token}|{scope}" in platform._tokens

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            query = self._query()
            if path == "/jwks":
                return self._send(200, platform.jwks())
            if path == "/course":
                start = "/start?" + urlencode(query)
                page = (
                    "<!doctype html><title>Modern History</title><h1>Modern History</h1>"
                    f'<iframe id="tool" title="Coursblog" src="{html.escape(start)}" '
                    'width="1000" height="700"></iframe>'
                )
                return self._send(200, page, "text/html")
            if path == "/start":
                person = platform.people[query.get("user", LEARNER.sub)]
                parameters = platform.login_parameters(person, query.get("message", "resource"))
                self.send_response(302)
                self.send_header("Location", platform.tool_login_url + "?" + urlencode(parameters))
                self.end_headers()
                return None
            if path == "/auth":
                return self._auth(query)
            if path == "/memberships":
                if not self._authorized(NRPS_SCOPE):
                    return self._send(401, {"error": "unauthorized"})
                return self._send(
                    200,
                    {"id": self.path, "context": platform.context, "members": platform.members},
                    "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                )
            if path == "/lineitems":
                if not self._authorized(AGS_SCOPES[1]):
                    return self._send(401, {"error": "unauthorized"})
                return self._send(200, list(platform.line_items.values()))
            if path == "/return":
                return self._send(200, "<p>Back in the LMS.</p>", "text/html")
            return self._send(404, {"error": "not found"})

        def _auth(self, query: dict) -> None:
            # The platform checks who the login is for and where the token may go.
            if (
                query.get("client_id") != platform.client_id
                or query.get("response_mode") != "form_post"
            ):
                return self._send(400, {"error": "invalid_request"})
            person = platform.people[query["login_hint"]]
            claims = platform.claims(
                person, nonce=query["nonce"], message=query.get("lti_message_hint", "resource")
            )
            claims.update(platform.claim_changes)
            token = platform.sign(claims)
            page = (
                "<!doctype html><title>Logging in</title>"
                f'<form id="post" method="post" action="{html.escape(query["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
                "</form><script>document.getElementById('post').submit()</script>"
            )
            return self._send(200, page, "text/html")

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            data = self._form()
            if path == "/token":
                return self._token(data)
            if path == "/lineitems":
                if not self._authorized(AGS_SCOPES[0]):
                    return self._send(401, {"error": "unauthorized"})
                number = next(platform._numbers)
                item = {**data, "id": f"{platform.url}/lineitems/{number}"}
                platform.line_items[item["id"]] = item
                return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")
            if path.startswith("/lineitems/") and path.endswith("/scores"):
                if not self._authorized(AGS_SCOPES[2]):
                    return self._send(401, {"error": "unauthorized"})
                line_item_id = platform.url + path.removesuffix("/scores")
                platform.score_posts.append({"line_item": line_item_id, **data})
                if data["userId"] in platform.failing_users:
                    return self._send(500, {"error": "the gradebook is busy"})
                platform.scores.setdefault(line_item_id, {})[data["userId"]] = data
                return self._send(200, {})
            if path == "/deep_link_return":
                platform.deep_link_responses.append(data["JWT"])
                return self._send(200, "<p id='received'>Link added.</p>", "text/html")
            return self._send(404, {"error": "not found"})

        def _token(self, data: dict) -> None:
            """OAuth2 client credentials with a JWT assertion signed by the tool."""
            platform.token_requests.append(data)
            try:
                assertion = platform.verify_tool_jwt(
                    data["client_assertion"], audience=platform.token_url
                )
            except (KeyError, StopIteration, jwt.InvalidTokenError) as error:
                return self._send(401, {"error": "invalid_client", "detail": str(error)})
            if (
                assertion["sub"] != platform.client_id
                or data.get("grant_type") != "client_credentials"
            ):
                return self._send(401, {"error": "invalid_client"})
            token = uuid.uuid4().hex
            for scope in data.get("scope", "").split():
                platform._tokens.add(f"{token}|{scope}")
            return self._send(
                200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
            )

    return Handler
