"""Django settings, read from the environment.

Every setting a council changes comes from an environment variable so one build serves demo,
test and production. With DEBUG off the process refuses to start on an unsafe configuration
rather than run insecurely.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout (or the working directory of an installed copy) holds rules/ and var/.
BASE_DIR = Path(os.environ.get("CARECHARGE_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("CARECHARGE_VAR", BASE_DIR / "var"))
RULES_DIR = Path(os.environ.get("CARECHARGE_RULES", BASE_DIR / "rules"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


DEBUG = _env_bool("DEBUG", False)
# Demo mode shows the demo logins on the sign-in page and is only ever on for the demo council.
DEMO_MODE = _env_bool("CARECHARGE_DEMO", False)
# Under pytest the test settings apply even when CARECHARGE_TESTING is not exported.
TESTING = _env_bool("CARECHARGE_TESTING", "pytest" in sys.modules)

_INSECURE_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _INSECURE_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value (at least 50 characters), "
            "or set DEBUG=true for a development machine."
        )
if (
    not DEBUG
    and not TESTING
    and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5)
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG=false: use at least 50 random characters."
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if (DEBUG or TESTING) else ""
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

CARECHARGE_COUNCIL = os.environ.get("CARECHARGE_COUNCIL", "demo")
# A council's own finance export layout (YAML); blank for the default (docs/finance-export.md).
CARECHARGE_FINANCE_EXPORT_LAYOUT = os.environ.get("CARECHARGE_FINANCE_EXPORT_LAYOUT", "")
# The council's own payment file layouts (CSV columns, counter schemes); blank: the default.
CARECHARGE_PAYMENT_LAYOUTS = os.environ.get("CARECHARGE_PAYMENT_LAYOUTS", "")
# The first day carecharge bills: care before it was billed by the system it replaced.
CARECHARGE_BILLING_FROM = os.environ.get("CARECHARGE_BILLING_FROM", "2025-04-07")
# Processes sharing each billing run's preview and posting (docs/billing.md): one per core.
# Tests run the tasks inside the test server's threads, where nothing is forked.
CARECHARGE_BILLING_WORKERS = os.environ.get("CARECHARGE_BILLING_WORKERS", "1" if TESTING else "2")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "carecharge.apps.accounts",
    "carecharge.apps.audit",
    "carecharge.apps.people",
    "carecharge.apps.care",
    "carecharge.apps.assessments",
    "carecharge.apps.documents",
    "carecharge.apps.ledger",
    "carecharge.apps.billing",
    "carecharge.apps.payments",
    "carecharge.apps.directdebit",
    "carecharge.apps.demo",
    "carecharge.apps.estimate",
    "carecharge.apps.uprating",
    "carecharge.apps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carecharge.apps.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carecharge.apps.accounts.middleware.RoleRequiredMiddleware",
]

ROOT_URLCONF = "carecharge.config.urls"
WSGI_APPLICATION = "carecharge.config.wsgi.application"
ASGI_APPLICATION = "carecharge.config.asgi.application"

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
                "carecharge.apps.web.context_processors.carecharge",
            ],
            "string_if_invalid": "",
        },
    }
]

# --- Database -----------------------------------------------------------------------------
# SQLite (WAL) by default so a newcomer needs nothing installed; PostgreSQL via DATABASE_URL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'carecharge.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Every connection switches to WAL and waits rather than failing when the worker writes.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

# --- Accounts, sessions and passwords -------------------------------------------------------
AUTHENTICATION_BACKENDS = ["carecharge.apps.accounts.backends.CareChargeBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle sessions end after 30 minutes: officers leave desks, and the screens show personal data.
SESSION_COOKIE_AGE = int(os.environ.get("CARECHARGE_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CARECHARGE_LOCKOUT_ATTEMPTS = int(os.environ.get("CARECHARGE_LOCKOUT_ATTEMPTS", "5"))
CARECHARGE_LOCKOUT_MINUTES = int(os.environ.get("CARECHARGE_LOCKOUT_MINUTES", "15"))

# --- Security with DEBUG off ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name this server's host names.")
# Served on every response by ContentSecurityPolicyMiddleware. Everything is self-hosted.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "files"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint reports each rendering step at INFO; only its warnings matter to us.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
WHITENOISE_USE_FINDERS = True  # serves app static files without collectstatic on small installs
