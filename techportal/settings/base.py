"""Settings for every environment, read from the environment through django-environ.

Defaults point at the project-local services that `make run` and `make test` start
(PostgreSQL on 127.0.0.1:54329, Redis on 127.0.0.1:63799). Production sets at least
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL.
"""

import os
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
    "django.contrib.admin",
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
    "techportal",
    "organisations",
    "offers",
    "matching",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "techportal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- health -----------------------------------------------------------------------------------

HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=1.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
