"""Production settings come from the environment and pass Django's deployment checks."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "Q8vVf3kJ2pX9mZt7Lr4sHw6nBy1cDe5gAu0iOj8kPl3qRx7zTn2mWv9bYc4dFh6s",
    "ALLOWED_HOSTS": "blog.example.edu",
    "DATABASE_URL": "sqlite:////tmp/coursblog-deploy-check.sqlite3",
}
# Warnings README.md explains: HSTS preload is the domain owner's decision.
JUSTIFIED = {"security.W021"}


TEST_ONLY_VARIABLES = {
    "DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "ALLOWED_HOSTS", "SERVE_MEDIA", "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip


def run_manage(*args, **env):
    """manage.py in a fresh process, with none of the test run's own settings."""
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_only_justified_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    reported = set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr))
    assert "System check identified" in result.stderr or result.returncode == 0
    assert reported == JUSTIFIED, result.stderr


def test_a_secret_key_is_required_without_debug():
    result = run_manage("check", **{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_management_commands_run_with_nothing_configured():
    result = run_manage("check", DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("debug", ["1", "true"])
def test_debug_runs_without_a_secret_key(debug):
    result = run_manage("check", DEBUG=debug, DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert result.returncode == 0, result.stderr


def test_media_moves_to_s3_by_a_setting():
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    local = run_manage("shell", "-c", code, DEBUG="1")
    s3 = run_manage(
        "shell", "-c", code, DEBUG="1", MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="course-media"
    )
    assert local.stdout.strip().endswith("FileSystemStorage"), local.stderr
    assert s3.stdout.strip().endswith("storages.backends.s3.S3Storage"), s3.stderr


def test_redis_is_the_cache_when_redis_url_is_set():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_manage("shell", "-c", code, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/1")
    assert result.stdout.strip().endswith("RedisCache"), result.stderr


def configuration_table_variables() -> set[str]:
    """Every variable README.md's Configuration table names."""
    table = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n\n")[2]
    return {
        name
        for row in table.splitlines()
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }


SETTINGS_SOURCE = (ROOT / "coursblog" / "settings.py").read_text()
ENV_VARIABLES = configuration_table_variables() | set(
    re.findall(r'\benv(?:_bool|_int|_list)?\(\s*"([A-Z][A-Z0-9_]+)"', SETTINGS_SOURCE)
)
DUMP_SETTINGS = (
    "import json, coursblog.settings as s; "
    "print(json.dumps({k: repr(getattr(s, k)) for k in dir(s) if k.isupper()}))"
)


def settings_with(**env) -> dict[str, str]:
    """coursblog.settings as a fresh process sees it, with only ``env`` configured."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ENV_VARIABLES and k not in TEST_ONLY_VARIABLES
    }
    result = subprocess.run(
        [sys.executable, "-c", DUMP_SETTINGS],
        cwd=ROOT,
        env={**clean, "PYTHONHASHSEED": "0", **env},  # sets print in one order
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_empty_variable_counts_as_unset():
    # `DATABASE_URL=` is common in compose files and CI matrices.
    assert {"DATABASE_URL", "SECRET_KEY", "MEDIA_URL", "WEB_CONCURRENCY"} <= ENV_VARIABLES
    unset = settings_with()
    empty = settings_with(**dict.fromkeys(ENV_VARIABLES, ""))
    assert empty == unset


def test_settings_read_the_environment_through_one_helper():
    reads = re.findall(r"os\.environ|os\.getenv", SETTINGS_SOURCE)
    assert reads == [], "read variables with coursblog.env.env() so that empty means unset"


def test_the_gunicorn_configuration_treats_an_empty_variable_as_unset(monkeypatch):
    import runpy

    source = (ROOT / "gunicorn.conf.py").read_text()
    names = set(re.findall(r"\benv(?:_int)?\(\s*[\"']([A-Z_]+)[\"']", source))
    assert {"WEB_CONCURRENCY", "PORT", "GUNICORN_THREADS"} <= names
    for name in names:
        monkeypatch.delenv(name, raising=False)
    unset = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    for name in names:
        monkeypatch.setenv(name, "")
    empty = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    settings = ("bind", "workers", "threads", "max_requests", "timeout", "accesslog", "loglevel")
    assert {k: empty[k] for k in settings} == {k: unset[k] for k in settings}


def test_make_run_links_emails_to_the_address_it_serves():
    """`PORT=18500 make run`: links in emails point at port 18500, as with make serve."""
    clean = {k: v for k, v in os.environ.items() if k not in ENV_VARIABLES | {"HOST", "PORT"}}
    commands = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env={**clean, "PORT": "18500"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    runserver = next(line for line in commands.splitlines() if " runserver " in line)
    assert runserver.endswith(" runserver 127.0.0.1:18500")
    # The same command, with the environment make gives it, asked for SITE_URL instead.
    show_site_url = runserver.replace(
        "manage.py runserver 127.0.0.1:18500",
        "manage.py shell --no-imports -c "
        "'from django.conf import settings; print(settings.SITE_URL)'",
    )
    result = subprocess.run(
        ["sh", "-c", show_site_url], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.stdout.strip() == "http://127.0.0.1:18500", result.stderr
