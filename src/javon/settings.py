"""Javon's one settings module. Everything is read from JAVON_* variables (see javon.config)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf.locale import LANG_INFO
from django.utils.csp import CSP

from javon.config import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("DATA_DIR", Path.cwd() / "var")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    # One-machine default: a key kept in the data directory, made once.
    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(SECRET_KEY)
        _key_file.chmod(0o600)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Proxies (address ranges) whose X-Forwarded-For is believed when deciding on-site access.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "axes",
    "javon.web",
    "javon.access",
    "javon.catalog",
    "javon.storage",
    "javon.ingest",
    "javon.search",
    "javon.reader",
    "javon.stats",
    "javon.api",
    "javon.interop",
    "javon.shelf",
    "javon.ocr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "javon.reader.ranged.RangeSafeGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "javon.urls"
WSGI_APPLICATION = "javon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "javon.web.script.context",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///javon.sqlite3"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts. Passwords hashed with Argon2 (older hashes are upgraded at the next login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed logins, refuses locked-out ones
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "access/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
ACCOUNT_VERIFY_DAYS = 3
LOAN_DAYS = env_int("LOAN_DAYS", 14)
HOLD_OFFER_HOURS = env_int("HOLD_OFFER_HOURS", 48)
# Mail goes to the console unless JAVON_EMAIL_BACKEND names another (SMTP takes its options).
_MAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS: dict[str, dict[str, Any]] = {"default": {"BACKEND": _MAIL_BACKEND}}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_USER", ""),
        "password": env_str("EMAIL_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_TLS", False),
    }
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "Javon <noreply@localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "uz"
LANGUAGES = [("uz", "Oʻzbekcha"), ("uz-cyrl", "Ўзбекча"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
# Django knows no Cyrillic Uzbek: describe it (get_language_info) and give it its formats
# (javon/web/formats/uz_Cyrl). Its catalogue is made from the Latin one (`make messages`).
LANG_INFO.setdefault(
    "uz-cyrl", {"bidi": False, "code": "uz-cyrl", "name": "Uzbek (Cyrillic)", "name_local": "ўзбек тили"}
)
FORMAT_MODULE_PATH = ["javon.web.formats"]
# The language picked with the switcher is kept for a year (Django's default: until the browser closes).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Tashkent")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by collectstatic (`javon serve` runs it)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Until collectstatic has run (tests, a first start), serve static files from the apps.
# `javon serve` collects them (with .gz copies) and says so: the finders would shadow the
# collected files and WhiteNoise would send CSS and JS uncompressed.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_COLLECTED", False)

# Stored files go through Django's storage API only; the filesystem by default,
# S3-compatible storage through django-storages by setting JAVON_STORAGE_BACKEND.
MEDIA_ROOT = env_path("FILES_DIR", DATA_DIR / "files")
_storage_backend = env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
STORAGES = {
    "default": {
        "BACKEND": _storage_backend,
        # Other backends (django-storages' S3) take their options as JSON.
        "OPTIONS": {"location": str(MEDIA_ROOT)}
        if _storage_backend.endswith("FileSystemStorage")
        else json.loads(env_str("STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Tasks: the database backend needs no broker; "immediate" runs them in-process
# (tests, one-off scripts).
TASKS_MODE = env_str("TASKS", "database")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_MODE == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "ingest", "index", "ocr"],
    }
}

# Search.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "javon.search.tantivy_backend.TantivyBackend")
SEARCH_INDEX_DIR = env_path("INDEX_DIR", DATA_DIR / "index")
# Apply the index change log right after each commit in this process (one-process
# setups and tests); otherwise `javon index-follow` applies it.
SEARCH_SYNC = env_bool("SEARCH_SYNC", TASKS_MODE != "database")
# Processes that analyse text during a full rebuild (`javon reindex`, a new replica);
# 0: one per core beyond the two the index writer uses.
SEARCH_REBUILD_WORKERS = env_int("SEARCH_REBUILD_WORKERS", 0)

# Downloads: hand large files to nginx with X-Accel-Redirect when set (internal prefix).
ACCEL_REDIRECT_PREFIX = env_str("ACCEL_REDIRECT", "")

# OAI-PMH: the repository identifier in record identifiers (oai:ID:work/N; a domain name,
# keep it stable), the contact address, and records per page of a list.
OAI_REPOSITORY_ID = env_str("OAI_REPOSITORY_ID", "javon.local")
OAI_REPOSITORY_NAME = env_str("OAI_REPOSITORY_NAME", "Javon")
OAI_ADMIN_EMAIL = env_str("OAI_ADMIN_EMAIL", "")
OAI_PAGE_SIZE = env_int("OAI_PAGE_SIZE", 200)

# Ingest limits.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 2 * 1024**3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2

# The demo corpus lies in shared/ beside the checkout (an editable install finds it).
REPO_DIR = PACKAGE_DIR.parents[1]
DEMO_CORPUS_DIR = env_path("DEMO_CORPUS", REPO_DIR.parent / "shared" / "corpus")

# Content Security Policy (Django's own, since 6.0): scripts and styles from this site only,
# no plugins, no framing, forms post only here. Style attributes stay allowed: the admin and
# positioned text layers use them, and they cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_tasks_db": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
