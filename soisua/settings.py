"""Settings for soisua, read from the environment.

Development needs no configuration: SQLite, console e-mail, immediate background tasks.
Production (SOISUA_ENV=production) refuses to start with insecure values.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?opt=val (or sqlite:///path) into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:] or ":memory:"}
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = unquote(parts.hostname or "")
    if "host" in options:  # a socket directory passed as ?host=/run/postgresql
        host = options.pop("host")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path[1:]),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        # Persistent connections: without them a simple page is several times slower.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 600),
        "CONN_HEALTH_CHECKS": True,
    }


PRODUCTION = env_str("SOISUA_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me-0123456789-abcdefghij")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",  # before the project's apps: its login-failure receiver runs first, so the audit sees the lockout
    "soisua.core",
    "soisua.accounts",
    "soisua.audit",
    "soisua.org",
    "soisua.notifications",
    "soisua.reviews",
    "soisua.corrections",
    "soisua.directives",
    "soisua.oversight",
    "soisua.alerts",
    "soisua.counters",
    "soisua.demo",
    "soisua.meetings",
    "soisua.dues",
    "soisua.library",
    "soisua.quality",
    "soisua.documents",
    "soisua.national",  # tools on top of the apps (the national-scale generator); no models
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Reads of dashboards may go to a replica, never right after this browser wrote (core.routers).
    "soisua.core.routers.ReplicaMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "soisua.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions past their age or idle time, then holds a login that needs its second factor to the set-up and
    # verify pages (docs/security.md, "Two-factor login and sessions").
    "soisua.accounts.middleware.SessionLimitsMiddleware",
    "soisua.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login refused by the throttle into the 429 page (accounts.views.locked_out).
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:  # in development runserver serves static files itself
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "soisua.urls"
WSGI_APPLICATION = "soisua.wsgi.application"

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
                "django.template.context_processors.csp",
                "soisua.notifications.context_processors.inbox",
                "soisua.org.context_processors.viewer",
            ],
            "builtins": ["django.templatetags.i18n", "soisua.core.templatetags.soisua"],
        },
    }
]

if url := env_str("DATABASE_URL"):
    DATABASES = {"default": database_from_url(url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "var" / "soisua.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica for the read-heavy pages that tolerate seconds of lag (docs/deploy.md, "Read replicas"):
# only the code inside core.routers.reading_replica() reads it, and never for a session that wrote in the last
# REPLICA_AFTER_WRITE_SECONDS. Without the URL everything reads the primary.
if replica_url := env_str("DATABASE_REPLICA_URL"):
    # In a test run the replica is the test database itself, as a streaming replica holds the primary's rows.
    DATABASES["replica"] = {**database_from_url(replica_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["soisua.core.routers.ReplicaRouter"]
REPLICA_AFTER_WRITE_SECONDS = env_int("REPLICA_AFTER_WRITE_SECONDS", 30)
# PostgreSQL: the largest tables hash-partitioned by province after every migrate (docs/deploy.md, "Partitioning").
PARTITION_BY_PROVINCE = env_bool("PARTITION_BY_PROVINCE")
PROVINCE_PARTITIONS = env_int("PROVINCE_PARTITIONS", 16)

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a login while its user name and address (or the address alone) is cooling off, before
# the password is even checked; it logs nobody in itself.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "org:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER"):  # tests and benchmarks only; never set in production
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "soisua" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["soisua.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: rosters larger than this are refused before they are parsed.
ROSTER_IMPORT_MAX_BYTES = env_int("ROSTER_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# A spreadsheet of more rows than this is written in the background (documents.ExportJob) and its requester told
# when it is ready; the file is kept this many days, then deleted.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5000)
EXPORT_KEPT_DAYS = env_int("EXPORT_KEPT_DAYS", 7)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Correction reminders: this many days before a roadmap step is due; escalation to the secretary after this many
# days overdue, to the superior committee after twice as many.
CORRECTION_REMIND_DAYS_BEFORE = env_int("CORRECTION_REMIND_DAYS_BEFORE", 3)
CORRECTION_ESCALATE_DAYS = env_int("CORRECTION_ESCALATE_DAYS", 7)
# Whether every member of a cell sees its members' shortcomings and plans (the collective's are always shared).
CORRECTIONS_OPEN_TO_CELL = env_bool("CORRECTIONS_OPEN_TO_CELL", False)
# Meetings: an agenda longer than this is refused (a real agenda has a handful of items).
MEETING_MAX_AGENDA_ITEMS = env_int("MEETING_MAX_AGENDA_ITEMS", 50)
# How long the home page keeps a person's "what needs you" while nothing they were told or did changed it (0: never).
AGENDA_CACHE_SECONDS = env_int("AGENDA_CACHE_SECONDS", 300)
# Minimum lengths, how early documents go out and thematic sessions per quarter are versioned data, not settings:
# meetings.MeetingRules (docs/domain.md, "Meeting rules").
# Absences without reason in a calendar year from which a cell's statistics page marks the member (the warning
# itself is the early-warning rule "unexcused", edited as data).
MEETING_UNEXCUSED_ALERT = env_int("MEETING_UNEXCUSED_ALERT", 3)
# A member who has not spoken in this many of the cell's latest meetings is listed as silent.
MEETING_SILENT_AFTER = env_int("MEETING_SILENT_AFTER", 3)
# Members on the roll (and the liaison) are reminded this many hours before a meeting.
MEETING_REMIND_HOURS_BEFORE = env_int("MEETING_REMIND_HOURS_BEFORE", 24)
# A meeting scheduled or moved this many days ahead or less is announced to the people on its roll.
MEETING_ANNOUNCE_DAYS = env_int("MEETING_ANNOUNCE_DAYS", 14)
# A check-in code lives this many seconds; the previous period's code is still accepted (a phone that scanned it a
# moment before it rotated).
MEETING_CHECK_IN_PERIOD_SECONDS = env_int("MEETING_CHECK_IN_PERIOD_SECONDS", 30)
# Check-in opens this many minutes before the start, so members arriving early are marked present.
MEETING_CHECK_IN_OPENS_MINUTES = env_int("MEETING_CHECK_IN_OPENS_MINUTES", 30)
# A code scanned on a phone that is not logged in is verified at once and kept in its session for this many minutes,
# so the member is checked in after logging in, present or late as of the scan.
MEETING_CHECK_IN_PROOF_MINUTES = env_int("MEETING_CHECK_IN_PROOF_MINUTES", 5)
# Meeting quality (docs/domain.md, "Meeting quality"): members present may rate a held meeting for this many days
# after its end; their ratings are shown only once at least this many were given, so a small cell cannot tell who.
QUALITY_RATING_DAYS = env_int("QUALITY_RATING_DAYS", 7)
QUALITY_RATING_MINIMUM = env_int("QUALITY_RATING_MINIMUM", 3)
# Directives: at most this many key tasks; units addressed are reminded this many days before a reporting date and
# on the day, the level above is told this many days after it; a directive not acknowledged this many days after
# it was issued is reminded.
DIRECTIVE_MAX_KEY_TASKS = env_int("DIRECTIVE_MAX_KEY_TASKS", 100)
DIRECTIVE_REMIND_DAYS_BEFORE = env_int("DIRECTIVE_REMIND_DAYS_BEFORE", 3)
DIRECTIVE_ESCALATE_DAYS = env_int("DIRECTIVE_ESCALATE_DAYS", 7)
DIRECTIVE_ACKNOWLEDGE_DAYS = env_int("DIRECTIVE_ACKNOWLEDGE_DAYS", 5)
# Up to this many members are told a review cycle opened while it is opened; more by a background task.
CYCLE_NOTIFY_INLINE = env_int("CYCLE_NOTIFY_INLINE", 300)
# Up to this many units addressed are told while the directive is issued; more by a background task.
DIRECTIVE_NOTIFY_INLINE = env_int("DIRECTIVE_NOTIFY_INLINE", 200)
# Up to this many members are told of a required study while it is published; more by a background task.
LIBRARY_NOTIFY_INLINE = env_int("LIBRARY_NOTIFY_INLINE", 300)
# Members who have not confirmed a required study are reminded this many days before its day.
LIBRARY_REMINDER_DAYS = env_int("LIBRARY_REMINDER_DAYS", 3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every upload is counted as it arrives and refused one byte past EVIDENCE_MAX_BYTES (core.uploads.UploadLimit):
# a larger body is neither kept in memory (above) nor written to disk. The roster import sets its own limit.
FILE_UPLOAD_HANDLERS = [
    "soisua.core.uploads.UploadLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _mail_backend}}
if _mail_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "soisua <noreply@localhost>")

# Background work: immediate in development and tests, the database worker in production.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend" if PRODUCTION else "django.tasks.backends.immediate.ImmediateBackend",
        )
    }
}
# A task RUNNING for longer than this is taken to have lost its worker and is put back in the queue
# (notifications.recovery); keep it above the longest task (a national roster import).
TASKS_RUNNING_LIMIT = env_int("TASKS_RUNNING_LIMIT", 3600)

# A per-process cache is enough: cached access scopes and page parts are keyed by version numbers read from
# the database on every request, so a process never serves what another process has since changed.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)}}}
# Sessions live in the database only: with a per-process cache, a logout would not end the session in the
# other worker processes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session ends this many seconds after its login whatever is done with it, and after this many minutes without a
# request (0: no idle limit). Development keeps Django's two weeks and no idle limit.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600 if PRODUCTION else 14 * 24 * 3600)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60 if PRODUCTION else 0)

# --- Two-factor login (docs/security.md, "Two-factor login and sessions") ----------------------------------
# Superusers, Django staff and every login holding one of these roles (org.enums.Role values, from a grant, a
# post or otherwise) must log in with a second factor; the others may turn it on.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "committee,staff,inspector,admin")
# Wrong codes (authenticator or recovery) per login before the code page refuses every code for the cool-off.
TWO_FACTOR_FAILURE_LIMIT = env_int("TWO_FACTOR_FAILURE_LIMIT", 5)
TWO_FACTOR_COOLOFF_MINUTES = env_int("TWO_FACTOR_COOLOFF_MINUTES", 15)
TWO_FACTOR_RECOVERY_CODES = 10
# The name the authenticator app shows next to the code.
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "soisua")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# --- Limits on guessing (docs/security.md, "Logins and the API") ---------------------------------------------
# Logins (django-axes, failures kept in the database so every process counts them). Failures are counted per
# (user name, address): someone guessing a password from elsewhere never locks the account's owner out, and a
# lockout ends by itself after the cool-off, which every further failure during it starts again (a back-off for
# whoever keeps guessing). A looser per-address limit stops one address from trying many user names; it is high
# because a commune office may reach the site from behind one shared address. accounts.throttle applies both.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 50)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_HANDLER = "soisua.accounts.throttle.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "soisua.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True  # only the account's failures from that address (LoginThrottleHandler)
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept; failures are in the audit trail
# The client's address: the connection's own, or with TRUSTED_PROXY_COUNT reverse proxies in front, the one the
# outermost proxy appended to X-Forwarded-For (entries before it are the client's to choose, so never trusted).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "soisua.accounts.throttle.client_address"
# Password-reset requests and API tokens are counted in the default cache (accounts.throttle.RateLimit). That
# cache is per process, so with N web processes a client gets up to N times these numbers: still a small,
# bounded rate, and no shared store to run.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)  # requests per address, and per e-mail, per hour
API_TOKEN_FAILURE_LIMIT = env_int("API_TOKEN_FAILURE_LIMIT", 20)  # unknown or expired tokens per address
API_TOKEN_FAILURE_WINDOW_MINUTES = env_int("API_TOKEN_FAILURE_WINDOW_MINUTES", 15)
API_TOKEN_RATE_PER_MINUTE = env_int("API_TOKEN_RATE_PER_MINUTE", 120)  # requests of one token per minute
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)  # lifetime of a new API token unless its owner picks another
# A login opened without e-mail gets a one-time set-up code (accounts.SetupCode), valid this many hours. Guessing
# one is counted with the login's failures (same user name and address, same limits), and the codes typed are
# never kept by the throttle's records.
ACCOUNT_SETUP_CODE_HOURS = env_int("ACCOUNT_SETUP_CODE_HOURS", 72)
# A name typed at a failed login is kept (by the throttle and the audit trail) only when it is a login's name; any
# other text, perhaps a password typed in the wrong field, only as a keyed digest (accounts.throttle.counted_name).
AXES_USERNAME_CALLABLE = "soisua.accounts.throttle.axes_username"
AXES_SENSITIVE_PARAMETERS = ["code", "username"]

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # No personal data in the logs (docs/deploy.md, "Logs"): django-axes writes the user name typed into a failed
    # login; the audit trail keeps the failures instead.
    "loggers": {"axes": {"level": "ERROR"}},
}

# Settings the domain reads (the changing review rules are rule sets, docs/domain.md, "Rules that change are data";
# these are installation knobs).
MEMBER_PAGE_SIZE = 50
