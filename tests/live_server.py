"""The site as production serves it (gunicorn, DEBUG off) on a database of its own.

For tests that need real processes: several workers, a real socket, a temp directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bench.server import Gunicorn

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "live-server-test-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "STATIC_MANIFEST": "0",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
}


@contextlib.contextmanager
def fresh_database(tmp_path: Path, engine: str) -> Iterator[str]:
    """A migrated database for the servers: a SQLite file, or a PostgreSQL database
    next to DATABASE_URL's (dropped afterwards). Yields its URL."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
        manage("migrate", "--noinput", DATABASE_URL=url)
        yield url
        return
    import psycopg

    base = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    name = f"{base.rsplit('/', 1)[1] or 'coursblog'}_live_{os.getpid()}"
    maintenance = re.sub(r"/[^/]*$", "/postgres", base)  # DATABASE_URL's may not exist yet
    with psycopg.connect(maintenance, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {name}")
    url = re.sub(r"/[^/]*$", f"/{name}", base)
    try:
        manage("migrate", "--noinput", DATABASE_URL=url)
        yield url
    finally:
        with psycopg.connect(maintenance, autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(*args: str, **env: str) -> str:
    """manage.py in the production configuration; its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def serve(database_url: str, **env: str) -> Gunicorn:
    """gunicorn with gunicorn.conf.py and the site's WSGI application."""
    return Gunicorn({**PRODUCTION, "DATABASE_URL": database_url, **env}, app="coursblog.wsgi")
