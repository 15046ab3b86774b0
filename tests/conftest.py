import pytest

from tests.factories import make_post, make_user


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_MEDIA_ROOT = tmp_path / "media-public"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (ids can repeat between tests)."""
    from django.core.cache import cache

    from accounts.adapter import forget_offered_providers
    from course.models import SettingsRecord
    from posts.page_cache import _pages

    cache.clear()
    SettingsRecord.forget_loaded()
    forget_offered_providers()
    _pages.clear()


@pytest.fixture
def post(db):
    return make_post(title="The Sino-Soviet Split")


@pytest.fixture
def student(db):
    return make_user("caroline", first_name="Caroline")


@pytest.fixture
def writer(client, db):
    """A student who may write posts, logged in."""
    from accounts.roles import make_student

    user = make_user("anderson", first_name="Anderson")
    make_student(user)
    client.force_login(user)
    return user


@pytest.fixture
def instructor(db):
    return make_user("morgan", first_name="Morgan", last_name="Reyes", instructor=True)


def pytest_configure(config):
    from django.conf import settings
    from django.test.testcases import _MediaFilesHandler

    # Django's live server serves MEDIA_ROOT itself, around the site; pictures must go
    # through the site's check (images.views.media), as they do behind gunicorn.
    _MediaFilesHandler._should_handle = lambda self, path: False

    # Hashing with MD5 makes creating users in tests fast; never use it elsewhere.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production without Redis keeps its cache in the database, shared by every worker
    # (tests/test_rate_limits.py checks that against gunicorn); here it stays in memory,
    # so that tests without the database can use it and query counts are the page's own.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "coursblog-tests",
        }
    }


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
