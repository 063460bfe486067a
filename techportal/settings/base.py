"""Settings for every environment, read from the environment through django-environ.

Defaults point at the project-local services that `make run` and `make test` start
(PostgreSQL on 127.0.0.1:54329, Redis on 127.0.0.1:63799). Production sets at least
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# An optional .env file; real environment variables win. TECHPORTAL_ENV_FILE names another.
environ.Env.read_env(os.environ.get("TECHPORTAL_ENV_FILE", BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(required whenever DEBUG is off), or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 -- DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "techportal.apps.AdminConfig",  # django.contrib.admin with the second-factor AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "techportal",
    "organisations",
    "offers",
    "matching",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above everything that may touch the database (sessions, users): a 503 page when it is down.
    "techportal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "techportal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "techportal.urls"
WSGI_APPLICATION = "techportal.wsgi.application"
ASGI_APPLICATION = "techportal.asgi.application"

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
            ],
        },
    },
]

# --- services ---------------------------------------------------------------------------------

# The project-local services of `make run` / `make test` (scripts/services.sh) listen on these.
LOCAL_PG_PORT = env.int("TECHPORTAL_PG_PORT", default=54329)
LOCAL_REDIS_PORT = env.int("TECHPORTAL_REDIS_PORT", default=63799)

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"postgres://techportal:techportal@127.0.0.1:{LOCAL_PG_PORT}/techportal",
    )
}
if DATABASES["default"].get("ENGINE") != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must be a PostgreSQL URL such as "
        "postgres://user:password@host:5432/techportal (PostgreSQL is the only database)."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# No parallel query workers for the web's short statements: on a small server (2 CPUs) a
# worker's start-up costs more than it saves, and concurrent requests already fill the CPUs
# (catalogue benchmark: PostgreSQL CPU per request about halved). Empty to keep the default.
PG_OPTIONS = env.str("PG_OPTIONS", default="-c max_parallel_workers_per_gather=0")
if PG_OPTIONS:
    DATABASES["default"]["OPTIONS"].setdefault("options", PG_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default=f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/0")


def _next_redis_database(url: str) -> str:
    """The same Redis server, the next database: `redis://h:6379/0` → `redis://h:6379/1`."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{database + 1}"))


# The cache gets its own Redis database: cache.clear() flushes a whole database, and must
# never take the broker's queued tasks with it.
CACHE_URL = env.str("CACHE_URL", default=_next_redis_database(REDIS_URL))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "techportal",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

if not DEBUG and "EMAIL_URL" not in env:
    raise ImproperlyConfigured(
        "EMAIL_URL is not set. Without it emails would only be printed to the console. Set it, "
        "e.g. EMAIL_URL=smtp+tls://user:password@mail.example.nl:587, or consolemail:// on purpose."
    )
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Techportal <noreply@techportal.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: JSON only, at-least-once delivery, tasks are idempotent -------------------------

