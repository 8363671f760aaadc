"""MotCua settings: one module, every value from the environment with a safe default.

Environments (``MOTCUA_ENV``):
- ``production`` (the default): secure cookies, HTTPS redirect, HSTS, a secret key is required.
- ``demo``: what ``motcua demo`` sets; plain HTTP on localhost, mail written to files.
- ``test``: what the test suite sets.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
MOTCUA_ENV = env("MOTCUA_ENV", "production")
if MOTCUA_ENV not in {"production", "demo", "test"}:
    raise RuntimeError(f"MOTCUA_ENV must be production, demo or test, not {MOTCUA_ENV!r}")
PRODUCTION = MOTCUA_ENV == "production"

DATA_DIR = Path(env("MOTCUA_DATA_DIR", "var")).expanduser().resolve()
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"


def _secret_key() -> str:
    key = env("MOTCUA_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        # Refuse to start with a guessable key; the demo and the tests keep a random
        # key in the data dir instead.
        raise RuntimeError("MOTCUA_SECRET_KEY must be set in production (MOTCUA_ENV=production)")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("MOTCUA_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "MOTCUA_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", "")
# --- issue 12: the absolute URL of QR codes, e-mails and activation links -------------
# Required in production; elsewhere it follows the address the demo serves on (``motcua
# demo --host/--port`` sets MOTCUA_HOST and MOTCUA_PORT before the settings load).
SITE_URL = env("MOTCUA_SITE_URL").rstrip("/")
if not SITE_URL:
    if PRODUCTION:
        raise RuntimeError(
            "MOTCUA_SITE_URL must be set in production (e.g. https://dichvucong.example.vn): "
            "QR codes, e-mails and activation links point at it"
        )
    _host = env("MOTCUA_HOST", "127.0.0.1")
    _host = "127.0.0.1" if _host in {"", "0.0.0.0", "::"} else _host  # noqa: S104
    SITE_URL = f"http://{_host}:{env('MOTCUA_PORT', '8000')}"
# --- end issue 12 ---------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "motcua.core",
    "motcua.units",
    "motcua.procedures",
    "motcua.calendars",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.accounts",
    "motcua.forms",
    "motcua.reports",
    "motcua.workspace",
    "motcua.integrations",
    "motcua.portal",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.site",
            ],
        },
    },
]

# Database: embedded SQLite in the data dir unless MOTCUA_DATABASE_URL says otherwise.
_database_url = env("MOTCUA_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "motcua.sqlite3"),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # A database cache is shared by every server worker, so rate limits hold
        # across processes without another service.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "motcua_cache",
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MOTCUA_ENV == "test":
    # Argon2 is deliberately slow; the suite creates hundreds of users. Production and the
    # demo keep Argon2 (a test asserts it).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Security: on by default, relaxed only for the demo on plain HTTP and the tests.
SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("MOTCUA_SESSION_SECONDS", 8 * 3600)
SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# E-mail: SMTP in production, files in the data dir for the demo, memory in tests.
EMAIL_HOST = env("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MOTCUA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("MOTCUA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("MOTCUA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("MOTCUA_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env("MOTCUA_EMAIL_FROM", "MotCua <no-reply@motcua.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.core.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "motcua.core.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "motcua.core.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("MOTCUA_LOGIN_RATE", "10/min"),
        "lookup": env("MOTCUA_LOOKUP_RATE", "30/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": (
        "REST API v1 của hệ thống một cửa điện tử MotCua — the public interface of MotCua: "
        "catalogue, dossiers, working time, lookup and statistics."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ApplicantKindEnum": "motcua.dossiers.models.ApplicantKind",
        "AttachmentKindEnum": "motcua.dossiers.models.AttachmentKind",
        "ReturnMethodEnum": "motcua.dossiers.models.ReturnMethod",
        "CalendarDayKindEnum": "motcua.calendars.models.DayKind",
        "UnitLevelEnum": "motcua.units.models.UnitLevel",
        "ProcedureLevelEnum": "motcua.procedures.models.ProcedureLevel",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("MOTCUA_LOG_LEVEL", "WARNING")},
}

# Domain settings.
MOTCUA_WORK_SESSIONS = env("MOTCUA_WORK_SESSIONS", "07:30-11:30,13:00-17:00")
MOTCUA_SAME_DAY_CUTOFF = env("MOTCUA_SAME_DAY_CUTOFF", "15:00")
MOTCUA_MAX_UPLOAD_MB = env_int("MOTCUA_MAX_UPLOAD_MB", 20)
# All the files of one dossier together; 0 means ten times the per-file limit.
MOTCUA_MAX_DOSSIER_UPLOAD_MB = env_int("MOTCUA_MAX_DOSSIER_UPLOAD_MB", 0)
# Staff sign-in: a second factor (TOTP) for leaders and administrators, lockout, idle timeout.
MOTCUA_REQUIRE_TOTP = env_bool("MOTCUA_REQUIRE_TOTP", False)
MOTCUA_LOGIN_MAX_FAILURES = env_int("MOTCUA_LOGIN_MAX_FAILURES", 5)
MOTCUA_LOGIN_LOCK_SECONDS = env_int("MOTCUA_LOGIN_LOCK_SECONDS", 900)
MOTCUA_IDLE_TIMEOUT_SECONDS = env_int("MOTCUA_IDLE_TIMEOUT_SECONDS", 1800)
# Payment provider of the citizens' portal; empty means the labelled sandbox provider.
MOTCUA_PAYMENT_PROVIDER = env("MOTCUA_PAYMENT_PROVIDER", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
