"""Coursblog settings: one module, driven by environment variables.

Defaults are safe for production (DEBUG off, secure cookies, HTTPS redirect) and
`make run` turns on DEBUG for local development. README.md lists every variable.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from coursblog.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# A site that answers for real hosts needs its own key. Without DEBUG and without
# ALLOWED_HOSTS Django answers no request at all, so management commands (check,
# makemigrations, shell) may run there on the development key.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if ALLOWED_HOSTS and not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# External logins the instructor can configure in the admin (Social applications), in
# the order the log-in page and the comment form offer them: the seed page's WordPress.com,
# Google, X (twitter_oauth2) and Facebook, then the school's own (openid_connect covers
# school identity providers). "dummy" is allauth's test provider.
SOCIAL_LOGIN_PROVIDERS = env_list(
    "SOCIAL_LOGIN_PROVIDERS",
    "wordpress_com,google,twitter_oauth2,facebook,openid_connect,microsoft",
)
# Providers written for this site (allauth has none for WordPress.com); the rest are allauth's.
SOCIAL_LOGIN_PACKAGES = {"wordpress_com": "accounts.providers.wordpress_com"}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "mptt",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    *(
        SOCIAL_LOGIN_PACKAGES.get(name, f"allauth.socialaccount.providers.{name}")
        for name in SOCIAL_LOGIN_PROVIDERS
    ),
    "coursblog",
    "course",
    "images",
    "posts",
    "comments",
    "lti_tool",  # django-lti: LMS registrations, deployments, keys, contexts
    "lti",
    "topics",
    "wordpress",
    "archive",
    "participation",
    "search",
    "accounts",  # last: its post_migrate hook needs the other apps' permissions
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "coursblog.middleware.ContentSecurityPolicyMiddleware",
    # Before anything that reads a request's body.
    "coursblog.middleware.RequestSizeLimitMiddleware",
    "coursblog.middleware.RefuseNulMiddleware",
    # Outside the session middleware: it sees the cookies that middleware sets.
    "lti.middleware.LtiEmbeddingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "course.privacy.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ExternalLoginHandoffMiddleware",
    # Innermost: it only turns this site's 404s into redirects from old WordPress links.
    "wordpress.middleware.OldLinksMiddleware",
]

ROOT_URLCONF = "coursblog.urls"
WSGI_APPLICATION = "coursblog.wsgi.application"
ASGI_APPLICATION = "coursblog.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "course.context_processors.course",
                "topics.context_processors.topics",
                "course.privacy.private_page",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes SQLite's write lock when a transaction starts, which serialises
    # comment-tree writes (see comments/tree.py); WAL lets readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "posts:list"
LOGOUT_REDIRECT_URL = "posts:list"
# Password-reset links, and the set-password links of roster invitations, last a week.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 7 * 24 * 3600)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): log in by username or email; sign-up only with the
# course's join code (see accounts/adapter.py); external logins per the admin.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_ADAPTER = "accounts.adapter.CourseAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.signup.JoinCodeSignupForm"
ACCOUNT_FORMS = {"login": "accounts.forms.CourseLoginForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Rate limits (allauth's, kept in the shared cache). Five failed logins per account
# in five minutes. A school's network reaches the site from one address, so the
# per-address limits leave room for a whole class logging in or signing up at once.
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "30/m/ip,5/5m/key",
    "signup": "60/m/ip",
}
# Behind a proxy every request comes from the proxy's address: allauth asks the site's
# one rule for the client's (TRUSTED_PROXIES, coursblog/http.py) through the adapter.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.CourseSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False  # a new external account still needs the join code
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified email logs its course member in
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Pictures are stored in MEDIA_ROOT, which is never served as it is; those that public
# posts show also get a copy here, which the web server serves at MEDIA_URL (and asks
# the site for the others, which checks the reader): images/publication.py.
PUBLIC_MEDIA_ROOT = Path(env("PUBLIC_MEDIA_ROOT", str(VAR_DIR / "media-public")))
# How the site hands a checked private picture to the web server: "x-accel-redirect"
# (nginx, to the internal location MEDIA_ACCEL_PREFIX), "x-sendfile" (Apache), or ""
# to send the file itself (development, a single machine).
MEDIA_ACCEL = env("MEDIA_ACCEL", "")
MEDIA_ACCEL_PREFIX = env("MEDIA_ACCEL_PREFIX", "/protected-media/")

# Static files: whitenoise serves them compressed, under hashed names, once
# `collectstatic` has run (`make serve` does). Development serves them as they are.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Media: on this machine's disk by default; MEDIA_STORAGE=s3 puts uploads in an
# S3-compatible bucket (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, …), so that
# several app servers share them. See docs/deploy.md.
MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if MEDIA_STORAGE == "s3"
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if MEDIA_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)  # public course media
    AWS_S3_FILE_OVERWRITE = False
WHITENOISE_MAX_AGE = env_int("WHITENOISE_MAX_AGE", 0 if DEBUG else 3600)
# Without collected files (development, tests), whitenoise serves from the apps' folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Files browsers expect at the site's root: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG

# How long a rendered discussion page may stay cached (0: never cache it). Its key
# changes with every comment write, so this only bounds memory, not staleness.
DISCUSSION_CACHE_SECONDS = env_int("DISCUSSION_CACHE_SECONDS", 24 * 3600)
# A discussion with more comments than this is sent as it is read from the database,
# so no worker holds all of a very long one at once.
STREAM_COMMENTS_ABOVE = env_int("STREAM_COMMENTS_ABOVE", 1500)
# Each process rereads the discussion settings at most this often.
DISCUSSION_SETTINGS_SECONDS = env_int("DISCUSSION_SETTINGS_SECONDS", 5)
# Whole post pages for anonymous readers (see posts/page_cache.py); 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# Larger pages (a long discussion on one page) are not kept in the cache.
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 2 * 1024 * 1024)
# What each process may keep of whole pages, in bytes.
PAGE_CACHE_BYTES = env_int("PAGE_CACHE_BYTES", 16 * 1024 * 1024)

# The cache holds the rate limits (failed logins above all), so every worker and
# app server must share it: Redis in production; without REDIS_URL, a table in the
# database (created by every `migrate`, see coursblog/apps.py). Only DEBUG keeps
# it in each process.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    _cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "coursblog"),
    }
elif DEBUG:
    _cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "coursblog",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
else:
    _cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "coursblog_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
CACHES = {"default": {**_cache, "TIMEOUT": 24 * 3600}}
# Let Django itself serve MEDIA_ROOT (development, or a single-machine install).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# Email: console while developing, SMTP otherwise.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Coursblog <coursblog@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security. Production defaults; README.md explains each choice.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "coursblog.views.csrf_failure"

# A course backup (import_course) is refused before anything is extracted when its
# files would take more than this many bytes, or when one of them (or the whole) is
# compressed more than this many times: the marks of a ZIP bomb. Images hardly
# compress; the course's JSON compresses about ten times.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024**3)
IMPORT_MAX_RATIO = env_int("IMPORT_MAX_RATIO", 100)

# The site's address, for links in emails (sent outside any request).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# What a request may send (coursblog/middleware.py answers 413 above it, before
# anything reads the body). Forms and autosave, whose post body can be long HTML,
# get REQUEST_MAX_BYTES; the image upload and the editor's post form (with its
# featured image) get an image's worth more.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 4 * 1024 * 1024)
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_REQUEST_MAX_BYTES = REQUEST_MAX_BYTES + IMAGE_MAX_BYTES
# Images (images/processing.py): what processing one upload may add to a worker's
# memory (MiB). Each image's pixel limit follows from it: an image whose decoding
# would not fit is refused from its header (12 million pixels for an RGB PNG at 80).
# Whatever the budget, no image may have more than IMAGE_MAX_PIXELS, which bounds
# the time processing takes (0: no such limit).
IMAGE_MEMORY_BUDGET_MB = env_int("IMAGE_MEMORY_BUDGET_MB", 80)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Django's own limits, in line with those: form fields may fill the general limit,
# and a file over 2.5 MB waits in a temporary file rather than in a worker's memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# A comment form sent sooner than this after it was shown is a bot; later than the
# maximum, it has expired. Both refusals keep what was typed.
COMMENT_FORM_MIN_SECONDS = env_int("COMMENT_FORM_MIN_SECONDS", 3)
COMMENT_FORM_MAX_SECONDS = env_int("COMMENT_FORM_MAX_SECONDS", 2 * 3600)
# However many names and emails they use, guests from one network address may send
# this many comments in this many minutes (0 turns the ceiling off). Members and
# instructors are exempt.
GUEST_COMMENTS_PER_ADDRESS = env_int("GUEST_COMMENTS_PER_ADDRESS", 10)
GUEST_COMMENTS_PER_ADDRESS_MINUTES = env_int("GUEST_COMMENTS_PER_ADDRESS_MINUTES", 10)
# The reverse proxies in front of the site (addresses or networks, comma-separated).
# Only a request from one of them has its X-Forwarded-For header read, from the right,
# skipping these hops; by default nobody is trusted and REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    [ipaddress.ip_network(proxy, strict=False) for proxy in TRUSTED_PROXIES]
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None

# No inline script anywhere: our JavaScript comes from static files only.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# LTI 1.3 (lti/, docs/lti.md). The grade a new LMS course's gradebook receives until its
# instructor chooses another in the admin: a callable (a dotted path) returning
# {user: (score, maximum)}. Empty: no grade source yet.
LTI_GRADE_SOURCE = env("LTI_GRADE_SOURCE", "participation.grades.for_lms")
# Seconds to wait for the LMS (keys, tokens, roster, grades) before giving up.
LTI_HTTP_TIMEOUT = env_int("LTI_HTTP_TIMEOUT", 15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Tags (django-taggit): "Cold War" and "cold war" are one tag, as in WordPress.
TAGGIT_CASE_INSENSITIVE = True

# The admin's WordPress import runs in steps of at most this many seconds (one per poll
# of the job's page), so no request runs for minutes. See wordpress/jobs.py.
WXR_IMPORT_STEP_SECONDS = env_int("WXR_IMPORT_STEP_SECONDS", 2)
