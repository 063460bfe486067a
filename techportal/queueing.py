"""Queueing Celery tasks after the transaction that made their rows commits."""

import logging
from functools import partial

from celery import Task
from django.conf import settings
from django.core.cache import cache
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


# --- coalescing: one queued task for many rows that one run handles together -----------------


def _flag(task: Task) -> str:
    # Per queue, so test runs (each with its own queue) never share a flag.
    return f"queued:{task.name}:{settings.CELERY_TASK_DEFAULT_QUEUE}"


def enqueue_coalesced_on_commit(task: Task, *, ttl: float = 2.0) -> None:
    """Queue `task()` on commit, unless a run of it is already queued and not yet started.

    For tasks that handle every waiting row at once (see `matching.tasks.route_signups`): a
    burst of a hundred sign-ups then queues a few runs, not a hundred. The task calls
    `coalesced_task_started` before it reads the rows, so a row committed after that queues a
    new run. The flag expires after `ttl` seconds, so a run lost with its worker is no reason
    to wait for the sweep. Without Redis it queues anyway (and that fails to the sweep).
    """
    transaction.on_commit(partial(_enqueue_unless_queued, task, ttl))


def _enqueue_unless_queued(task: Task, ttl: float) -> None:
    try:
        first = cache.add(_flag(task), 1, timeout=ttl)
    except Exception:  # the cache is unreachable: queueing may still work
        logger.warning("Could not check whether %s is queued", task.name, exc_info=True)
        first = True
    if first:
        enqueue(task)


def coalesced_task_started(task: Task) -> None:
    """Called first thing in a coalesced task: rows committed from now on queue a new run."""
    try:
        cache.delete(_flag(task))
    except Exception:
        logger.warning("Could not clear the queued flag of %s", task.name, exc_info=True)
