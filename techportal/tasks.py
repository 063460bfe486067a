"""Celery tasks of the project package: the nightly privacy purge (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.db import OperationalError

from .privacy.purge import personal_data_purge


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=60, max_retries=5
)
def purge_personal_data() -> dict[str, int]:
    """Remove or anonymise what is past its retention period; running it twice does no harm."""
    return personal_data_purge()
