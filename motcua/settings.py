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

from motcua.core.logs import logging_config


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


def _storages() -> dict[str, dict[str, object]]:
    """Where the dossier files go (Django's ``STORAGES``): the data dir, or S3-compatible
    object storage when ``MOTCUA_STORAGE_URL=s3://BUCKET[/prefix]`` (docs/storage.md)."""
    static: dict[str, object] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    url = env("MOTCUA_STORAGE_URL").strip()
    if not url or url.startswith("file:"):
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}},
            "staticfiles": static,
        }
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise RuntimeError(
            f"MOTCUA_STORAGE_URL must be s3://BUCKET[/prefix] (or unset), not {url!r}"
        )
    endpoint = env("MOTCUA_S3_ENDPOINT_URL") or None
    options: dict[str, object] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "endpoint_url": endpoint,
        "access_key": env("MOTCUA_S3_ACCESS_KEY_ID") or None,
        "secret_key": env("MOTCUA_S3_SECRET_ACCESS_KEY") or None,
        "region_name": env("MOTCUA_S3_REGION") or None,
        # S3-compatible servers (MinIO, Ceph, moto) answer on one host: path-style names.
        "addressing_style": env("MOTCUA_S3_ADDRESSING_STYLE", "path" if endpoint else "auto"),
        # Files are private: no public ACL, never a public URL; MotCua serves them itself.
        "default_acl": None,
        "querystring_auth": True,
        # Like the data dir: a name already taken gets a new one, nothing is overwritten.
        "file_overwrite": False,
    }
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": static,
    }


STORAGES = _storages()


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
    "drf_spectacular_sidecar",  # issue 11: Swagger UI and Redoc served from here (CSP)
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
    "motcua.integrations.population",
    "motcua.portal",
    "motcua.demo",
    # Background work (CONTRACT.md §7): the task queue and the outbox.
    "django_tasks",
    "django_tasks_db",
    "motcua.outbox",
]
if os.environ.get("MOTCUA_TASKS_URL", "").startswith(("redis://", "rediss://")):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# --- issue 13 (rules): citizen feedback (phản ánh, kiến nghị) ---
INSTALLED_APPS += ["motcua.feedback", "motcua.archive"]
# issue 16: signed results and forms, public verification
INSTALLED_APPS += ["motcua.signing"]

