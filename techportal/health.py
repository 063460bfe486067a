"""Checks behind /health/: the database, the Celery broker and at least one live worker."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

from .celery import app as celery_app


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    ms: float
    detail: str = ""

    def as_dict(self) -> dict:
        return {"ok": self.ok, "ms": round(self.ms, 1), "detail": self.detail}


def _timed(check: Callable[[], str]) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # any failure means "down"; the detail says why
        return CheckResult(False, (time.perf_counter() - started) * 1000, type(exc).__name__)
    return CheckResult(True, (time.perf_counter() - started) * 1000, detail)


def check_database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return ""


def _broker_connection():
    return celery_app.connection_for_write(
        settings.CELERY_BROKER_URL,
        connect_timeout=settings.HEALTH_CHECK_TIMEOUT,
        transport_options={
            "socket_timeout": settings.HEALTH_CHECK_TIMEOUT,
            "socket_connect_timeout": settings.HEALTH_CHECK_TIMEOUT,
        },
    )


def check_broker() -> str:
    with _broker_connection() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
        conn.default_channel.client.ping()
    return ""


def check_workers() -> str:
    with _broker_connection() as conn:
        # limit=1: answer as soon as one worker replies instead of waiting out the timeout.
        replies = celery_app.control.ping(
            timeout=settings.HEALTH_CHECK_TIMEOUT, connection=conn, limit=1
        )
    if not replies:
        raise WorkerUnavailable
    return "a worker answered"


class WorkerUnavailable(Exception):
    """No worker answered the ping in time."""


def run_checks() -> dict[str, CheckResult]:
    results = {"database": _timed(check_database), "broker": _timed(check_broker)}
    # Pinging workers needs the broker; don't wait for a second timeout when it is down.
    if results["broker"].ok:
        results["workers"] = _timed(check_workers)
    else:
        results["workers"] = CheckResult(False, 0.0, "broker down")
    return results
