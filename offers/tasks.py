"""Celery tasks of the catalogue: each takes ids, loads the rows and calls one service.

Emails (`notify_*`, `send_*`) go on the mail queue (CELERY_TASK_ROUTES).
"""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from techportal.queueing import enqueue_on_commit

from .services import saved_searches

# --- saved searches ------------------------------------------------------------------------------

# SMTP servers and the database fail now and then; the services only mark an email sent once it
# went out, and a repeat of a sent one does nothing.
SAVED_SEARCH_MAIL_RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(**SAVED_SEARCH_MAIL_RETRY)
def send_saved_search_confirmation(saved_search_id: int) -> None:
    saved_searches.saved_search_send_confirmation(saved_search_id=saved_search_id)


@shared_task(**SAVED_SEARCH_MAIL_RETRY)
def send_saved_search_digest(saved_search_id: int) -> None:
    saved_searches.saved_search_send_digest(saved_search_id=saved_search_id)


@shared_task(**SAVED_SEARCH_MAIL_RETRY)
def send_saved_search_digests() -> int:
    """Weekly (beat): queue one digest task per due search; returns how many were queued."""
    queued = 0
    for saved_search_id in saved_searches.saved_searches_due().iterator(chunk_size=2000):
        enqueue_on_commit(send_saved_search_digest, saved_search_id)
        queued += 1
    return queued


# --- a teacher's request for an offer: each email at most once (see services/requests.py) ---

from matching.tasks import MAIL_RETRY  # noqa: E402

from .services import requests as request_services  # noqa: E402


@shared_task(**MAIL_RETRY)
def notify_request_company(request_id: int) -> None:
    request_services.offer_request_notify_company(request_id=request_id)


@shared_task(**MAIL_RETRY)
def notify_request_coordinator(request_id: int) -> None:
    request_services.offer_request_notify_coordinator(request_id=request_id)


@shared_task(**MAIL_RETRY)
def send_request_receipt(request_id: int) -> None:
    request_services.offer_request_send_receipt(request_id=request_id)


@shared_task(**MAIL_RETRY)
def send_request_answer(request_id: int) -> None:
    request_services.offer_request_send_answer(request_id=request_id)


# --- the catalogue's spelling vocabulary (hourly, CELERY_BEAT_SCHEDULE) -----------------------

from .services.search_words import search_words_rebuild  # noqa: E402


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=60, max_retries=5
)
def rebuild_search_words() -> None:
    """Refresh the words "Bedoelde u …?" suggests from; running it twice does no harm."""
    search_words_rebuild()