MIDDLEWARE = [
    "motcua.core.metrics.MetricsMiddleware",  # issue 17: request latency by route
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.RejectNulMiddleware",
    "motcua.core.middleware.DatabaseBusyMiddleware",  # issue 11: locked database → 503
    "motcua.core.replica.ReadAfterWriteMiddleware",  # issue 17: who just wrote reads the primary
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.signin.SecondFactorMiddleware",  # issue 11: the second factor at every door
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # issue 11: Content-Security-Policy
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
# issue 17, item 4: public lookup, reports and exports read from a streaming replica
# (motcua/core/replica.py, docs/operations.md). PostgreSQL primary only.
_read_database_url = env("MOTCUA_READ_DATABASE_URL")
if _read_database_url:
    if not _database_url.startswith(("postgres", "postgis")) or not _read_database_url.startswith(
        ("postgres", "postgis")
    ):
        raise RuntimeError(
            "MOTCUA_READ_DATABASE_URL needs a PostgreSQL MOTCUA_DATABASE_URL, and must itself be "
            "a postgres:// URL (a streaming replica of it)"
        )
    DATABASES["replica"] = dj_database_url.parse(_read_database_url, conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # the suite never creates it
    DATABASE_ROUTERS = ["motcua.core.replica.ReplicaRouter"]
MOTCUA_READ_AFTER_WRITE_SECONDS = env_int("MOTCUA_READ_AFTER_WRITE_SECONDS", 10)
MOTCUA_READ_REPLICA_MAX_LAG = env_int("MOTCUA_READ_REPLICA_MAX_LAG", 30)  # seconds; 0: no check
MOTCUA_READ_REPLICA_RETRY_SECONDS = env_int("MOTCUA_READ_REPLICA_RETRY_SECONDS", 10)
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
# Probes and the metrics scrape come over plain HTTP from the machine or the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
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
# Every send_mail goes to the outbox (motcua.notifications.mail); the worker delivers it
# with MOTCUA_EMAIL_TRANSPORT: SMTP in production, files in the demo.
EMAIL_BACKEND = "motcua.notifications.mail.OutboxEmailBackend"
if PRODUCTION:
    MOTCUA_EMAIL_TRANSPORT = "django.core.mail.backends.smtp.EmailBackend"
elif MOTCUA_ENV == "test":
    MOTCUA_EMAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
else:
    MOTCUA_EMAIL_TRANSPORT = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
MOTCUA_EMAIL_TRANSPORT = env("MOTCUA_EMAIL_TRANSPORT", MOTCUA_EMAIL_TRANSPORT)
if MOTCUA_EMAIL_TRANSPORT == "smtp":
    MOTCUA_EMAIL_TRANSPORT = "django.core.mail.backends.smtp.EmailBackend"

EMAIL_TIMEOUT = env_int("MOTCUA_EMAIL_TIMEOUT", 10)

# ---------------------------------------------------------------- background work (§7)
# Empty: the database backend (nothing else to run). redis://…: an RQ queue shared by
# several servers.
MOTCUA_TASKS_URL = env("MOTCUA_TASKS_URL")
if MOTCUA_TASKS_URL:
    if not MOTCUA_TASKS_URL.startswith(("redis://", "rediss://")):
        raise RuntimeError("MOTCUA_TASKS_URL must be empty or a redis:// URL")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": MOTCUA_TASKS_URL, "DEFAULT_TIMEOUT": 600}}
elif MOTCUA_ENV == "test":
    # The suite runs tasks at once (as if a worker were instant); the tests of background
    # work switch to the database and Redis backends and real worker processes.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MOTCUA_WORKER_POLL_SECONDS = float(env("MOTCUA_WORKER_POLL_SECONDS", "0.5"))
# The worker's CPU niceness (0–19): on a box it shares with the web server, requests come first
# and the backlog drains in the gaps; 0 gives the worker the same share as the server.
MOTCUA_WORKER_NICE = env_int("MOTCUA_WORKER_NICE", 10)
MOTCUA_OUTBOX_BACKOFF_SECONDS = float(env("MOTCUA_OUTBOX_BACKOFF_SECONDS", "30"))
MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = float(env("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS", "3600"))
MOTCUA_OUTBOX_LEASE_SECONDS = float(env("MOTCUA_OUTBOX_LEASE_SECONDS", "300"))
MOTCUA_OUTBOX_SWEEP_GRACE_SECONDS = float(env("MOTCUA_OUTBOX_SWEEP_GRACE_SECONDS", "120"))
MOTCUA_EMAIL_MAX_ATTEMPTS = env_int("MOTCUA_EMAIL_MAX_ATTEMPTS", 12)
MOTCUA_SMS_MAX_ATTEMPTS = env_int("MOTCUA_SMS_MAX_ATTEMPTS", 12)
# SMS: "sandbox" writes messages to files in the data dir (the demo); "http" posts them to
# an SMS-brandname gateway (docs/notifications.md); empty: no SMS.
MOTCUA_SMS_PROVIDER = env("MOTCUA_SMS_PROVIDER", "" if PRODUCTION else "sandbox")
MOTCUA_SMS_URL = env("MOTCUA_SMS_URL")
MOTCUA_SMS_USERNAME = env("MOTCUA_SMS_USERNAME")
MOTCUA_SMS_PASSWORD = env("MOTCUA_SMS_PASSWORD")
MOTCUA_SMS_BRANDNAME = env("MOTCUA_SMS_BRANDNAME", "MOTCUA")
MOTCUA_SMS_TIMEOUT = env_int("MOTCUA_SMS_TIMEOUT", 10)
MOTCUA_SMS_DEFAULT = env_bool("MOTCUA_SMS_DEFAULT", False)
MOTCUA_REMINDER_TIME = env("MOTCUA_REMINDER_TIME", "07:00")
# `motcua status` calls the queue stuck when a task waits longer than this.
MOTCUA_STATUS_STUCK_SECONDS = env_int("MOTCUA_STATUS_STUCK_SECONDS", 300)

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
    # Served by this site, not a CDN (the Content-Security-Policy allows only 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Issue 11: every error status each operation may return, with the one error body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "motcua.core.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ApplicantKindEnum": "motcua.dossiers.models.ApplicantKind",
        "AttachmentKindEnum": "motcua.dossiers.models.AttachmentKind",
        "ReturnMethodEnum": "motcua.dossiers.models.ReturnMethod",
        "CalendarDayKindEnum": "motcua.calendars.models.DayKind",
        "UnitLevelEnum": "motcua.units.models.UnitLevel",
        "ProcedureLevelEnum": "motcua.procedures.models.ProcedureLevel",
        # issue 13 (rules)
        "FeedbackStatusEnum": "motcua.feedback.models.FeedbackStatus",
        "FeedbackCategoryEnum": "motcua.feedback.models.Category",
        # issue 16: the dossier's outcome and the verification's are different choice sets
        "DossierOutcomeEnum": "motcua.dossiers.models.Outcome",
        "VerifyOutcomeEnum": [
            "valid",
            "tampered",
            "unsigned",
            "untrusted",
            "expired",
            "revoked",
            "invalid",
            "not_pdf",
        ],
    },
}

