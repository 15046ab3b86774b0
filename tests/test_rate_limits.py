"""Rate limits hold across workers and app servers: they live in a cache all of them share."""

import contextlib
import re
import sqlite3

import pytest
import requests

from tests.live_server import fresh_database, manage, serve

ENGINES = [
    pytest.param("sqlite", id="SQLite"),
    pytest.param("postgresql", id="PostgreSQL", marks=pytest.mark.postgres),
]
CREATE_KIM = (
    "from accounts.models import User; "
    "User.objects.create_user('kim', 'kim@example.edu', 'the-right-passphrase')"
)


def log_in_with_a_wrong_password(session: requests.Session, server) -> str:
    """One failed login on ``server``; what the login page said."""
    page = session.get(f"{server.url}/accounts/login/", timeout=30)
    assert page.status_code == 200, page.text[:300]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{server.url}/accounts/login/",
        data={"login": "kim", "password": "not-the-passphrase", "csrfmiddlewaretoken": token},
        timeout=30,
    )
    if "Too many failed login attempts" in answer.text:
        return "too many attempts"
    if "password you specified are not correct" in answer.text:
        return "wrong password"
    return f"{answer.status_code}: {answer.text[:300]}"


@pytest.mark.parametrize("engine", ENGINES)
def test_failed_logins_are_throttled_from_the_sixth_whichever_worker_answers(tmp_path, engine):
    """Two app servers of two workers each, one database: ten wrong passwords, in turn."""
    access_log = tmp_path / "access.log"
    environment = {
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "GUNICORN_CMD_ARGS": "--access-logformat='%(p)s %(m)s %(U)s %(s)s'",
    }
    session = requests.Session()
    # As behind a load balancer: every server is asked for the site's one name.
    session.headers["Host"] = "blog.example.edu"
    environment["ALLOWED_HOSTS"] = "127.0.0.1,blog.example.edu"
    with fresh_database(tmp_path, engine) as database_url:
        manage("shell", "-c", CREATE_KIM, DATABASE_URL=database_url)
        with (
            serve(database_url, **environment) as first,
            serve(database_url, **environment) as second,
        ):
            answers = [
                log_in_with_a_wrong_password(session, server) for server in [first, second] * 5
            ]

    assert answers == ["wrong password"] * 5 + ["too many attempts"] * 5
    workers = {
        line.split()[0]
        for line in access_log.read_text().splitlines()
        if line.endswith("POST /accounts/login/ 200")
    }
    assert len(workers) >= 2


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.db.DatabaseCache"),
        ({"DEBUG": "1"}, "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_production_shares_its_cache_and_only_debug_keeps_it_per_process(env, backend):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    shown = manage("shell", "--no-imports", "-c", code, **env)
    assert shown.strip() == backend


def test_migrate_makes_the_cache_table(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    manage("migrate", "--noinput", DATABASE_URL=f"sqlite:///{database}")
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM coursblog_cache").fetchone() == (0,)


def test_behind_a_proxy_the_rate_limits_see_the_client_s_address(rf, settings):
    """allauth counts addresses by the site's one rule (coursblog/http.py): the forwarded
    client behind a trusted proxy, never a header anyone could write."""
    from allauth.account.adapter import get_adapter

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    behind = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert get_adapter(behind).get_client_ip(behind) == "203.0.113.7"
    settings.TRUSTED_PROXIES = []
    spoofed = rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert get_adapter(spoofed).get_client_ip(spoofed) == "198.51.100.4"
