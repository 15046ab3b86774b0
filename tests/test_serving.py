"""Production serving: the health check, and the gunicorn configuration."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_cache(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_says_503_when_the_cache_fails(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


def test_the_gunicorn_configuration_loads(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path("gunicorn.conf.py")
    assert config["workers"] == 3
    assert config["worker_class"] == "gthread"
    assert config["bind"] == "127.0.0.1:8000"


def test_the_site_icon_is_at_favicon_ico(client):
    """Browsers ask for /favicon.ico wherever a page names no icon (the admin did not)."""
    import io

    from PIL import Image

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= icon.info["sizes"]
    assert icon.convert("RGB").getpixel((2, 8)) == (0x0B, 0x5C, 0xAD)  # the site's blue


def test_admin_pages_name_the_site_icon(client, instructor):
    client.force_login(instructor)
    page = client.get(reverse("admin:index")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
