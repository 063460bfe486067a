"""Settings for the test suite: the same real services, on separate databases.

pytest-django creates `test_techportal` on the project's PostgreSQL; Celery and the cache use
Redis database 9 so a running `make run` worker never picks up a test's tasks.
"""

import os
import uuid

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault(
    "REDIS_URL", f"redis://127.0.0.1:{os.environ.get('TECHPORTAL_REDIS_PORT', '63799')}/9"
)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("EMAIL_URL", "memorymail://")
# Test runs share Redis database 9; each run (named by its test database) gets its own queue,
# so one run's worker never takes another run's tasks. Workers the tests start inherit it.
os.environ.setdefault("CELERY_QUEUE", f"tests-{os.environ.get('TEST_DATABASE_NAME', 'default')}")
os.environ.setdefault("CELERY_MAIL_QUEUE", f"{os.environ['CELERY_QUEUE']}-mail")
# Tests of the rate limit set their own; the others post from one address many times.
os.environ.setdefault("SIGNUP_RATE_LIMIT", "10000/m")
os.environ.setdefault("OFFER_REQUEST_RATE_LIMIT", "10000/m")
os.environ.setdefault("SAVED_SEARCH_RATE_LIMIT", "10000/m")
os.environ.setdefault("EVENT_REGISTRATION_RATE_LIMIT", "10000/m")
# Each run caches under keys of its own (the processes a test starts inherit it): a previous
# run's facet counts or rate-limit counters, on a recreated database, are never read again.
os.environ.setdefault("TEST_CACHE_PREFIX", f"tests-{uuid.uuid4().hex[:12]}")

from .base import *  # noqa: F403
from .base import CACHES, STORAGES

CACHES["default"]["KEY_PREFIX"] = os.environ["TEST_CACHE_PREFIX"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client and the live server speak plain http; tests of the redirect turn it on.
SECURE_SSL_REDIRECT = False

# Parallel local runs (several checkouts or helpers) can each name their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME")}  # noqa: F405
STATIC_ROOT = None  # the suite serves static files from the finders; nothing is collected
