"""Settings come from the environment and fail loudly when something essential is missing."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from techportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "EMAIL_URL", "REDIS_URL", "CACHE_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        cwd=ROOT,
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "techportal.settings.base", "TECHPORTAL_ENV_FILE": os.devnull}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_secret_key_and_debug_off_settings_refuse_to_load():
    result = run_with_env("print('loaded')", DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "loaded" not in result.stdout


def test_debug_mode_runs_without_a_secret_key():
    result = run_with_env("print(settings.DEBUG, bool(settings.SECRET_KEY))", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


def test_services_and_hosts_come_from_the_environment():
    result = run_with_env(
        "d = settings.DATABASES['default']; "
        "print(d['HOST'], d['PORT'], d['NAME'], settings.CELERY_BROKER_URL, "
        "settings.ALLOWED_HOSTS, settings.EMAIL_BACKEND)",
        SECRET_KEY="x" * 50,
        DEBUG="0",
        DATABASE_URL="postgres://u:p@db.internal:5433/portal",
        REDIS_URL="redis://queue.internal:6380/2",
        ALLOWED_HOSTS="techportal.nl,www.techportal.nl",
        EMAIL_URL="smtp://mailer.internal:587",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 4)[:4] == [
        "db.internal",
        "5433",
        "portal",
        "redis://queue.internal:6380/2",
    ]
    assert "['techportal.nl', 'www.techportal.nl']" in result.stdout
    assert "django.core.mail.backends.smtp.EmailBackend" in result.stdout


def test_a_malformed_database_url_fails_loudly():
    result = run_with_env(
        "print('loaded')", SECRET_KEY="x" * 50, EMAIL_URL="dummymail://", DATABASE_URL="nonsense"
    )

    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr
    assert "loaded" not in result.stdout


def test_the_site_speaks_dutch_in_amsterdam_time():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
    assert settings.TIME_ZONE == "Europe/Amsterdam"


def test_celery_is_configured_for_safe_at_least_once_delivery():
    conf = celery_app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > 10 * conf.task_time_limit


def test_without_email_url_and_debug_off_settings_refuse_to_load():
    result = run_with_env("print('loaded')", SECRET_KEY="x" * 50, DEBUG="0")

    assert result.returncode != 0
    assert "EMAIL_URL is not set" in result.stderr
    assert "loaded" not in result.stdout


def test_the_cache_uses_its_own_redis_database_next_to_the_broker():
    result = run_with_env(
        "print(settings.CELERY_BROKER_URL, settings.CACHES['default']['LOCATION'])",
        DEBUG="1",
        REDIS_URL="redis://queue.internal:6380/4",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "redis://queue.internal:6380/4",
        "redis://queue.internal:6380/5",
    ]
