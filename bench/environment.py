"""What a benchmark that builds its own course runs in: a fresh database and the
production settings (DEBUG off), set in the environment before Django starts."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(name: str) -> str:
    """A new, empty database for the run, its URL: ``coursblog_bench_<name>`` on the
    PostgreSQL server DATABASE_URL names, else var/bench-<name>.sqlite3."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg  # only the PostgreSQL runs need it

        database = f"coursblog_bench_{name}"
        server = re.sub(r"/[^/]*$", "/postgres", base.replace("postgres://", "postgresql://", 1))
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {database}")
        return re.sub(r"/[^/]*$", f"/{database}", base)
    path = ROOT / "var" / f"bench-{name}.sqlite3"
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return f"sqlite:///{path}"


def prepare(name: str, **extra: str) -> None:
    """Point the environment at a fresh database and the production settings."""
    os.environ.update(
        {
            "DATABASE_URL": fresh_database(name),
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
