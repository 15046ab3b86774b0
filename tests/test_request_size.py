"""Request bodies over their limit get a 413 before anything reads them."""

import io
import os
import select
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL.PngImagePlugin import PngInfo

from posts.models import Post
from tests.factories import make_post

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size=-1):
        raise AssertionError("the body was read")

    readline = read


def chunked(body: bytes) -> dict:
    """Test-client extras for a form sent in chunks, as gunicorn hands it on."""
    return {
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
    }


def image_of(megabytes: float) -> SimpleUploadedFile:
    """A small PNG that text chunks (dropped on upload) make ``megabytes`` large."""
    text = PngInfo()
    for number in range(round(megabytes * 4)):
        text.add_text(f"filler{number}", "x" * (MB // 4))
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 80), "teal").save(buffer, "PNG", pnginfo=text)
    return SimpleUploadedFile("picture.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def limits(settings):
    settings.REQUEST_MAX_BYTES = 1 * MB
    settings.IMAGE_MAX_BYTES = 2 * MB
    settings.UPLOAD_REQUEST_MAX_BYTES = 3 * MB
    return settings


def test_a_large_comment_is_refused_before_it_is_read(client, settings):
    """The finding: 200 MB sent to a post page went to /tmp before the CSRF check."""
    settings.REQUEST_MAX_BYTES = 4 * MB
    post = make_post()
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic(
        "POST",
        post.get_absolute_url(),
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert response.templates[0].name == "413.html"
    text = response.content.decode()
    assert "What you sent is 200.0 MB; this site accepts at most 4.0 MB at once" in text
    assert "Nothing was saved." in text


def test_a_comment_within_the_limit_goes_through(client, limits):
    post = make_post()
    response = client.post(post.get_absolute_url(), {"body": "x" * (MB // 2)})
    assert response.status_code != 413


def test_the_image_upload_has_the_larger_limit(client, limits, writer):
    upload = reverse("images:upload")
    accepted = client.post(upload, {"file": image_of(1.5)})
    assert accepted.status_code == 201

    refused = client.post(upload, {"file": image_of(3.5)})
    assert refused.status_code == 413
    assert refused.json()["error"].startswith("This upload is 3.5 MB; ")
    assert "images can be at most 2.0 MB" in refused.json()["error"]


def test_the_post_form_with_a_featured_image_has_the_larger_limit(client, limits, writer):
    data = {
        "title": "The Sino-Soviet Split",
        "body": "<p>An essay.</p>",
        "featured_image_alt": "Noise",
        "featured_image_file": image_of(1.5),
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "action": "save",
    }
    response = client.post(reverse("posts:write"), data)
    assert response.status_code == 302
    assert Post.objects.get().featured_image is not None

    data["featured_image_file"] = image_of(3.5)
    response = client.post(reverse("posts:write"), data)
    assert response.status_code == 413
    assert "at most 3.0 MB at once, and an image can be at most 2.0 MB" in response.content.decode()


def test_autosave_answers_in_json(client, limits, writer):
    response = client.post(reverse("posts:autosave_new"), {"body": "x" * (3 * MB // 2)})
    assert response.status_code == 413
    assert response.json()["error"] == (
        "Not saved automatically: this draft is 1.5 MB; at most 1.0 MB can be saved at once."
    )


def test_a_chunked_body_stops_being_read_at_the_limit(client, limits):
    post = make_post()
    extras = chunked(b"body=" + b"x" * (10 * 1024 * 1024))
    response = client.generic("POST", post.get_absolute_url(), **extras)
    assert response.status_code == 413
    assert "What you sent is over 1.0 MB" in response.content.decode()
    assert extras["wsgi.input"].tell() == 1 * MB + 1


def test_a_chunked_body_within_the_limit_reaches_the_view(client, limits, writer):
    body = b"title=Sent+in+chunks&body=%3Cp%3EHello%3C%2Fp%3E"
    response = client.generic("POST", reverse("posts:autosave_new"), **chunked(body))
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert Post.objects.get().title == "Sent in chunks"


# Against a real server: nothing of a refused body reaches the temp directory.

BODY_MB = 30
PIECE = 64 * 1024


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.live_server import fresh_database, serve

    tmp = tmp_path_factory.mktemp("live")
    temp_dir = tmp / "tmp"
    temp_dir.mkdir()
    with (
        fresh_database(tmp, "sqlite") as database_url,
        serve(database_url, TMPDIR=str(temp_dir), WEB_CONCURRENCY="2") as server,
    ):
        yield server, temp_dir


def temp_bytes(directory) -> int:
    return sum(entry.stat().st_size for entry in os.scandir(directory) if entry.is_file())


def send(port: int, head: bytes, pieces, temp_dir) -> tuple[str, int, int]:
    """Send a request body piece by piece until the server answers.

    Returns the status line, the body bytes sent and the most the server's temp
    directory held meanwhile.
    """
    sent = peak = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head)
        for piece in pieces:
            # A server that judges by the headers answers now: give it time to, even
            # on a busy machine; then a moment between pieces.
            if select.select([connection], [], [], 0.02 if sent else 10)[0]:
                break  # the server has answered
            try:
                connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
            peak = max(peak, temp_bytes(temp_dir))
        answer = connection.recv(4096)
    peak = max(peak, temp_bytes(temp_dir))
    return answer.split(b"\r\n", 1)[0].decode(), sent, peak


def multipart_pieces(boundary: str, size: int):
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    for _ in range(size // PIECE):
        yield b"x" * PIECE
    yield f"\r\n--{boundary}--\r\n".encode()


def request_head(path: str, *headers: str) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Cookie: csrftoken=" + "a" * 32,  # a guest holding only a CSRF cookie
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_large_body_is_refused_before_it_is_written_anywhere(live):
    server, temp_dir = live
    boundary = "coursblog-test-boundary"
    pieces = list(multipart_pieces(boundary, BODY_MB * MB))
    head = request_head(
        "/posts/a-post/",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        f"Content-Length: {sum(len(piece) for piece in pieces)}",
    )
    status, sent, peak = send(server.port, head, pieces, temp_dir)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert peak == 0
    assert sent < 2 * MB


def test_a_large_chunked_body_is_refused_before_it_is_written_anywhere(live):
    server, temp_dir = live
    boundary = "coursblog-test-boundary"
    pieces = [
        b"%x\r\n%s\r\n" % (len(piece), piece) for piece in multipart_pieces(boundary, BODY_MB * MB)
    ] + [b"0\r\n\r\n"]
    head = request_head(
        "/posts/a-post/",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        "Transfer-Encoding: chunked",
    )
    status, sent, peak = send(server.port, head, pieces, temp_dir)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert peak == 0
    assert sent < BODY_MB * MB / 2  # answered at the 4 MB limit, long before the end
