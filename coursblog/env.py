"""Reading configuration from environment variables, for settings.py and gunicorn.conf.py.

An empty variable counts as unset: compose files and CI matrices often write
`DATABASE_URL=` to mean "the default", and a blank value is never a useful setting.
"""

from __future__ import annotations

import os


def env(name: str, default: str = "") -> str:
    """The variable's value, or ``default`` when it is unset, empty or blank."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    return value.lower() in {"1", "true", "yes", "on"} if value else default


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
