"""Reads about events and class registrations shared by views, services, emails and the admin.

The teacher's private link names a registration, signed with its own salt; it expires after
EVENT_REGISTRATION_LINK_MAX_AGE.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Contact, Organisation

from .models import Event, Registration, TimeSlot

REGISTRATION_LINK_SALT = "events.registration.status"


# --- events ------------------------------------------------------------------------------------


def published_events() -> QuerySet[Event]:
    """Published events from today on, soonest first."""
    return (
        Event.objects.filter(status=Event.Status.PUBLISHED, date__gte=timezone.localdate())
        .select_related("organiser", "region")
        .order_by("date", "starts_at", "pk")
    )


def public_events() -> QuerySet[Event]:
    """Events the public may open: published ones and cancelled ones (with a banner); no drafts."""
    return Event.objects.filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
    ).select_related("organiser", "region")


def event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("events:detail", args=[event.slug])


def registration_is_open(event: Event, *, now: datetime.datetime | None = None) -> bool:
    """Published, and now between the registration's opening and its deadline (both included)."""
    now = now or timezone.now()
    return (
        event.status == Event.Status.PUBLISHED
        and event.registration_opens_at <= now <= event.registration_deadline
    )


# --- slots and places --------------------------------------------------------------------------


def confirmed_pupils() -> Coalesce:
    """The pupils of a slot's confirmed registrations (0 for an empty slot)."""
    return Coalesce(
        Sum("registrations__pupils", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        Value(0),
        output_field=IntegerField(),
    )


def with_places_left(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate `capacity` (pupils over all slots, None without slots), `confirmed_pupils` and
    `places_left`: one correlated sum each, whatever the number of events."""
    capacity = (
        TimeSlot.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(total=Sum("capacity"))
        .values("total")
    )
    confirmed = (
        Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.CONFIRMED)
        .values("event")
        .annotate(total=Sum("pupils"))
        .values("total")
    )
    return events.annotate(
        capacity=Subquery(capacity, output_field=IntegerField()),
        confirmed_pupils=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0),
    ).annotate(places_left=Greatest(Coalesce("capacity", 0) - F("confirmed_pupils"), 0))


def slots_with_places(event: Event) -> QuerySet[TimeSlot]:
    """The event's slots in time order, annotated with `confirmed_pupils` and `places_left`
    (never below 0, even when an organiser lowered a slot's capacity); one query."""
    return (
        TimeSlot.objects.filter(event=event)
        .annotate(confirmed_pupils=confirmed_pupils())
        .annotate(
            places_left=Greatest(
                F("capacity") - F("confirmed_pupils"), Value(0), output_field=IntegerField()
            )
        )
        .order_by("starts_at", "pk")
    )


def waitlist(slot: TimeSlot) -> QuerySet[Registration]:
    """The slot's waiting list in arrival order: first come, first promoted."""
    return Registration.objects.filter(slot=slot, status=Registration.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = waitlist(registration.slot).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def workshop_host_contact(company: Organisation) -> Contact | None:
    """Who hears about a company's workshop: the company's first contact."""
    return company.contacts.order_by("created_at", "pk").first()


# --- private links -----------------------------------------------------------------------------


def registration_status_token(registration: Registration) -> str:
    """The signed part of the teacher's private link to their registration."""
    return signing.dumps(registration.pk, salt=REGISTRATION_LINK_SALT)


def registration_status_url(registration: Registration) -> str:
    token = registration_status_token(registration)
    return settings.SITE_URL + reverse("events:registration_status", args=[token])


def registrations() -> QuerySet[Registration]:
    return Registration.objects.select_related(
        "event__organiser", "event__region", "slot", "school"
    )


def registration_for_status_token(token: str) -> Registration | None:
    """The registration a teacher's token names; None when tampered with or expired."""
    try:
        pk = signing.loads(
            token, salt=REGISTRATION_LINK_SALT, max_age=settings.EVENT_REGISTRATION_LINK_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if type(pk) is not int:
        return None
    return registrations().filter(pk=pk).first()
