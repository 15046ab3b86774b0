from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared folder beside the repository (CI lays a copy of it there).
THEME_UNIT_TEST = (
    Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "wordpress-theme-unit-test.xml"
)


@pytest.fixture
def theme_unit_test() -> Path:
    if not THEME_UNIT_TEST.is_file():
        pytest.skip(f"the WordPress Theme Unit Test export is not at {THEME_UNIT_TEST}")
    return THEME_UNIT_TEST


def fixture(name: str) -> Path:
    return FIXTURES / name