CELERY_BROKER_URL = REDIS_URL
# Two queues: routing and the sweep on one, emails on the other, so a burst of sign-ups (or a
# slow SMTP server) never makes routing wait behind emails. A worker started without -Q serves
# both; a dedicated mail worker takes `-Q mail` and the other `-Q celery`.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_MAIL_QUEUE = env.str("CELERY_MAIL_QUEUE", default="mail")
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, CELERY_MAIL_QUEUE)
]
CELERY_TASK_ROUTES = {
    "matching.tasks.notify_*": {"queue": CELERY_MAIL_QUEUE},
    "matching.tasks.send_*": {"queue": CELERY_MAIL_QUEUE},
    "offers.tasks.notify_*": {"queue": CELERY_MAIL_QUEUE},
    "offers.tasks.send_*": {"queue": CELERY_MAIL_QUEUE},
    "events.tasks.notify_*": {"queue": CELERY_MAIL_QUEUE},
    "events.tasks.send_*": {"queue": CELERY_MAIL_QUEUE},
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Redis re-delivers unacknowledged tasks after the visibility timeout: keep it far above the
# hard time limit so a slow task is never run twice while it is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes the database connection around every task unless told to reuse
# it: a new PostgreSQL backend per task costs more than the task. Reuse it for 100 tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_TIMEZONE = "Europe/Amsterdam"
# Publishing while Redis is down must not hold up a web request: try briefly, then give up and
# let the sweep below pick the row up again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# --- sign-ups: routing, sweep and escalation --------------------------------------------------

# The public address of the site, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Per client IP address, POSTs of the aanmeldformulier (django-ratelimit syntax).
SIGNUP_RATE_LIMIT = env.str("SIGNUP_RATE_LIMIT", default="20/h")
# How often the sweep runs; a sign-up still `received` after SIGNUP_REQUEUE_AFTER is queued again.
SIGNUP_SWEEP_INTERVAL = env.float("SIGNUP_SWEEP_INTERVAL", default=30.0)
SIGNUP_REQUEUE_AFTER = env.float("SIGNUP_REQUEUE_AFTER", default=60.0)
# An email of a routed sign-up not sent this long after routing is sent by the sweep (its task
# went with a killed worker). Longer than a burst's mail backlog lasts: no needless work.
SIGNUP_EMAIL_REQUEUE_AFTER = env.float("SIGNUP_EMAIL_REQUEUE_AFTER", default=600.0)
# Untriaged sign-ups: a reminder to the coordinator, then a hand-over to the national desk.
SIGNUP_REMIND_AFTER_WORKING_DAYS = env.int("SIGNUP_REMIND_AFTER_WORKING_DAYS", default=2)
# Match suggestions: how far a school may be from the company (online offers reach further).
MATCH_SUGGESTION_MAX_KM = env.int("MATCH_SUGGESTION_MAX_KM", default=40)
MATCH_SUGGESTION_ONLINE_MAX_KM = env.int("MATCH_SUGGESTION_ONLINE_MAX_KM", default=150)
SIGNUP_ESCALATE_AFTER_WORKING_DAYS = env.int("SIGNUP_ESCALATE_AFTER_WORKING_DAYS", default=5)
# How long the private status link in the confirmation email keeps working.
SIGNUP_STATUS_LINK_MAX_AGE = env.int("SIGNUP_STATUS_LINK_MAX_AGE", default=180 * 24 * 3600)

# --- the offer catalogue, requests from teachers and saved searches ----------------------------

CATALOGUE_PAGE_SIZE = env.int("CATALOGUE_PAGE_SIZE", default=20)
# Facet counts of one search are cached this long. Safe to keep long: the cache key carries the
# catalogue version, which every write to an offer changes (offers/migrations/0004).
CATALOGUE_FACET_CACHE_SECONDS = env.int("CATALOGUE_FACET_CACHE_SECONDS", default=3600)
# Per client IP address, POSTs of the request form and of "save this search".
OFFER_REQUEST_RATE_LIMIT = env.str("OFFER_REQUEST_RATE_LIMIT", default="20/h")
SAVED_SEARCH_RATE_LIMIT = env.str("SAVED_SEARCH_RATE_LIMIT", default="20/h")
# How long the private links of a request (teacher's and company's) keep working.
OFFER_REQUEST_LINK_MAX_AGE = env.int("OFFER_REQUEST_LINK_MAX_AGE", default=180 * 24 * 3600)
# How long the confirmation link of a saved search keeps working.
SAVED_SEARCH_CONFIRM_MAX_AGE = env.int("SAVED_SEARCH_CONFIRM_MAX_AGE", default=7 * 24 * 3600)

# Per client IP address, POSTs of the class registration form; how long its private link works.
EVENT_REGISTRATION_RATE_LIMIT = env.str("EVENT_REGISTRATION_RATE_LIMIT", default="20/h")
EVENT_REGISTRATION_LINK_MAX_AGE = env.int(
    "EVENT_REGISTRATION_LINK_MAX_AGE", default=365 * 24 * 3600
)

# --- matches: the private links of each side, and when a waiting match is reminded about -------

MATCH_LINK_MAX_AGE = env.int("MATCH_LINK_MAX_AGE", default=180 * 24 * 3600)
# Days after the invitation, after the match's date, and after the report.
MATCH_CONFIRM_REMIND_DAYS = env.int("MATCH_CONFIRM_REMIND_DAYS", default=5)
MATCH_REPORT_REMIND_DAYS = env.int("MATCH_REPORT_REMIND_DAYS", default=3)
MATCH_EVALUATE_REMIND_DAYS = env.int("MATCH_EVALUATE_REMIND_DAYS", default=7)

CELERY_BEAT_SCHEDULE: dict = {
    "matches-remind": {
        "task": "matching.tasks.remind_matches",
        "schedule": crontab(hour=8, minute=5),
    },
    "signups-sweep": {"task": "matching.tasks.sweep_signups", "schedule": SIGNUP_SWEEP_INTERVAL},
    "saved-searches-digest": {
        "task": "offers.tasks.send_saved_search_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "search-words-rebuild": {
        "task": "offers.tasks.rebuild_search_words",
        "schedule": crontab(minute=17),
    },
}

# --- privacy (AVG): retention periods, purged nightly (techportal/privacy/purge.py) ------------

# Declined sign-ups, counted from the decline; stale ones: still open and untouched, or closed
# without any offer ever published, counted from the last activity or the closing.
PRIVACY_DECLINED_SIGNUP_DAYS = env.int("PRIVACY_DECLINED_SIGNUP_DAYS", default=365)
PRIVACY_STALE_SIGNUP_DAYS = env.int("PRIVACY_STALE_SIGNUP_DAYS", default=365)
# Saved searches whose address was never confirmed, counted from saving.
PRIVACY_UNCONFIRMED_SEARCH_DAYS = env.int("PRIVACY_UNCONFIRMED_SEARCH_DAYS", default=30)
# Teachers' names, addresses and texts on finished requests, matches and registrations are
# anonymised this long after they finished (the rows stay for the impact figures).
PRIVACY_TEACHER_DATA_DAYS = env.int("PRIVACY_TEACHER_DATA_DAYS", default=730)
# The /beheer/ change history (which names the rows it changed).
PRIVACY_ADMIN_LOG_DAYS = env.int("PRIVACY_ADMIN_LOG_DAYS", default=730)
# Where people send questions and requests about their data, and accessibility problems.
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@techportal.nl")
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="toegankelijkheid@techportal.nl"
)
CELERY_BEAT_SCHEDULE["privacy-purge"] = {
    "task": "techportal.tasks.purge_personal_data",
    "schedule": crontab(hour=3, minute=40),
}

