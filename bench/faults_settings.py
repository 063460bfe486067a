"""Settings for the fault test (`make faults`): production settings, own data, short sweep.

Its own PostgreSQL database (`techportal_faults`, recreated by every run) and its own
redis-server, which bench/faults.py starts on a free port (FAULTS_REDIS_PORT) so that it can
restart it without harming anyone. Set here, not taken from the environment or a .env file,
so that a developer's DATABASE_URL can never be the one the test drops. Emails are written to
files (FAULTS_MAIL_DIR), one per message, so that the test can count every one that was sent.

The sweep is the project's own (CELERY_BEAT_SCHEDULE, `matching.tasks.sweep_signups`), only
more often: every FAULTS_SWEEP_INTERVAL seconds (2), requeueing sign-ups that waited
FAULTS_REQUEUE_AFTER (5 s) and emails that waited FAULTS_EMAIL_REQUEUE_AFTER (10 s).
The broker's visibility timeout is left at its production value (an hour): a task lost with
a killed worker must be found by the sweep, not by Redis handing it out again.
"""

import os

PG_PORT = os.environ.get("TECHPORTAL_PG_PORT", "54329")
FAULTS_DATABASE = "techportal_faults"
REDIS_PORT = os.environ["FAULTS_REDIS_PORT"]

os.environ.update(
    {
        "TECHPORTAL_ENV_FILE": os.devnull,
        # FAULTS_DATABASE_URL: the throwaway cluster of the test's database phase.
        "DATABASE_URL": os.environ.get(
            "FAULTS_DATABASE_URL",
            f"postgres://techportal:techportal@127.0.0.1:{PG_PORT}/{FAULTS_DATABASE}",
        ),
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
        "SECRET_KEY": "faults-only-secret-key-not-for-production",
        "DEBUG": "0",
        # django-environ drops the path's first "/": an absolute path needs a fourth one.
        "EMAIL_URL": f"filemail:///{os.environ['FAULTS_MAIL_DIR']}",
        "SIGNUP_RATE_LIMIT": "1000000/h",  # all posts come from one address
        "SIGNUP_SWEEP_INTERVAL": os.environ.get("FAULTS_SWEEP_INTERVAL", "2"),
        "SIGNUP_REQUEUE_AFTER": os.environ.get("FAULTS_REQUEUE_AFTER", "5"),
        "SIGNUP_EMAIL_REQUEUE_AFTER": os.environ.get("FAULTS_EMAIL_REQUEUE_AFTER", "10"),
        "SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": "http://127.0.0.1:8000",
    }
)
os.environ.setdefault("LOG_LEVEL", "WARNING")

from techportal.settings.base import *  # noqa: E402, F403
from techportal.settings.base import STORAGES  # noqa: E402

# No collectstatic for a test run: pages link their assets without a manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = None
