"""Boardkeeper's one settings module, driven by environment variables.

Defaults suit the demo on one machine: SQLite in ./data, tasks run in-process, DEBUG off unless
asked for. Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; a bad value stops start-up
with ImproperlyConfigured rather than running half-configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from boardkeeper.lib.mail import email_settings_from_env

BASE_DIR = Path(__file__).resolve().parent
# The database (SQLite) and uploads: BOARDKEEPER_DATA; else data/ in the checkout when run from one, or in the
# current directory when installed as a package (never inside site-packages)
_CHECKOUT = BASE_DIR.parent if (BASE_DIR.parent / "pyproject.toml").is_file() else Path.cwd()
DATA_DIR = Path(os.environ.get("BOARDKEEPER_DATA", _CHECKOUT / "data")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


def database_from_url(url: str) -> dict[str, object]:
    """DATABASE_URL: postgres://user:pass@host:port/name or sqlite:///path."""
    parts = urlparse(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # Parameters sent apart from the SQL, so that psycopg prepares a statement a connection has run
            # five times and PostgreSQL plans it once, not on every page (docs/decisions.md, "Prepared
            # statements"); off with BOARDKEEPER_DB_PREPARE=0.
            "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5}
            if os.environ.get("BOARDKEEPER_DB_PREPARE", "1") != "0"
            else {},
        }
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    raise ImproperlyConfigured(f"DATABASE_URL must be postgres://... or sqlite:///..., not {parts.scheme!r}")


def sqlite_database(path: Path) -> dict[str, object]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL lets readers work while one writer writes; IMMEDIATE avoids deadlocks on upgrade
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        },
    }


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # the demo's key is public: only for a server that answers on this machine alone, never behind HTTPS
    served_elsewhere = set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "::1", "testserver"}
    if served_elsewhere or env_bool("BOARDKEEPER_HTTPS", False) or not env_bool("BOARDKEEPER_DEMO", True):
        raise ImproperlyConfigured("SECRET_KEY must be set outside the demo")
    SECRET_KEY = "demo-only-not-secret-" + "x" * 40

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for the form renderer below
    "django_tasks",
    "django_tasks_db",
    "boardkeeper.accounts",
    "boardkeeper.directory",
    "boardkeeper.meetings",
    "boardkeeper.actions",
    "boardkeeper.reviews",
    "boardkeeper.audit",
    "boardkeeper.reminders",
    "boardkeeper.escalations",
    "boardkeeper.funding",
    "boardkeeper.inspections",
    "boardkeeper.recommendations",
    "boardkeeper.api",
    "boardkeeper.files",
    "boardkeeper.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "boardkeeper.accounts.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "boardkeeper.accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "boardkeeper.accounts.middleware.TwoFactorMiddleware",
    "boardkeeper.audit.recorder.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "boardkeeper.urls"
# Forms and fields render in GOV.UK Frontend's patterns: `{{ form }}`, `{{ field.as_field_group }}`
FORM_RENDERER = "boardkeeper.lib.forms.GovukFormRenderer"
WSGI_APPLICATION = "boardkeeper.wsgi.application"

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
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(DATA_DIR / "boardkeeper.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# the action status indexes INCLUDE the columns the log's 'overdue' filter reads (PostgreSQL, the national
# scale); SQLite builds them without, and reads those columns from the table, as it did before
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Background work: in-process by default; the database queue (drained by `boardkeeper db_worker`)
# when BOARDKEEPER_TASKS=database.
TASK_BACKEND = os.environ.get("BOARDKEEPER_TASKS", "immediate")
if TASK_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured("BOARDKEEPER_TASKS must be 'immediate' or 'database'")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASK_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "ENQUEUE_ON_COMMIT": TASK_BACKEND == "database",
    }
}

# An upload's reading not finished this long after it started was stopped (a worker killed): it is tried
# again, and failed the second time. Uploads never imported are removed, with their bytes, after so many days.
READING_TIMEOUT_MINUTES = env_int("BOARDKEEPER_READING_TIMEOUT_MINUTES", 10, minimum=1)
PENDING_IMPORT_DAYS = env_int("BOARDKEEPER_PENDING_IMPORT_DAYS", 14, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ModelBackend reading the user's directory person with the user (one query a request, not two)
AUTHENTICATION_BACKENDS = ["boardkeeper.accounts.backends.UserWithPersonBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["boardkeeper.formats"]  # how dates are typed in, one list for every form
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `boardkeeper serve` (production, and the demo) collects the static files with hashed, compressed copies
# and serves them through WhiteNoise, cached for a year; elsewhere (tests, runserver) they are found as
# they are.
STATIC_MANIFEST = env_bool("BOARDKEEPER_STATIC_MANIFEST", False)
# Uploaded files: on this machine's disk under MEDIA_ROOT (the default: one machine), or in the database
# (BOARDKEEPER_FILES=database), where every server and worker sharing it sees them and its backup holds them.
FILES = os.environ.get("BOARDKEEPER_FILES", "disk")
if FILES not in ("disk", "database"):
    raise ImproperlyConfigured("BOARDKEEPER_FILES must be 'disk' or 'database'")
STORAGES = {
    "default": {
        "BACKEND": "boardkeeper.files.storage.DatabaseStorage"
        if FILES == "database"
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_ALLOW_ALL_ORIGINS = False  # our pages alone use our static files
if STATIC_MANIFEST:  # inside the security headers' middleware: static responses carry them too
    MIDDLEWARE.insert(
        MIDDLEWARE.index("boardkeeper.accounts.middleware.SecurityHeadersMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
# Uploaded minutes live outside the web root and are served only through a permission-checked view.
MEDIA_ROOT = DATA_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# Django's database sessions, read with one plain SELECT (boardkeeper/accounts/sessions.py)
SESSION_ENGINE = "boardkeeper.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))  # idle seconds before sign-in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The age counts from the last request, so sessions expire when idle: SessionRefreshMiddleware saves a session
# in use once a minute at most (not at every request, which was a write for every page read).
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BOARDKEEPER_HTTPS", False):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail: EMAIL_URL (smtp://, smtp+starttls://, smtps://, console://), else Django's own EMAIL_HOST and
# the rest, else printed to the console (the demo). DEFAULT_FROM_EMAIL, EMAIL_TIMEOUT (seconds, 10).
_EMAIL = email_settings_from_env(os.environ)
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _EMAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _EMAIL["DEFAULT_FROM_EMAIL"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"pdfminer": {"level": "ERROR"}},
}

# Where the installation is reached, for links in e-mails sent outside a request (`boardkeeper invite`,
# reminders): https://boardkeeper.example.gov.uk
BASE_URL = os.environ.get("BOARDKEEPER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
