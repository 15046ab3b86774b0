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


def test_behind_a_proxy_the_rate_limits_see_the_client_s_address():
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    assert manage("shell", "--no-imports", "-c", code, TRUSTED_PROXY_COUNT="1").strip() == "1"