# Logs: "json" (structlog, one object a line) or "plain"; personal data masked in both
# (motcua/core/logs.py, issue 17).
MOTCUA_LOG_FORMAT = env("MOTCUA_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = logging_config(MOTCUA_LOG_FORMAT, env("MOTCUA_LOG_LEVEL", "WARNING"))

# --- issue 17: operations -----------------------------------------------------------------
# /metrics answers these networks, or a request with "Authorization: Bearer <token>".
MOTCUA_METRICS_ALLOWED = env_list("MOTCUA_METRICS_ALLOWED", "127.0.0.0/8,::1/128")
MOTCUA_METRICS_TOKEN = env("MOTCUA_METRICS_TOKEN")

# Domain settings.
MOTCUA_WORK_SESSIONS = env("MOTCUA_WORK_SESSIONS", "07:30-11:30,13:00-17:00")
MOTCUA_SAME_DAY_CUTOFF = env("MOTCUA_SAME_DAY_CUTOFF", "15:00")
MOTCUA_MAX_UPLOAD_MB = env_int("MOTCUA_MAX_UPLOAD_MB", 20)
# All the files of one dossier together; 0 means ten times the per-file limit.
MOTCUA_MAX_DOSSIER_UPLOAD_MB = env_int("MOTCUA_MAX_DOSSIER_UPLOAD_MB", 0)
# Most files one dossier may hold (issue 11).
MOTCUA_MAX_DOSSIER_FILES = env_int("MOTCUA_MAX_DOSSIER_FILES", 50)
# The archive of closed dossiers (issue 16, docs/archive.md): retention in years of a
# procedure that sets none (0: permanent), and where the weekly re-check looks when a
# package was exported elsewhere and moved.
MOTCUA_ARCHIVE_RETENTION_YEARS = env_int("MOTCUA_ARCHIVE_RETENTION_YEARS", 10)
# Staff sign-in: a second factor (TOTP) for leaders and administrators, lockout, idle timeout.
MOTCUA_REQUIRE_TOTP = env_bool("MOTCUA_REQUIRE_TOTP", False)
MOTCUA_LOGIN_MAX_FAILURES = env_int("MOTCUA_LOGIN_MAX_FAILURES", 5)
MOTCUA_LOGIN_LOCK_SECONDS = env_int("MOTCUA_LOGIN_LOCK_SECONDS", 900)
MOTCUA_IDLE_TIMEOUT_SECONDS = env_int("MOTCUA_IDLE_TIMEOUT_SECONDS", 1800)
# Payment provider of the citizens' portal; empty means the labelled sandbox provider;
# "national" the national payment platform (docs/payments.md), configured below.
MOTCUA_PAYMENT_PROVIDER = env("MOTCUA_PAYMENT_PROVIDER", "")
MOTCUA_PAYMENT_NATIONAL_URL = env("MOTCUA_PAYMENT_NATIONAL_URL", "").rstrip("/")
MOTCUA_PAYMENT_NATIONAL_MERCHANT = env("MOTCUA_PAYMENT_NATIONAL_MERCHANT", "")  # partner code
MOTCUA_PAYMENT_NATIONAL_SECRET = env("MOTCUA_PAYMENT_NATIONAL_SECRET", "")  # shared MAC secret
MOTCUA_PAYMENT_NATIONAL_TIMEOUT = float(env("MOTCUA_PAYMENT_NATIONAL_TIMEOUT", "10"))  # INIT, s
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- National public service portal (DVCQG, issue 14; CONTRACT §8) ---------------------
# Every address and secret from the environment; an empty URL turns the sync off.
MOTCUA_DVCQG_URL = env("MOTCUA_DVCQG_URL", "").rstrip("/")
MOTCUA_DVCQG_USERNAME = env("MOTCUA_DVCQG_USERNAME")
MOTCUA_DVCQG_PASSWORD = env("MOTCUA_DVCQG_PASSWORD")
MOTCUA_DVCQG_AGENCY = env("MOTCUA_DVCQG_AGENCY")  # madonvi of the province, e.g. 000.00.00.H99
MOTCUA_DVCQG_TIMEOUT = float(env("MOTCUA_DVCQG_TIMEOUT", "20"))  # seconds per call
MOTCUA_DVCQG_LINK_HOURS = env_int("MOTCUA_DVCQG_LINK_HOURS", 72)  # signed file links live
MOTCUA_DVCQG_RECONCILE_DAYS = env_int("MOTCUA_DVCQG_RECONCILE_DAYS", 30)
# Hosts the inbound file links may point at (default: the portal's own host).
MOTCUA_DVCQG_FILE_HOSTS = env_list("MOTCUA_DVCQG_FILE_HOSTS", "")
# --- end DVCQG -------------------------------------------------------------------------
# --- Citizen sign-in with the national identity (VNeID / DVCQG SSO, issue 15) -----------
# OpenID Connect authorization-code flow with PKCE (mozilla-django-oidc); off unless the
# client id and the provider's endpoints are set (docs/vneid.md).
MOTCUA_OIDC_CLIENT_ID = env("MOTCUA_OIDC_CLIENT_ID")
MOTCUA_OIDC_ISSUER = env("MOTCUA_OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = MOTCUA_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = env("MOTCUA_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("MOTCUA_OIDC_AUTHORIZE_URL")
OIDC_OP_TOKEN_ENDPOINT = env("MOTCUA_OIDC_TOKEN_URL")
OIDC_OP_USER_ENDPOINT = env("MOTCUA_OIDC_USERINFO_URL")
OIDC_OP_JWKS_ENDPOINT = env("MOTCUA_OIDC_JWKS_URL")
MOTCUA_OIDC_END_SESSION_URL = env("MOTCUA_OIDC_END_SESSION_URL")
OIDC_RP_SIGN_ALGO = env("MOTCUA_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("MOTCUA_OIDC_SCOPES", "openid profile")
# Claim names of the provider, JSON {"id_number": "SoDinhDanh", ...} over the defaults of
# motcua.accounts.oidc.CLAIMS.
MOTCUA_OIDC_CLAIMS = env("MOTCUA_OIDC_CLAIMS", "")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True  # the hint for signing out at the provider
OIDC_TIMEOUT = float(env("MOTCUA_OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:vneid_callback"
OIDC_OP_LOGOUT_URL_METHOD = "motcua.accounts.oidc.provider_logout_url"
OIDC_CREATE_USER = True
# --- end VNeID ---------------------------------------------------------------------------
# --- The national population database at the counter (issue 15; docs/population.md) ----
# Empty: off (the default in production); "sandbox": fake citizens for the demo (the
# default of the demo and the tests); "http": the province's integration gateway.
MOTCUA_POPULATION_PROVIDER = env(
    "MOTCUA_POPULATION_PROVIDER", "sandbox" if MOTCUA_ENV in {"demo", "test"} else ""
)
MOTCUA_POPULATION_URL = env("MOTCUA_POPULATION_URL")
MOTCUA_POPULATION_TOKEN = env("MOTCUA_POPULATION_TOKEN")
MOTCUA_POPULATION_INTEGRATION_CODE = env("MOTCUA_POPULATION_INTEGRATION_CODE")
MOTCUA_POPULATION_TIMEOUT = float(env("MOTCUA_POPULATION_TIMEOUT", "5"))  # seconds
MOTCUA_POPULATION_RATE = env("MOTCUA_POPULATION_RATE", "30/h")  # per officer
# --- end population ----------------------------------------------------------------------
# --- issue 13 (rules) ---
# Working days an applicant has to bring a supplement when neither the request nor the
# procedure says (CONTRACT.md §3).
MOTCUA_SUPPLEMENT_DAYS = env_int("MOTCUA_SUPPLEMENT_DAYS", 30)
# Public feedback form: submissions per client.
MOTCUA_FEEDBACK_RATE = env("MOTCUA_FEEDBACK_RATE", "5/min")
# --- issue 16: signed results and forms (docs/signing.md) ---
# Where the units' keys are: "pkcs12" (certificates added with `motcua signing
# add-certificate`, keys encrypted in the database), "pkcs11" (a hardware token or HSM), or
# "remote" (a remote-signing service over HTTP).
MOTCUA_SIGNING_DEVICE = env("MOTCUA_SIGNING_DEVICE", "pkcs12")
# A time-stamping authority (RFC 3161); empty: no timestamp (PAdES-B-B).
MOTCUA_SIGNING_TSA_URL = env("MOTCUA_SIGNING_TSA_URL")
# Fetch OCSP responses and CRLs named in the certificates and embed them (PAdES-B-LT with a
# TSA). Off by default: it talks to the outside.
MOTCUA_SIGNING_LTV = env_bool("MOTCUA_SIGNING_LTV", False)
MOTCUA_SIGNING_TIMEOUT = env_int("MOTCUA_SIGNING_TIMEOUT", 20)
# A form or result waiting for its signature is not served unsigned (503, "being signed").
# A form (the counter prints it for the applicant) still waiting after this many seconds,
# when the workers are behind or down, is served as filed and signed when they are back.
MOTCUA_SIGNING_WAIT_SECONDS = env_int("MOTCUA_SIGNING_WAIT_SECONDS", 60)
# Extra trusted root certificates (PEM/DER files) for verification and revocation checks.
MOTCUA_SIGNING_TRUST_DIR = env("MOTCUA_SIGNING_TRUST_DIR", str(DATA_DIR / "signing" / "trust"))
# PKCS#11: the module (e.g. /usr/lib/softhsm/libsofthsm2.so), the token label, the user PIN;
# each unit's key and certificate on the token carry the label in MOTCUA_PKCS11_KEY_LABEL
# ("{unit}" is replaced by the unit code).
MOTCUA_PKCS11_MODULE = env("MOTCUA_PKCS11_MODULE")
MOTCUA_PKCS11_TOKEN = env("MOTCUA_PKCS11_TOKEN")
MOTCUA_PKCS11_PIN = env("MOTCUA_PKCS11_PIN")
MOTCUA_PKCS11_KEY_LABEL = env("MOTCUA_PKCS11_KEY_LABEL", "{unit}")
# A remote-signing service (docs/signing.md, "Remote signing").
MOTCUA_SIGNING_REMOTE_URL = env("MOTCUA_SIGNING_REMOTE_URL").rstrip("/")
MOTCUA_SIGNING_REMOTE_TOKEN = env("MOTCUA_SIGNING_REMOTE_TOKEN")
# The public verification: checks per client, and the largest file taken.
MOTCUA_VERIFY_RATE = env("MOTCUA_VERIFY_RATE", "20/min")
MOTCUA_VERIFY_MAX_MB = env_int("MOTCUA_VERIFY_MAX_MB", 20)
# --- Security hardening (issue 11) ---------------------------------------------------------
# One sign-in policy for every door: the only authentication backend applies the lockout.
AUTHENTICATION_BACKENDS = [
    "motcua.core.signin.PolicyBackend",
    # The national identity (VNeID): answers only the sign-in callback, when configured.
    "motcua.accounts.oidc.VneidBackend",
]
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
MOTCUA_TRUSTED_PROXIES = env("MOTCUA_TRUSTED_PROXIES", "")
# Rate-limit and lockout counters: the database table, or Redis when this is set.
MOTCUA_REDIS_URL = env("MOTCUA_REDIS_URL", "")
# Lifetime of an API token.
MOTCUA_TOKEN_HOURS = env_int("MOTCUA_TOKEN_HOURS", 8)
# Personal data at rest: the key names of the field encryption (first encrypts; all decrypt).
# The key itself is derived from MOTCUA_SECRET_KEY and the name (motcua.core.crypto).
SALT_KEY = env_list("MOTCUA_FIELD_KEYS", "motcua-personal-data-1")
# Earlier secret keys: still accepted for signatures and for decrypting personal data.
SECRET_KEY_FALLBACKS = env_list("MOTCUA_SECRET_KEY_FALLBACKS", "")
# Stored files (applicants' documents, forms) are the server owner's only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Content-Security-Policy (django-csp): scripts, styles, fonts and frames only from this
# site, no inline script or style, no plugins, forms post only here, no framing.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Backups keep times to the microsecond (history hashes cover them).
SERIALIZATION_MODULES = {"mcjson": "motcua.core.exactjson"}
