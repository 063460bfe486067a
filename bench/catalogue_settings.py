"""Settings for the catalogue benchmark (`make bench-catalogue`): production settings, own data.

The national-scale data lives in the PostgreSQL database `techportal_bench_catalogue`, kept
between runs (bench/catalogue_data.py regenerates it only when asked or when it is missing or
out of date), and Redis databases 11 (broker, unused by the bench) and 12 (the cache, which
bench/catalogue.py empties before every cold pass). They are set here, not taken from the
environment or a .env file, so that a developer's DATABASE_URL can never be the one the bench
drops. `bench.settings` (the sign-up bench) uses other databases: neither bench touches the
other's data.
"""

import os

PG_PORT = os.environ.get("TECHPORTAL_PG_PORT", "54329")
REDIS_PORT = os.environ.get("TECHPORTAL_REDIS_PORT", "63799")
BENCH_DATABASE = "techportal_bench_catalogue"
BENCH_BROKER_DB = 11  # the cache takes the next one, 12

os.environ.update(
    {
        "DATABASE_URL": f"postgres://techportal:techportal@127.0.0.1:{PG_PORT}/{BENCH_DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{BENCH_BROKER_DB}",
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/{BENCH_BROKER_DB + 1}",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "DEBUG": "0",
        "EMAIL_URL": "memorymail://",
        "SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SECURE_SSL_REDIRECT": "0",
    }
)
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from techportal.settings.base import *  # noqa: E402, F403
from techportal.settings.base import STORAGES  # noqa: E402

ROOT_URLCONF = "bench.catalogue_urls"
# No collectstatic for a bench: the catalogue links its assets without a manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = None
