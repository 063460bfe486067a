"""Settings for the load test (`make load`): production settings, own data, limits raised.

Its own PostgreSQL database (`techportal_load`, recreated by every run) and its own
redis-server, which bench/load.py starts on a free port (LOAD_REDIS_PORT). Set here, not taken
from the environment or a .env file, so that a developer's DATABASE_URL can never be the one
the test drops. Every request comes from one address: the per-address rate limits of the
public forms are raised. Emails are rendered and kept in memory.
"""

import os

PG_PORT = os.environ.get("TECHPORTAL_PG_PORT", "54329")
LOAD_DATABASE = "techportal_load"
REDIS_PORT = os.environ["LOAD_REDIS_PORT"]

os.environ.update(
    {
        "TECHPORTAL_ENV_FILE": os.devnull,
        "DATABASE_URL": f"postgres://techportal:techportal@127.0.0.1:{PG_PORT}/{LOAD_DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
        "SECRET_KEY": "load-only-secret-key-not-for-production",
        "DEBUG": "0",
        "EMAIL_URL": "memorymail://",
        "SIGNUP_RATE_LIMIT": "1000000/h",
        "OFFER_REQUEST_RATE_LIMIT": "1000000/h",
        "SAVED_SEARCH_RATE_LIMIT": "1000000/h",
        "EVENT_REGISTRATION_RATE_LIMIT": "1000000/h",
        "SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
)
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from techportal.settings.base import *  # noqa: E402, F403
from techportal.settings.base import STORAGES  # noqa: E402

# No collectstatic for a test run: pages link their assets without a manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = None
