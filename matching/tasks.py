"""Celery tasks for sign-ups: each takes an id and calls one service; repeats do no harm."""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from techportal.queueing import coalesced_task_started

from . import services

ROUTING_BATCH = 100

# A database hiccup is worth a few retries; anything else is a bug and shows in the logs.
RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}
# SMTP servers fail now and then; the services only mark an email sent once it went out.
MAIL_RETRY: dict[str, Any] = RETRY | {
    "autoretry_for": (OperationalError, OSError),
    "max_retries": 8,
}


@shared_task(**RETRY)
def route_signups() -> None:
    """Route every sign-up waiting, in batches; queued (coalesced) by each new sign-up."""
    coalesced_task_started(route_signups)
    while len(services.signups_route_pending(limit=ROUTING_BATCH)) == ROUTING_BATCH:
        pass  # a full batch: there may be more


@shared_task(**MAIL_RETRY)
def notify_coordinator(signup_id: int) -> None:
    services.signup_notify_coordinator(signup_id=signup_id)


@shared_task(**MAIL_RETRY)
def send_confirmation(signup_id: int) -> None:
    services.signup_send_confirmation(signup_id=signup_id)


@shared_task(**MAIL_RETRY)
def send_reminder(signup_id: int) -> None:
    services.signup_send_reminder(signup_id=signup_id)


@shared_task(**MAIL_RETRY)
def send_decline(signup_id: int) -> None:
    services.signup_send_decline(signup_id=signup_id)


@shared_task(**MAIL_RETRY)
def send_unsent_emails() -> int:
    """Queued (coalesced) by the sweep: the emails whose own task went missing."""
    coalesced_task_started(send_unsent_emails)
    return services.signups_send_unsent_emails()


@shared_task(**RETRY)
def sweep_signups() -> dict[str, int]:
    result = services.signups_sweep()
    return {
        "requeued": result.requeued,
        "reminded": result.reminded,
        "escalated": result.escalated,
        "unsent_emails": result.unsent_emails,
    }


# --- matches ------------------------------------------------------------------------------------


@shared_task(**MAIL_RETRY)
def send_match_invitation(match_id: int, side: str) -> None:
    services.match_send_invitation(match_id=match_id, side=side)


@shared_task(**MAIL_RETRY)
def send_match_status(match_id: int) -> None:
    services.match_send_status(match_id=match_id)


@shared_task(**MAIL_RETRY)
def send_match_reminder(match_id: int, kind: str) -> None:
    services.match_send_reminder(match_id=match_id, kind=kind)


@shared_task(**RETRY)
def remind_matches() -> int:
    """Daily (beat): queue the reminders of matches that wait on someone; each goes out once."""
    return services.matches_remind()
