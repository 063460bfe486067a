"""What a coordinator does with a sign-up in /beheer/: triage, reassign, publish, decline, close."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Offer
from organisations.models import Coordinator
from techportal.queueing import enqueue_on_commit

from .. import queries
from ..models import SignUp, SignUpEvent
from .routing import assign_coordinator

# The user acting in /beheer/; None when the system acts (tests, the sweep).
Actor = User | None


def _locked(signup: SignUp, *statuses: str) -> SignUp | None:
    """The sign-up, locked, if it is (still) in one of `statuses`."""
    return (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=signup.pk, status__in=statuses)
        .first()
    )


@transaction.atomic
def signup_take_in_triage(*, signup: SignUp, actor: Actor) -> bool:
    locked = _locked(signup, SignUp.Status.ROUTED)
    if locked is None:
        return False
    locked.status = SignUp.Status.IN_TRIAGE
    locked.triage_started_at = timezone.now()
    locked.save(update_fields=["status", "triage_started_at"])
    SignUpEvent.objects.create(signup=locked, kind=SignUpEvent.Kind.TRIAGE, actor=actor)
    return True


@transaction.atomic
def signup_reassign(*, signup: SignUp, coordinator: Coordinator, actor: Actor) -> bool:
    """Give an open sign-up to another coordinator who covers its region (or the national desk)."""
    locked = _locked(signup, SignUp.Status.ROUTED, SignUp.Status.IN_TRIAGE)
    if locked is None or locked.coordinator_id == coordinator.pk:
        return False
    if not queries.coordinators_for_region(locked.region).filter(pk=coordinator.pk).exists():
        raise ValidationError(
            _("%(coordinator)s behandelt de regio van %(reference)s niet.")
            % {"coordinator": coordinator, "reference": locked.reference}
        )
    assign_coordinator(locked, coordinator, timezone.now())
    locked.save(update_fields=["coordinator", "coordinator_notified_at"])
    SignUpEvent.objects.create(
        signup=locked,
        kind=SignUpEvent.Kind.REASSIGNED,
        actor=actor,
        message=f"Overgedragen aan {coordinator}.",
    )
    return True


@transaction.atomic
def signup_publish_offers(*, signup: SignUp, actor: Actor) -> int:
    """Publish the sign-up's draft offers; returns how many."""
    locked = _locked(signup, *SignUp.OPEN_STATUSES, SignUp.Status.CLOSED)
    if locked is None:
        return 0
    now = timezone.now()
    count = locked.offers.filter(status=Offer.Status.DRAFT).update(
        status=Offer.Status.PUBLISHED, published_at=now, updated_at=now
    )
    if count:
        SignUpEvent.objects.create(
            signup=locked,
            at=now,
            kind=SignUpEvent.Kind.PUBLISHED,
            actor=actor,
            message=f"{count} × aanbod gepubliceerd.",
        )
    return count


@transaction.atomic
def signup_decline(*, signup: SignUp, reason: str, actor: Actor) -> bool:
    """Decline an open sign-up; the company gets an email with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Geef een reden op; het bedrijf krijgt die te lezen."))
    locked = _locked(signup, *SignUp.OPEN_STATUSES)
    if locked is None:
        return False
    now = timezone.now()
    locked.status = SignUp.Status.DECLINED
    locked.decline_reason = reason
    locked.closed_at = now
    if locked.routed_at is None:
        locked.routed_at = now
    locked.save(update_fields=["status", "decline_reason", "closed_at", "routed_at"])
    locked.offers.filter(status=Offer.Status.DRAFT).update(
        status=Offer.Status.ARCHIVED, updated_at=now
    )
    SignUpEvent.objects.create(
        signup=locked, at=now, kind=SignUpEvent.Kind.DECLINED, actor=actor, message=reason
    )
    from ..tasks import send_decline

    enqueue_on_commit(send_decline, locked.pk)
    return True


@transaction.atomic
def signup_close(*, signup: SignUp, actor: Actor) -> bool:
    locked = _locked(signup, SignUp.Status.ROUTED, SignUp.Status.IN_TRIAGE)
    if locked is None:
        return False
    locked.status = SignUp.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    SignUpEvent.objects.create(signup=locked, kind=SignUpEvent.Kind.CLOSED, actor=actor)
    return True
