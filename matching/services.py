"""Writes about sign-ups: intake, routing, the sweep, triage and their emails.

Every service is atomic, guards itself by the sign-up's status (running it twice does no harm)
and queues follow-up work only through `enqueue_on_commit`.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Location, Offer, OfferKind
from organisations.models import Contact, Coordinator, Organisation
from organisations.queries import region_for_postcode
from techportal.mail import send_templated_mail
from techportal.queueing import enqueue, enqueue_on_commit

from . import queries
from .models import SignUp, SignUpEvent

logger = logging.getLogger(__name__)

Actor = AbstractBaseUser | None


# --- intake -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CompanyDetails:
    name: str
    kvk_number: str
    street_address: str
    postcode: str
    city: str
    website: str = ""
    worlds: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ContactDetails:
    name: str
    email: str
    role: str = ""
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class OfferDetails:
    kind: OfferKind
    title: str
    description: str
    levels: list[str]
    location: Location
    group_size: int | None = None
    available_from: date | None = None
    available_until: date | None = None

    @property
    def on_request(self) -> bool:
        return self.available_from is None


def _next_reference(now: datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('matching_signup_reference_seq')")
        (number,) = cursor.fetchone()
    return f"TP-{timezone.localtime(now).year}-{number:05d}"


def _company_find_or_create(details: CompanyDetails) -> Organisation:
    """The organisation with this KvK number; a new company when there is none.

    A sign-up never overwrites what we know: it only fills in empty fields and adds worlds.
    """
    company, created = Organisation.objects.get_or_create(
        kvk_number=details.kvk_number,
        defaults={
            "kind": Organisation.Kind.COMPANY,
            "name": details.name,
            "street_address": details.street_address,
            "postcode": details.postcode,
            "city": details.city,
            "website": details.website,
            "worlds": details.worlds,
        },
    )
    if created:
        return company
    changed = set()
    for name in ("street_address", "postcode", "city", "website"):
        if not getattr(company, name) and getattr(details, name):
            setattr(company, name, getattr(details, name))
            changed.add(name)
    new_worlds = [world for world in details.worlds if world not in company.worlds]
    if new_worlds:
        company.worlds = [*company.worlds, *new_worlds]
        changed.add("worlds")
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
    return company


def _contact_find_or_create(company: Organisation, details: ContactDetails) -> Contact:
    contact, created = Contact.objects.get_or_create(
        organisation=company,
        email__iexact=details.email,
        defaults={
            "email": details.email,
            "name": details.name,
            "role": details.role,
            "phone": details.phone,
        },
    )
    if not created:
        changed = [
            name
            for name in ("role", "phone")
            if not getattr(contact, name) and getattr(details, name)
        ]
        for name in changed:
            setattr(contact, name, getattr(details, name))
        if changed:
            contact.save(update_fields=changed)
    return contact


@transaction.atomic
def signup_create(
    *,
    submission_token: uuid.UUID,
    company: CompanyDetails,
    contact: ContactDetails,
    offers: list[OfferDetails],
    wants_event_workshop: bool = False,
    message: str = "",
) -> tuple[SignUp, bool]:
    """Store a submitted aanmeldformulier; returns the sign-up and whether it is new.

    The same form submitted twice (a double click, back and resubmit) has the same token and
    returns the first sign-up. Routing is queued once the transaction commits.
    """
    if not offers:
        raise ValidationError(_("Kies ten minste één soort aanbod."))
    # Two concurrent submits of one form wait here for each other instead of both inserting.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [str(submission_token)])
    existing = SignUp.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False

    now = timezone.now()
    organisation = _company_find_or_create(company)
    person = _contact_find_or_create(organisation, contact)
    signup = SignUp.objects.create(
        reference=_next_reference(now),
        submission_token=submission_token,
        organisation=organisation,
        contact=person,
        postcode=company.postcode,
        wants_event_workshop=wants_event_workshop,
        message=message,
        consent_at=now,
        received_at=now,
    )
    Offer.objects.bulk_create(
        Offer(
            organisation=organisation,
            signup=signup,
            kind=offer.kind,
            title=offer.title,
            description=offer.description,
            levels=offer.levels,
            worlds=company.worlds,
            group_size=offer.group_size,
            on_request=offer.on_request,
            available_from=offer.available_from,
            available_until=offer.available_until,
            location=offer.location,
        )
        for offer in offers
    )
    SignUpEvent.objects.create(
        signup=signup, at=now, kind=SignUpEvent.Kind.RECEIVED, message="Aanmeldformulier ingevuld."
    )
    from .tasks import route_signup

    enqueue_on_commit(route_signup, signup.pk)
    return signup, True


# --- routing ----------------------------------------------------------------------------------


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


def _assign(signup: SignUp, coordinator: Coordinator, now: datetime) -> None:
    signup.coordinator = coordinator
    signup.coordinator_notified_at = None
    Coordinator.objects.filter(pk=coordinator.pk).update(last_assigned_at=now)
    from .tasks import notify_coordinator

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
    _assign(signup, coordinator, now)
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
    from .tasks import send_confirmation

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
    from .tasks import route_signup

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
    from .tasks import send_reminder

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
        _assign(signup, desk, now)
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


# --- triage -----------------------------------------------------------------------------------


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
    _assign(locked, coordinator, timezone.now())
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
    from .tasks import send_decline

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


# --- emails -----------------------------------------------------------------------------------


def _email_context(signup: SignUp) -> dict:
    return {
        "signup": signup,
        "company": signup.organisation,
        "contact": signup.contact,
        "coordinator": signup.coordinator,
        "offers": list(signup.offers.order_by("pk")),
        "admin_url": settings.SITE_URL
        + reverse("admin:matching_signup_change", args=[signup.pk]),
        "status_url": queries.status_url(signup),
        "remind_days": settings.SIGNUP_REMIND_AFTER_WORKING_DAYS,
        "escalate_days": settings.SIGNUP_ESCALATE_AFTER_WORKING_DAYS,
    }


def _signup_for_email(signup_id: int, **conditions) -> SignUp | None:
    return (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("organisation", "contact", "coordinator__user", "region")
        .filter(pk=signup_id, **conditions)
        .first()
    )


def _emailed(signup: SignUp, message: str) -> None:
    SignUpEvent.objects.create(signup=signup, kind=SignUpEvent.Kind.EMAILED, message=message)


@transaction.atomic
def signup_notify_coordinator(*, signup_id: int) -> bool:
    """Email the assigned coordinator, once per assignment. The row lock makes a repeat wait."""
    signup = _signup_for_email(
        signup_id, coordinator__isnull=False, coordinator_notified_at__isnull=True
    )
    if signup is None or signup.coordinator is None:
        return False
    user = signup.coordinator.user
    if user.email:
        send_templated_mail(
            template="signup_assigned",
            to=[user.email],
            context=_email_context(signup) | {"escalated": signup.escalated_at is not None},
        )
        _emailed(signup, f"Coördinator {signup.coordinator} ingelicht.")
    signup.coordinator_notified_at = timezone.now()
    signup.save(update_fields=["coordinator_notified_at"])
    return True


@transaction.atomic
def signup_send_confirmation(*, signup_id: int) -> bool:
    """Confirm to the company, with the private status link; once per sign-up."""
    signup = _signup_for_email(signup_id, company_notified_at__isnull=True)
    if signup is None:
        return False
    send_templated_mail(
        template="signup_confirmation",
        to=[signup.contact.email],
        context=_email_context(signup),
    )
    _emailed(signup, f"Bevestiging gestuurd aan {signup.contact.email}.")
    signup.company_notified_at = timezone.now()
    signup.save(update_fields=["company_notified_at"])
    return True


@transaction.atomic
def signup_send_reminder(*, signup_id: int) -> bool:
    signup = _signup_for_email(signup_id, status=SignUp.Status.ROUTED, coordinator__isnull=False)
    if signup is None or signup.coordinator is None or not signup.coordinator.user.email:
        return False
    send_templated_mail(
        template="signup_reminder",
        to=[signup.coordinator.user.email],
        context=_email_context(signup),
    )
    return True


@transaction.atomic
def signup_send_decline(*, signup_id: int) -> bool:
    signup = _signup_for_email(signup_id, status=SignUp.Status.DECLINED)
    if signup is None:
        return False
    reply_to = [signup.coordinator.user.email] if signup.coordinator else None
    send_templated_mail(
        template="signup_declined",
        to=[signup.contact.email],
        context=_email_context(signup),
        reply_to=reply_to if reply_to and reply_to[0] else None,
    )
    return True

