"""External tools some tests need: skip without them, except in CI, where all must run."""

import os

import pytest

IN_CI = bool(os.environ.get("CI"))


def needs(available: bool, reason: str) -> pytest.MarkDecorator:
    """A skip marker for when a tool is missing; in CI (CI=1) a missing tool is an error."""
    if not available and IN_CI:
        raise RuntimeError(f"CI must run every test, but {reason}")
    return pytest.mark.skipif(not available, reason=reason)