# django-ratelimit: count in the Redis cache; when Redis is down, let sign-ups through rather
# than turn companies away. Behind a proxy, set RATELIMIT_IP_META_KEY (e.g. HTTP_X_REAL_IP).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default=None)
# django-ratelimit lists only the django-redis package as supported; Django's own RedisCache
# has the atomic `incr` it needs just as well.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- auth -------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
CSRF_FAILURE_VIEW = "techportal.views.csrf_failure"
# django-axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Staff need a second factor for /beheer/ (techportal/admin_site.py): an authenticator app
# (TOTP) with ten one-time backup codes. django-otp's throttling stays on: after a wrong code
# the next try waits 1, 2, 4, … seconds.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Techportal")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # device keys and backup codes never show in /beheer/

# django-axes: five wrong passwords lock the account (not the address: colleagues share one
# behind a school's or company's NAT) for a cool-off; a successful login starts the count anew.
# What is kept, since IP addresses are personal data: the running attempts (deleted once their
# cool-off has passed) and a failure log of at most AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT rows
# per username, purged after LOGIN_FAILURE_LOG_RETENTION_DAYS. Successful logins are not logged.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 fears that rotating User-Agents or cookies escapes the count: not when counting by
# username alone (failures are summed over every address and browser). Spraying one password
# over many accounts stays possible, but a password alone never opens /beheer/.
SILENCED_SYSTEM_CHECKS += ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_DISABLE_ACCESS_LOG = True
# Failures are logged (logger "axes", WARNING) with the username and path, not the address.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["ip_address"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = env.int(
    "AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT", default=100
)
LOGIN_FAILURE_LOG_RETENTION_DAYS = env.int("LOGIN_FAILURE_LOG_RETENTION_DAYS", default=30)
CELERY_BEAT_SCHEDULE["login-records-purge"] = {
    "task": "techportal.auth.purge_login_records",
    "schedule": crontab(hour=3, minute=25),
}
AXES_LOCKOUT_CALLABLE = "techportal.auth.lockout_response"
# The client's address, for the failure log. Behind a proxy, name the request.META key the
# proxy sets (e.g. HTTP_X_REAL_IP); by default the same one as the rate limits use.
LOGIN_IP_META_KEY = env.str("LOGIN_IP_META_KEY", default=RATELIMIT_IP_META_KEY or "REMOTE_ADDR")
AXES_CLIENT_IP_CALLABLE = "techportal.auth.client_ip"

# --- language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- static files: from npm packages and static/, served by WhiteNoise ------------------------

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- security (production values; see `manage.py check --deploy`) -----------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto (it must overwrite, never
    # pass on, a client's own). Plain http is redirected, except /health/: load balancers
    # probe it over http. HSTS for a year, subdomains included; `preload` only marks the
    # header as eligible (joining the browsers' preload list is a separate, manual step).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Content-Security-Policy (django-csp 4): everything from the site itself, no inline scripts
# or styles anywhere (the admin included), no plugins, no <base>, never inside a frame.
# The CSP_REPORT_URI environment variable, when set, is where browsers report what it blocked.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_csp_report_uri]

# --- health -----------------------------------------------------------------------------------

HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=1.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failed logins and lockouts; not every good login
    },
}
