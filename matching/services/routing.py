"""Routing a sign-up to a coordinator; the periodic sweep that requeues, reminds, escalates."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from organisations.models import Coordinator
from organisations.queries import regions_for_postcodes
from techportal.queueing import enqueue, enqueue_coalesced_on_commit, enqueue_on_commit

from .. import queries
from ..models import SignUp, SignUpEvent
from .emails import unsent_emails

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
    """Hand one received sign-up to a coordinator; None when there was nothing to do."""
    claimed = list(
        SignUp.objects.select_for_update(skip_locked=True).filter(
            pk=signup_id, status=SignUp.Status.RECEIVED
        )
    )
    routed = _route(claimed)
    return routed[0] if routed else None


@transaction.atomic
def signups_route_pending(*, limit: int = 100) -> list[SignUp]:
    """Route the oldest received sign-ups, up to `limit`, in one transaction.

    Each queued routing task calls this: in a burst the first task routes many sign-ups at
    once (a handful of queries per batch, not per sign-up) and the tasks after it find
    little left to do.
    """
    claimed = list(
        SignUp.objects.select_for_update(skip_locked=True)
        .filter(status=SignUp.Status.RECEIVED)
        .order_by("received_at", "pk")[:limit]
    )
    return _route(claimed)


@dataclass
class _Candidate:
    coordinator: Coordinator
    load: int
    last_assigned_at: datetime | None

    def sort_key(self) -> tuple:
        waited = self.last_assigned_at.timestamp() if self.last_assigned_at else float("-inf")
        return (self.load, waited, self.coordinator.pk)


def _route(claimed: list[SignUp]) -> list[SignUp]:
    """Assign the claimed (row-locked) sign-ups to coordinators.

    The claim is the row lock: a repeated task or the sweep skips rows another worker holds,
    and finds them routed once it commits. A worker that dies mid-way rolls back to
    `received`. The candidates' rows are locked too (in primary-key order), so two batches
    never count the same coordinator's load at once.
    """
    if not claimed:
        return []
    region_of = regions_for_postcodes([signup.postcode for signup in claimed])
    regions = {region.pk: region for region in region_of.values() if region is not None}
    covering = queries.active_coordinators().filter(
        Q(regions__in=regions) | Q(is_national_desk=True)
    )
    locked = list(
        Coordinator.objects.filter(pk__in=covering.values("pk"))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    candidates = {
        coordinator.pk: _Candidate(
            coordinator,
            coordinator.open_load,  # type: ignore[attr-defined]  # annotated
            coordinator.last_assigned_at,
        )
        for coordinator in queries.with_open_load(
            Coordinator.objects.filter(pk__in=locked)
        ).select_related("user")
    }
    members: dict[int, list[int]] = {}
    for coordinator_id, region_id in Coordinator.regions.through.objects.filter(
        coordinator_id__in=locked, region_id__in=regions
    ).values_list("coordinator_id", "region_id"):
        members.setdefault(region_id, []).append(coordinator_id)
    desk = [pk for pk, c in candidates.items() if c.coordinator.is_national_desk]

    now = timezone.now()
    routed, events = [], []
    for signup in claimed:
        region = region_of[signup.postcode]
        pool = members.get(region.pk, []) if region else []
        pick = min((candidates[pk] for pk in pool or desk), key=_Candidate.sort_key, default=None)
        if pick is None:
            _record_once(signup, SignUpEvent.Kind.NOT_ROUTED, "Geen actieve coördinator gevonden.")
            logger.error("Sign-up %s has no coordinator: add a national desk", signup.reference)
            continue
        pick.load += 1
        pick.last_assigned_at = now
        signup.status = SignUp.Status.ROUTED
        signup.routed_at = now
        signup.region = region
        signup.coordinator = pick.coordinator
        signup.coordinator_notified_at = None
        where = f"regio {region}" if region else "buiten de regio's: landelijke desk"
        events.append(
            SignUpEvent(
                signup=signup,
                at=now,
                kind=SignUpEvent.Kind.ROUTED,
                message=f"Toegewezen aan {pick.coordinator} ({where}).",
            )
        )
        routed.append(signup)
    if not routed:
        return []
    SignUp.objects.bulk_update(
        routed, ["status", "routed_at", "region", "coordinator", "coordinator_notified_at"]
    )
    Coordinator.objects.filter(pk__in={signup.coordinator_id for signup in routed}).update(
        last_assigned_at=now
    )
    SignUpEvent.objects.bulk_create(events)
    from ..tasks import notify_coordinator, send_confirmation

    for signup in routed:
        enqueue_on_commit(notify_coordinator, signup.pk)
        enqueue_on_commit(send_confirmation, signup.pk)
    return routed


def _record_once(signup: SignUp, kind: str, message: str) -> None:
    if not signup.events.filter(kind=kind).exists():
        SignUpEvent.objects.create(signup=signup, kind=kind, message=message)


# --- the sweep --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    reminded: int
    escalated: int
    unsent_emails: int = 0


def signups_sweep(*, now: datetime | None = None) -> SweepResult:
    """Queue routing and emails again when they wait too long; remind or escalate untriaged."""
    now = now or timezone.now()
    return SweepResult(
        requeued=_requeue_received(now),
        reminded=_remind_untriaged(now),
        escalated=_escalate_untriaged(now),
        unsent_emails=_queue_unsent_emails(now),
    )


@transaction.atomic
def _requeue_received(now: datetime, limit: int = 1000) -> int:
    """Queue routing again when sign-ups wait too long; one run routes them all.

    One sweep at a time notes the sign-ups it requeues: after a worker's restart, sweeps that
    queued up meanwhile run side by side, and would each note the same sign-up in its history.
    """
    from ..tasks import route_signups

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('matching.requeue_received'))")
        if not cursor.fetchone()[0]:
            return 0  # another sweep is at it
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
    return len(ids) if enqueue(route_signups) else 0


def _queue_unsent_emails(now: datetime) -> int:
    """Queue one run that sends the emails of routed sign-ups that did not go out in time.

    Their task may have gone with a worker killed before acknowledging it (Redis hands such a
    message out again only after the visibility timeout, an hour), or never reached Redis. One
    coalesced run for all of them, not a task each: when the mail queue runs behind, a task per
    email at every sweep would only make it longer.
    """
    from ..tasks import send_unsent_emails

    unsent = unsent_emails(now=now)
    if unsent:
        enqueue_coalesced_on_commit(send_unsent_emails, ttl=settings.SIGNUP_SWEEP_INTERVAL)
    return len(unsent)


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
