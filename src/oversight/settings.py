"""One settings module, read from the environment.

Local defaults are safe only on a developer's machine; with OVERSIGHT_ENV=production the
process refuses to start without a secret key, allowed hosts and a database URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from oversight.accounts import rules as _account_rules

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("OVERSIGHT_DATA_DIR", PROJECT_DIR / "var"))

ENVIRONMENT = os.environ.get("OVERSIGHT_ENV", "local")
PRODUCTION = ENVIRONMENT == "production"


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when OVERSIGHT_ENV=production")
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = _required("ALLOWED_HOSTS").split(",")
    # Connections are kept for a minute and checked before each request reuses one, so a database
    # restart costs the requests made while it is down, not the first one after it is back.
    DATABASES = {"default": dj_database_url.parse(_required("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
    DEBUG = False
else:
    # A fixed key for local use only: production refuses to start without its own.
    SECRET_KEY = os.environ.get("SECRET_KEY", "local-development-only-not-secret")
    ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'oversight.sqlite3'}"),
            conn_max_age=0,
        )
    }
    DEBUG = os.environ.get("DEBUG", "0") == "1"

# A read replica (PostgreSQL streaming replication) for dashboards and exports, when one is configured:
# only code inside `db_routers.reading_from_replica()` reads from it, never an access decision or a
# locked record. In tests it is the default database under another name (a test mirror).
if REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=PRODUCTION
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["oversight.db_routers.ReplicaRouter"]

for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # The session's time zone is set when it starts (Django's is UTC with USE_TZ), so Django sends no
        # SET TIME ZONE: one round trip less for every new connection. A pooler that drops the startup
        # option (PgBouncer's ignore_startup_parameters) leaves Django to send the SET, as before.
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c TimeZone=UTC".strip()

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot create the folder its file lives in: a new OVERSIGHT_DATA_DIR would fail to start.
    if (sqlite_file := str(DATABASES["default"]["NAME"])) and sqlite_file != ":memory:":
        Path(sqlite_file).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

INSTALLED_APPS = [
    "oversight.organisations.admin_config.OversightAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    # The second factor: authenticator apps (TOTP); recovery codes are oversight.accounts' own
    # hashed device, since django-otp's static tokens are stored in plain text.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oversight.organisations",
    "oversight.accounts",
    "oversight.audit",
    "oversight.recommendations",
    "oversight.workforce",
    "oversight.cases",
    "oversight.victims",
    "oversight.grants",
    "oversight.ingest",
    "oversight.returns",
    "oversight.protection",
    "oversight.coding",
    "oversight.notifications",
    "oversight.backups",
    "oversight.jobs",
    "oversight.synthetic",
    "oversight.retention",
    "oversight.api",
]

MIDDLEWARE = [
    "oversight.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "oversight.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "oversight.organisations.middleware.CurrentOrganisationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session whose roles changed; holds a session at its second factor (after messages, to say why).
    "oversight.accounts.sessions.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

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
                "oversight.organisations.context_processors.current_organisation",
                "oversight.cases.context_processors.cases_navigation",
                "oversight.workforce.context_processors.workforce_navigation",
                "oversight.grants.context_processors.grants_navigation",
                "oversight.ingest.context_processors.ingest_navigation",
                "oversight.returns.context_processors.returns_navigation",
                "oversight.protection.context_processors.protection_navigation",
                "oversight.notifications.context_processors.notification_count",
                "oversight.jobs.context_processors.jobs_navigation",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes idle and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000)) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION and os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = PRODUCTION and os.environ.get("SECURE_HSTS_PRELOAD", "1") == "1"
# The header the reverse proxy sets to "https" (and strips from what clients send); empty when
# nothing sits in front (TLS ends at the web process itself).
_PROXY_SSL_HEADER = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if PRODUCTION and _PROXY_SSL_HEADER else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Lock-out: this many failed logins for one username within the window locks it for the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15))
# Sign-in, second factor and API limits (issue 13); the defaults and their sources: accounts/rules.py.
SIGN_IN_FAILURES_PER_ADDRESS = int(
    os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", _account_rules.SIGN_IN_FAILURES_PER_ADDRESS)
)
SECOND_FACTOR_FAILURE_LIMIT = int(
    os.environ.get("SECOND_FACTOR_FAILURE_LIMIT", _account_rules.SECOND_FACTOR_FAILURE_LIMIT)
)
API_REQUESTS_PER_ACCOUNT = int(os.environ.get("API_REQUESTS_PER_ACCOUNT", _account_rules.API_REQUESTS_PER_ACCOUNT))
API_REQUESTS_PER_ADDRESS = int(os.environ.get("API_REQUESTS_PER_ADDRESS", _account_rules.API_REQUESTS_PER_ADDRESS))
API_BAD_TOKENS_PER_ADDRESS = int(
    os.environ.get("API_BAD_TOKENS_PER_ADDRESS", _account_rules.API_BAD_TOKENS_PER_ADDRESS)
)
# The issuer name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Oversight")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("OVERSIGHT_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Evidence uploads: the types a liaison officer attaches, and the size HMICFRS accepts.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Documents read into the register (ingest): the largest file a person may upload or the command reads.
INGEST_MAX_BYTES = int(os.environ.get("INGEST_MAX_BYTES", 25 * 1024 * 1024))
# Bulk imports of protective measures (CSV or XLSX): the largest file a person may upload or the command reads.
PROTECTION_IMPORT_MAX_BYTES = int(os.environ.get("PROTECTION_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# A reading that has not moved for this long is taken to have lost its worker: it may be read again.
INGEST_STALLED_MINUTES = int(os.environ.get("INGEST_STALLED_MINUTES", 15))

# Background jobs (reading documents, the daily sweep): Django's task API with its database
# backend, so one machine needs no broker and many web and worker processes share one queue.
# `oversight worker` runs them and queues the daily sweep; `make run` starts it beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The modules whose `@daily(...)` jobs the sweep runs once a day each (oversight/jobs/registry.py),
# imported when Django starts so that every process knows the same jobs.
DAILY_JOB_MODULES = [
    "oversight.returns.reminders",
    "oversight.protection.reminders",
    "oversight.notifications.jobs",
    "oversight.audit.jobs",
    "oversight.retention.jobs",
]

# Email (return reminders): locally printed to the console; in production an SMTP server, e.g.
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and EMAIL_PORT.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "oversight@localhost")
# GOV.UK Notify instead of SMTP (optional): EMAIL_BACKEND=oversight.notifications.notify_backend.NotifyEmailBackend
# with an API key and the id of an email template whose subject is ((subject)) and body ((body)).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "")
# A mail server that does not answer within this many seconds counts as down: the email waits and is
# tried again (notifications/rules.py), rather than holding a worker.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
# The address people reach Oversight at, for links in emails (no request to take it from in a job).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Origins other than the request's own host that may post forms (comma-separated, with scheme).
CSRF_TRUSTED_ORIGINS = [origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

AUDITLOG_INCLUDE_ALL_MODELS = False

# `json` for one JSON object a line (time, level, logger, message, request id; oversight/logs.py),
# with a line per request; `text` for people reading a terminal.
LOG_FORMAT = os.environ.get("OVERSIGHT_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("OVERSIGHT_LOG_FORMAT must be text or json")
LOG_REQUESTS = LOG_FORMAT == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "oversight.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "oversight.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Every PDF: fontTools logs each font subset (hundreds of lines) and WeasyPrint each step at
        # INFO. Writing them is time the reader waits for and says nothing an operator needs.
        "fontTools": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# `oversight load_demo` loads these modules' demos in order (each: is_loaded(), load(), logins()).
# Dependencies point one way: the register's demo knows nothing of cases.
# PPDA cases: two people who served in one unit stay connected for this many years after their
# time together ended (issue 3; the default lives in workforce/rules.py).
WORKFORCE_CONNECTION_YEARS = int(os.environ.get("WORKFORCE_CONNECTION_YEARS", 5))

# Retention periods (retention/rules.py says why each is an organisational choice, and its sources).
RETENTION_CLOSED_CASE_YEARS = int(os.environ.get("RETENTION_CLOSED_CASE_YEARS", 10))
RETENTION_SIGN_IN_MONTHS = int(os.environ.get("RETENTION_SIGN_IN_MONTHS", 12))
RETENTION_ENDED_MEASURE_YEARS = int(os.environ.get("RETENTION_ENDED_MEASURE_YEARS", 6))
RETENTION_READ_NOTIFICATION_MONTHS = int(os.environ.get("RETENTION_READ_NOTIFICATION_MONTHS", 12))
RETENTION_LEAVER_YEARS = int(os.environ.get("RETENTION_LEAVER_YEARS", 6))
RETENTION_SOURCE_DOCUMENT_YEARS = int(os.environ.get("RETENTION_SOURCE_DOCUMENT_YEARS", 2))
RETENTION_KEPT_REVIEW_YEARS = int(os.environ.get("RETENTION_KEPT_REVIEW_YEARS", 5))

# The register's people join the workforce register once the case demo has generated it.
DEMO_LOADERS = [
    "oversight.recommendations.demo",
    "oversight.cases.demo",
    "oversight.recommendations.demo.workforce",
    "oversight.grants.demo",
    "oversight.returns.demo",
    "oversight.coding.demo",
    "oversight.protection.demo",
    "oversight.notifications.demo",
]
