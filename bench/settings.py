"""Settings for the sign-up benchmark (`make bench-signup`): production settings, own data.

The bench gets a PostgreSQL database and two Redis databases of its own, which
`bench/signup.py` empties at the start of every run. These are set here, not taken from the
environment or a .env file, so that a developer's DATABASE_URL can never be the one the
bench drops. Email goes to memory: it is still rendered, but nothing leaves the machine.
"""

import os

PG_PORT = os.environ.get("TECHPORTAL_PG_PORT", "54329")
REDIS_PORT = os.environ.get("TECHPORTAL_REDIS_PORT", "63799")
BENCH_DATABASE = "techportal_bench"
BENCH_BROKER_DB = 5  # the cache takes the next one, 6

os.environ.update(
    {
        "DATABASE_URL": (f"postgres://techportal:techportal@127.0.0.1:{PG_PORT}/{BENCH_DATABASE}"),
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{BENCH_BROKER_DB}",
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/{BENCH_BROKER_DB + 1}",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "DEBUG": "0",
        "EMAIL_URL": "memorymail://",
        # All posts come from one address; the limit is counted in Redis as in production.
        "SIGNUP_RATE_LIMIT": "1000000/h",
        "SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SECURE_SSL_REDIRECT": "0",
    }
)
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from techportal.settings.base import *  # noqa: E402, F403
from techportal.settings.base import STORAGES  # noqa: E402

ROOT_URLCONF = "bench.urls"
# No collectstatic for a bench: the form page links its assets without a manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = None
