"""Javon's one settings module. Everything is read from JAVON_* variables (see javon.config)."""

from __future__ import annotations

import json
from pathlib import Path

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
    "django_tasks_db",
    "javon.web",
    "javon.access",
    "javon.catalog",
    "javon.storage",
    "javon.ingest",
    "javon.search",
    "javon.reader",
    "javon.stats",
    "javon.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "javon.reader.ranged.RangeSafeGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "uz"
LANGUAGES = [("uz", "Oʻzbekcha"), ("uz-cyrl", "Ўзбекча"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Tashkent")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by collectstatic (`javon serve` runs it)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Until collectstatic has run (tests, a first start), serve static files from the apps.
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "/admin/login/"

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
        "QUEUES": ["default", "ingest", "index"],
    }
}

# Search.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "javon.search.tantivy_backend.TantivyBackend")
SEARCH_INDEX_DIR = env_path("INDEX_DIR", DATA_DIR / "index")
# Apply the index change log right after each commit in this process (one-process
# setups and tests); otherwise `javon index-follow` applies it.
SEARCH_SYNC = env_bool("SEARCH_SYNC", TASKS_MODE != "database")

# Downloads: hand large files to nginx with X-Accel-Redirect when set (internal prefix).
ACCEL_REDIRECT_PREFIX = env_str("ACCEL_REDIRECT", "")

# Ingest limits.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 2 * 1024**3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2

# The demo corpus lies in shared/ beside the checkout (an editable install finds it).
REPO_DIR = PACKAGE_DIR.parents[1]
DEMO_CORPUS_DIR = env_path("DEMO_CORPUS", REPO_DIR.parent / "shared" / "corpus")

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django_tasks_db": {"level": "WARNING"}, "django.tasks": {"level": "WARNING"}},
}
