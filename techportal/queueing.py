"""Queueing Celery tasks after the transaction that made their rows commits."""

import logging
from functools import partial

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: object) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one).

    When the broker cannot be reached the request still succeeds: the row stays in its
    waiting state and the periodic sweep queues it again.
    """
    transaction.on_commit(partial(enqueue, task, *args))


def enqueue(task: Task, *args: object) -> bool:
    try:
        task.apply_async(args=args)
    except Exception:  # the broker is down or unreachable; the database still has the work
        logger.warning("Could not queue %s%r; the sweep will retry", task.name, args, exc_info=True)
        return False
    return True
