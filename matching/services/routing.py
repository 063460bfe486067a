"""Routing a sign-up to a coordinator; the periodic sweep that requeues, reminds, escalates."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from organisations.models import Coordinator
from organisations.queries import region_for_postcode
from techportal.queueing import enqueue, enqueue_on_commit

from .. import queries
from ..models import SignUp, SignUpEvent

logger = logging.getLogger(__name__)


def _least_loaded(candidates) -> Coordinator | None:
    """Lock the candidates (routing in one region runs one at a time), then pick one."""
    ids = list(
        candidates.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True)
    )
    if not ids:
        return None
    return queries.with_open_load(Coordinator.objects.filter(pk__in=ids)).first()


def _national_desk() -> Coordinator | None:
    return _least_loaded(queries.active_coordinators().filter(is_national_desk=True))


def assign_coordinator(signup: SignUp, coordinator: Coordinator, now: datetime) -> None:
    signup.coordinator = coordinator
    signup.coordinator_notified_at = None
    Coordinator.objects.filter(pk=coordinator.pk).update(last_assigned_at=now)
    from ..tasks import notify_coordinator

    enqueue_on_commit(notify_coordinator, signup.pk)


@transaction.atomic
def signup_route(*, signup_id: int) -> SignUp | None:
    """Hand a received sign-up to a coordinator; None when there was nothing to do.

    The row lock is the claim: a second run (a repeated task, the sweep) waits, then finds the
    sign-up routed and does nothing. A worker that dies mid-way rolls back to `received`.
    """
    signup = (
        SignUp.objects.select_for_update(skip_locked=True)
        .filter(pk=signup_id, status=SignUp.Status.RECEIVED)
        .first()
    )
    if signup is None:
        return None
    region = region_for_postcode(signup.postcode)
    coordinator = None
    if region is not None:
        coordinator = _least_loaded(queries.active_coordinators().filter(regions=region))
    if coordinator is None:
        coordinator = _national_desk()
    if coordinator is None:
        _record_once(signup, SignUpEvent.Kind.NOT_ROUTED, "Geen actieve coördinator gevonden.")
        logger.error("Sign-up %s has no coordinator: add a national desk", signup.reference)
        return None

    now = timezone.now()
    signup.status = SignUp.Status.ROUTED
    signup.routed_at = now
    signup.region = region
    assign_coordinator(signup, coordinator, now)
    signup.save(
        update_fields=["status", "routed_at", "region", "coordinator", "coordinator_notified_at"]
    )
    where = f"regio {region}" if region else "buiten de regio's: landelijke desk"
    SignUpEvent.objects.create(
        signup=signup,
        at=now,
        kind=SignUpEvent.Kind.ROUTED,
        message=f"Toegewezen aan {coordinator} ({where}).",
    )
    from ..tasks import send_confirmation

    enqueue_on_commit(send_confirmation, signup.pk)
    return signup


def _record_once(signup: SignUp, kind: str, message: str) -> None:
    if not signup.events.filter(kind=kind).exists():
        SignUpEvent.objects.create(signup=signup, kind=kind, message=message)


# --- the sweep --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    reminded: int
    escalated: int


def signups_sweep(*, now: datetime | None = None) -> SweepResult:
    """Queue routing again for sign-ups left `received`, and remind or escalate untriaged ones."""
    now = now or timezone.now()
    return SweepResult(
        requeued=_requeue_received(now),
        reminded=_remind_untriaged(now),
        escalated=_escalate_untriaged(now),
    )


def _requeue_received(now: datetime, limit: int = 1000) -> int:
    from ..tasks import route_signup

    stale = SignUp.objects.filter(
        status=SignUp.Status.RECEIVED,
        received_at__lt=now - timedelta(seconds=settings.SIGNUP_REQUEUE_AFTER),
    )
    ids = list(stale.order_by("received_at").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    already_noted = SignUpEvent.objects.filter(
        signup=OuterRef("pk"), kind=SignUpEvent.Kind.REQUEUED
    )
    SignUpEvent.objects.bulk_create(
        SignUpEvent(signup_id=pk, at=now, kind=SignUpEvent.Kind.REQUEUED, message="Opnieuw")
        for pk in SignUp.objects.filter(pk__in=ids)
        .exclude(Exists(already_noted))
        .values_list("pk", flat=True)
    )
    return sum(enqueue(route_signup, pk) for pk in ids)


@transaction.atomic
def _remind_untriaged(now: datetime) -> int:
    due = list(
        SignUp.objects.select_for_update(skip_locked=True).filter(
            status=SignUp.Status.ROUTED,
            reminded_at__isnull=True,
            escalated_at__isnull=True,
            routed_at__lt=queries.reminder_due_before(now),
        )
    )
    from ..tasks import send_reminder

    for signup in due:
        signup.reminded_at = now
        enqueue_on_commit(send_reminder, signup.pk)
    SignUp.objects.bulk_update(due, ["reminded_at"])
    SignUpEvent.objects.bulk_create(
        SignUpEvent(
            signup=signup,
            at=now,
            kind=SignUpEvent.Kind.REMINDED,
            message="Herinnering: nog niet in behandeling genomen.",
        )
        for signup in due
    )
    return len(due)


@transaction.atomic
def _escalate_untriaged(now: datetime) -> int:
    due = list(
        SignUp.objects.select_for_update(skip_locked=True).filter(
            status=SignUp.Status.ROUTED,
            escalated_at__isnull=True,
            routed_at__lt=queries.escalation_due_before(now),
        )
    )
    escalated = 0
    for signup in due:
        desk = _national_desk()
        if desk is None:
            logger.error("Cannot escalate %s: there is no national desk", signup.reference)
            break
        signup.escalated_at = now
        assign_coordinator(signup, desk, now)
        signup.save(update_fields=["escalated_at", "coordinator", "coordinator_notified_at"])
        SignUpEvent.objects.create(
            signup=signup,
            at=now,
            kind=SignUpEvent.Kind.ESCALATED,
            message=f"Na {settings.SIGNUP_ESCALATE_AFTER_WORKING_DAYS} werkdagen "
            f"overgedragen aan de landelijke desk ({desk}).",
        )
        escalated += 1
    return escalated
