"""One settings file, read from the environment. Bad values fail loudly at start-up."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("RAKSA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


DEBUG = env_bool("RAKSA_DEBUG", False)
SECRET_KEY = os.environ.get("RAKSA_SECRET_KEY") or "raksa-insecure-development-key-change-me"
RAKSA_SECRET_KEY_IS_DEVELOPMENT = not os.environ.get("RAKSA_SECRET_KEY")  # raksa.W001 warns while so
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("RAKSA_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("RAKSA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=60)
    except Exception as exc:  # the library raises several types for malformed URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if _db.get("ENGINE") not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL (postgres://) or SQLite (sqlite:///)"
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Kept open like PostgreSQL's (60 s): opening a file and setting its pragmas on every request costs more
    # than a bare request does.
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "raksa.sqlite3"), "CONN_MAX_AGE": 60}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one connection writes. IMMEDIATE takes the write lock when a transaction
    # begins, so a second writer waits (up to the busy timeout) for it; a deferred transaction that read first
    # and writes second cannot wait (its snapshot is stale) and fails at once with "database is locked".
    # That also stands in for select_for_update, which SQLite ignores: writers to one case run one at a time.
    _db.setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not Django's in-memory default: threads sharing an in-memory database lock whole tables and fail
    # where the real file waits, so the tests would not see what `raksa serve` does.
    _db.setdefault("TEST", {})["NAME"] = os.environ.get("RAKSA_TEST_DB_NAME") or str(
        VAR_DIR / "test_raksa.sqlite3"
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # so its docs page uses the bundled Swagger UI files (no CDN, no inline script) under the CSP
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "raksa.core",
    "raksa.directory",
    "raksa.accounts",
    "raksa.people",
    "raksa.cases",
    "raksa.notify",
    "raksa.dispatch",
    "raksa.tracking",
    "raksa.intake",
    "raksa.intake.line",
    "raksa.workspace",
    "raksa.api",
    "raksa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "raksa.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After django-otp's: a user whose role needs a second factor reaches nothing but its page until passed.
    "raksa.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "raksa.urls"
WSGI_APPLICATION = "raksa.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# The lockout check first (django-axes); then Django's own password check.
AUTHENTICATION_BACKENDS = [
    "raksa.accounts.backends.LoginThrottleBackend",
    # Django's ModelBackend, reading the user with her unit. Sessions made under the plain ModelBackend's name
    # end with this change (their holders sign in again once).
    "raksa.accounts.backends.StaffBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/cases/"
LOGOUT_REDIRECT_URL = "/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Thai first; English a click away.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
# The public pages keep their own English catalogues (intake/web/locale, tracking/locale), so they translate apart.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "intake" / "web" / "locale", BASE_DIR / "tracking" / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; `raksa serve` collects into it
# WhiteNoise serves static files from the web process itself, so `raksa serve` needs no separate web server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("RAKSA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Attachments: what a case file may hold.
RAKSA_ATTACHMENT_MAX_BYTES = env_int("RAKSA_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
RAKSA_ATTACHMENT_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "text/plain": ".txt",
}
# A request's body apart from its uploaded files (Django counts those separately): the largest honest one, a
# case of 20,000 Thai characters sent as \u escapes, is about 130 kB. Past this the API answers 400
# request_too_large.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("RAKSA_REQUEST_MAX_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Reports from the public (web form, later LINE): up to 5 pictures each, this large at most.
RAKSA_REPORT_FILE_MAX_BYTES = env_int("RAKSA_REPORT_FILE_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
RAKSA_REPORT_FILE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
}
# The public web form (/report/): per client address, at most RAKSA_REPORT_RATE_SHORT reports in each window of
# RAKSA_REPORT_RATE_SHORT_MINUTES and RAKSA_REPORT_RATE_DAY in a day (UTC); beyond that a 429 page. Many phones
# can share one address (mobile carriers' NAT, a school's network): raise these there rather than lower them.
RAKSA_REPORT_RATE_SHORT = env_int("RAKSA_REPORT_RATE_SHORT", 5, minimum=1)
RAKSA_REPORT_RATE_SHORT_MINUTES = env_int("RAKSA_REPORT_RATE_SHORT_MINUTES", 10, minimum=1)
RAKSA_REPORT_RATE_DAY = env_int("RAKSA_REPORT_RATE_DAY", 20, minimum=1)
# The public tracking page and API (/track/, /api/v1/track/{code}): per client address at most
# RAKSA_TRACK_FAILURES failed look-ups (an unknown code, a wrong second factor) in each window of
# RAKSA_TRACK_FAILURE_MINUTES and RAKSA_TRACK_FAILURES_DAY in a day (UTC), and as many wrong second factors per
# tracking code; beyond that a 429. A found code costs nothing. The daily limit per code is what keeps a 4-digit
# phone suffix from being guessed.
RAKSA_TRACK_FAILURES = env_int("RAKSA_TRACK_FAILURES", 10, minimum=1)
RAKSA_TRACK_FAILURE_MINUTES = env_int("RAKSA_TRACK_FAILURE_MINUTES", 10, minimum=1)
RAKSA_TRACK_FAILURES_DAY = env_int("RAKSA_TRACK_FAILURES_DAY", 30, minimum=1)
# The largest web report: five pictures at the limit, plus the form's own fields. Larger requests get a clear
# page before anything is read (Django itself limits only the non-file fields, DATA_UPLOAD_MAX_MEMORY_SIZE).
RAKSA_REPORT_REQUEST_MAX_BYTES = 5 * RAKSA_REPORT_FILE_MAX_BYTES + 256 * 1024
# Map tiles for the web form's pin (Leaflet, served from static/): a URL template such as
# https://tile.openstreetmap.org/{z}/{x}/{y}.png, whose host is then allowed in the CSP's img-src. Empty (the
# default) shows no map: the browser's location and a typed address still work.
RAKSA_MAP_TILE_URL = os.environ.get("RAKSA_MAP_TILE_URL", "").strip()
RAKSA_MAP_ATTRIBUTION = os.environ.get("RAKSA_MAP_ATTRIBUTION", "© OpenStreetMap contributors").strip()
RAKSA_MAP_TILE_ORIGIN = ""
if RAKSA_MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(RAKSA_MAP_TILE_URL.replace("{s}", "a"))
    if (
        _tiles.scheme not in {"http", "https"}
        or not _tiles.netloc
        or not all(part in RAKSA_MAP_TILE_URL for part in ("{z}", "{x}", "{y}"))
    ):
        raise ImproperlyConfigured(
            f"RAKSA_MAP_TILE_URL must be an http(s) URL with {{z}}, {{x}} and {{y}}, got {RAKSA_MAP_TILE_URL!r}"
        )
    # A {s} subdomain template allows every subdomain of the host in the CSP.
    RAKSA_MAP_TILE_ORIGIN = f"{_tiles.scheme}://" + (
        "*." + _tiles.netloc.split(".", 1)[1] if "{s}" in RAKSA_MAP_TILE_URL else _tiles.netloc
    )
# Several reports of one incident: a new emergency this close in space and time to an open emergency of the same
# type is suggested for joining it.
RAKSA_INCIDENT_JOIN_METERS = env_int("RAKSA_INCIDENT_JOIN_METERS", 500, minimum=1)
RAKSA_INCIDENT_JOIN_MINUTES = env_int("RAKSA_INCIDENT_JOIN_MINUTES", 120, minimum=1)
# `POST /bench/insert` (one insert, no login) for bench/intake_bench.py's ratio; never on a real server.
RAKSA_BENCH_ENDPOINTS = env_bool("RAKSA_BENCH_ENDPOINTS", False)


def env_int_between(name: str, default: int, low: int, high: int) -> int:
    value = env_int(name, default)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, got {value}")
    return value


# Who may see a person (raksa.cases.person_access): how long a record opened by breaking the glass stays open
# to that user, and how many person pages, API reads and searches one user may make per clock hour.
RAKSA_BREAK_GLASS_MINUTES = env_int_between("RAKSA_BREAK_GLASS_MINUTES", 240, 1, 24 * 60)
RAKSA_PERSON_VIEWS_PER_HOUR = env_int_between("RAKSA_PERSON_VIEWS_PER_HOUR", 120, 1, 100_000)
# Dispatch: the default timers (DispatchTimer rows in the admin override them per emergency type and province),
# how long an alert's signed link works, the address links are made with, and the map link an alert carries.
RAKSA_DISPATCH_ACK_MINUTES = env_int_between("RAKSA_DISPATCH_ACK_MINUTES", 5, 1, 24 * 60)
RAKSA_DISPATCH_ON_SCENE_MINUTES = env_int_between("RAKSA_DISPATCH_ON_SCENE_MINUTES", 30, 1, 24 * 60)
RAKSA_DISPATCH_LINK_HOURS = env_int_between("RAKSA_DISPATCH_LINK_HOURS", 12, 1, 24 * 7)
RAKSA_PUBLIC_URL = os.environ.get("RAKSA_PUBLIC_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if not RAKSA_PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"RAKSA_PUBLIC_URL must be an http(s) URL, got {RAKSA_PUBLIC_URL!r}")
# Development only (make run): the local stand-ins whose records /dispatch/phones/ shows, comma-separated base URLs.
RAKSA_STANDINS_URLS = tuple(
    u.strip().rstrip("/") for u in os.environ.get("RAKSA_STANDINS_URLS", "").split(",") if u.strip()
)
RAKSA_MAP_LINK = os.environ.get(
    "RAKSA_MAP_LINK", "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
).strip()

# Email for staff notices (SMTP), off unless RAKSA_EMAIL_HOST is set; the in-app notice is always written.
EMAIL_HOST = os.environ.get("RAKSA_EMAIL_HOST", "").strip()
EMAIL_PORT = env_int_between("RAKSA_EMAIL_PORT", 587, 1, 65535)
EMAIL_HOST_USER = os.environ.get("RAKSA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RAKSA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("RAKSA_EMAIL_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("RAKSA_EMAIL_FROM", "").strip() or "raksa@localhost"
RAKSA_NOTICE_EMAIL = bool(EMAIL_HOST)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("RAKSA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_API_BASE = os.environ.get("LINE_API_BASE", "https://api.line.me").rstrip("/")
if not LINE_API_BASE.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"LINE_API_BASE must be an http(s) URL, got {LINE_API_BASE!r}")
# LINE's content host (api-data.line.me, not api.line.me): the photos users send, the rich menu's picture.
LINE_API_DATA_BASE = os.environ.get("LINE_API_DATA_BASE", "https://api-data.line.me").rstrip("/")
if not LINE_API_DATA_BASE.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"LINE_API_DATA_BASE must be an http(s) URL, got {LINE_API_DATA_BASE!r}")
# Development only (make run): /line/simulator/, a LINE chat played in the browser against the LINE stand-in at
# LINE_API_BASE. It posts signed events to the webhook for anyone, without a login: never on a real server.
RAKSA_LINE_SIMULATOR = env_bool("RAKSA_LINE_SIMULATOR", False)

# The background worker yields the CPU to the web processes when both want it (a nice value this much above
# theirs, 0 to 19; 0: the same). Only contention changes: a request waiting on a CPU is what LINE counts against
# its 2 s and a caller waits for, while what the worker does is stored and waits its turn, nothing lost. With
# a CPU to spare the worker runs as fast as ever (raksa.core.worker).
RAKSA_WORKER_NICE = env_int_between("RAKSA_WORKER_NICE", 5, 0, 19)

# Outbound alerts (raksa.notify): the outbox's sweep sends each queued message, RAKSA_NOTIFY_CONCURRENCY at a
# time, each request given RAKSA_NOTIFY_TIMEOUT_SECONDS; a claimed message is another worker's to take again
# once RAKSA_NOTIFY_LEASE_SECONDS pass without a result (its worker died), so the lease must outlast a send.
# A transient failure is tried again after RAKSA_NOTIFY_BACKOFF_SECONDS, doubling, at most
# RAKSA_NOTIFY_BACKOFF_MAX_SECONDS apart, RAKSA_NOTIFY_MAX_ATTEMPTS times in all.
RAKSA_NOTIFY_MAX_ATTEMPTS = env_int("RAKSA_NOTIFY_MAX_ATTEMPTS", 8, minimum=1)
RAKSA_NOTIFY_BACKOFF_SECONDS = env_int("RAKSA_NOTIFY_BACKOFF_SECONDS", 10, minimum=1)
RAKSA_NOTIFY_BACKOFF_MAX_SECONDS = env_int("RAKSA_NOTIFY_BACKOFF_MAX_SECONDS", 600, minimum=1)
RAKSA_NOTIFY_TIMEOUT_SECONDS = env_int("RAKSA_NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
RAKSA_NOTIFY_LEASE_SECONDS = env_int("RAKSA_NOTIFY_LEASE_SECONDS", 60, minimum=1)
RAKSA_NOTIFY_CONCURRENCY = env_int_between("RAKSA_NOTIFY_CONCURRENCY", 4, 1, 64)
RAKSA_NOTIFY_BATCH = env_int("RAKSA_NOTIFY_BATCH", 100, minimum=1)
if RAKSA_NOTIFY_LEASE_SECONDS <= 2 * RAKSA_NOTIFY_TIMEOUT_SECONDS:  # a connect and a read may each take it
    raise ImproperlyConfigured(
        "RAKSA_NOTIFY_LEASE_SECONDS must be more than twice RAKSA_NOTIFY_TIMEOUT_SECONDS, "
        f"got {RAKSA_NOTIFY_LEASE_SECONDS} and {RAKSA_NOTIFY_TIMEOUT_SECONDS}"
    )
# The SMS gateway (JSON POST, bearer token); SMS is off while either is empty.
RAKSA_SMS_GATEWAY_URL = os.environ.get("RAKSA_SMS_GATEWAY_URL", "").strip()
RAKSA_SMS_GATEWAY_TOKEN = os.environ.get("RAKSA_SMS_GATEWAY_TOKEN", "").strip()
if RAKSA_SMS_GATEWAY_URL and not RAKSA_SMS_GATEWAY_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"RAKSA_SMS_GATEWAY_URL must be an http(s) URL, got {RAKSA_SMS_GATEWAY_URL!r}")
# The key that signs outbound webhooks (X-Raksa-Signature); webhooks are off while it is empty.
RAKSA_WEBHOOK_SECRET = os.environ.get("RAKSA_WEBHOOK_SECRET", "")

# Sign-in throttling (django-axes): a user name, or an address, that fails this many times in a row is refused,
# even with the right password, until the cool-off has passed since its last failure or an administrator
# unlocks it (the admin's "Access attempts", or `raksa axes_reset_username NAME`). Counting the two apart means
# one address guessing many users and many addresses guessing one user are both stopped. Failures are not
# forgotten on a success: a success from the same address would otherwise wipe the count of a guessed account.
RAKSA_LOGIN_FAILURE_LIMIT = env_int("RAKSA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
RAKSA_LOGIN_COOLOFF_MINUTES = env_int("RAKSA_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
# Reverse proxies in front of the server that append the client's address to X-Forwarded-For; 0 trusts none.
RAKSA_PROXY_COUNT = env_int("RAKSA_PROXY_COUNT", 0, minimum=0)
AXES_FAILURE_LIMIT = RAKSA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=RAKSA_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "raksa.accounts.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "raksa.accounts.backends.client_address"

# Two-factor sign-in (django-otp): after the password, users of these roles (and anyone who may use the Django
# admin, when "admin" is named) must give a code from an authenticator app (TOTP) or one of their recovery
# codes. Comma-separated role names, or "none"; unknown names stop start-up (checked in AccountsConfig.ready).
_2fa_roles = (os.environ.get("RAKSA_2FA_ROLES") or "supervisor,admin").split(",")
RAKSA_2FA_ROLES = tuple(role for role in (r.strip().lower() for r in _2fa_roles) if role and role != "none")
OTP_TOTP_ISSUER = "Raksa"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin lists devices but never shows a secret key or recovery code

# A staff session ends after RAKSA_SESSION_IDLE_MINUTES without a request (each request moves the expiry on)
# and when the browser closes (the cookie has no expiry date).
RAKSA_SESSION_IDLE_MINUTES = env_int("RAKSA_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = RAKSA_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Served behind HTTPS (TLS ends at a reverse proxy that sets X-Forwarded-Proto and drops any the client sent):
# plain http is redirected, browsers are told to come back only over https for a year (HSTS), and cookies are
# sent only over https. Off by default so `make run` works on http://127.0.0.1.
RAKSA_HTTPS = env_bool("RAKSA_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("RAKSA_SECURE_COOKIES", RAKSA_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if RAKSA_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe health over plain http
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60

# Content-Security-Policy (django-csp): scripts, styles and everything else only from this site's own files;
# no inline script, no inline style, no eval, never framed. htmx is told not to inject its indicator <style>
# (base.html's htmx-config), and app.css carries those rules instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        # data: for the small icons inside the API docs' stylesheet; the map's tile host only when configured.
        "img-src": [csp.SELF, "data:", *([RAKSA_MAP_TILE_ORIGIN] if RAKSA_MAP_TILE_ORIGIN else [])],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        **({"upgrade-insecure-requests": True} if RAKSA_HTTPS else {}),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RAKSA_LOG_LEVEL", "INFO")},
    # django-axes reports each failure and lockout as a warning; its info lines (every clean-up) are noise.
    "loggers": {"axes": {"level": "WARNING"}},
}
