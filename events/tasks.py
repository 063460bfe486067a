"""Celery tasks of events: each takes ids, loads the rows and calls one service.

Emails (`notify_*`, `send_*`) go on the mail queue (CELERY_TASK_ROUTES).
"""


# --- workshop hosts (helper "organiser") ----------------------------------------------------

from typing import Any

from celery import shared_task
from django.db import OperationalError

# SMTP servers fail now and then; the service only marks an email sent once it went out.
HOST_MAIL_RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(**HOST_MAIL_RETRY)
def notify_workshop_host(workshop_id: int) -> None:
    from .services.hosts import workshop_host_notify

    workshop_host_notify(workshop_id=workshop_id)


# --- class registrations (helper "registrations"); each email once (services/registrations.py)

from matching.tasks import MAIL_RETRY  # noqa: E402


@shared_task(**MAIL_RETRY)
def notify_registration(registration_id: int) -> None:
    from .services.registrations import registration_notify

    registration_notify(registration_id=registration_id)


@shared_task(**MAIL_RETRY)
def notify_event_cancelled_teacher(registration_id: int) -> None:
    from .services.registrations import registration_notify_event_cancelled

    registration_notify_event_cancelled(registration_id=registration_id)


@shared_task(**MAIL_RETRY)
def notify_event_cancelled_host(workshop_id: int) -> None:
    from .services.registrations import workshop_notify_event_cancelled

    workshop_notify_event_cancelled(workshop_id=workshop_id)
