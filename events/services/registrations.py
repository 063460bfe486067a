"""Class registrations for an event: registering, cancelling, the waiting list, and the emails.

Places are counted in pupils per slot. Every write that claims or frees places first locks the
slot's row (SELECT … FOR UPDATE), so registrations of one slot are handled one at a time: two
teachers can never both take the last places, and the loser goes on the waiting list.

The waiting list is strict first come, first served: a class joins it when it does not fit *or*
when others are already waiting (no jumping the queue with a smaller class), and promotion
stops at the first waiting class that does not fit, even when a smaller one further down would.

Emails are Celery tasks queued on commit. Each status is mailed at most once: the task locks the
registration's row and compares its status with `notified_status`, the last status the teacher
heard about. An event's cancellation is recorded there as EVENT_CANCELLED_NOTICE.
"""

import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Organisation
from techportal.mail import send_templated_mail
from techportal.once import create_once
from techportal.queueing import enqueue_on_commit

from .. import queries
from ..models import Event, Registration, TimeSlot, Workshop

EVENT_CANCELLED_NOTICE = "event_cancelled"
ICS_MIMETYPE = "text/calendar"


class RegistrationClosed(ValidationError):
    """The event takes no registrations now: not published, cancelled, not yet open, or past
    its deadline."""


# --- registering -------------------------------------------------------------------------------


def registration_create(
    *,
    event: Event,
    slot: TimeSlot,
    school: Organisation,
    teacher_name: str,
    teacher_email: str,
    group: str,
    level: str,
    pupils: int,
    remarks: str = "",
    submission_token: uuid.UUID,
) -> tuple[Registration, bool]:
    """Register a class into a slot: confirmed when it fits, else on the waiting list.

    Returns the registration and whether it is new: the same form submitted twice carries the
    same token and returns the first registration. Raises ValidationError (RegistrationClosed
    when the event takes no registrations). The teacher's email is queued on commit.
    """
    return create_once(
        Registration,
        submission_token=submission_token,
        create=partial(
            _registration_insert,
            submission_token=submission_token,
            event=event,
            slot=slot,
            school=school,
            fields={
                "teacher_name": teacher_name,
                "teacher_email": teacher_email,
                "group": group,
                "level": level,
                "pupils": pupils,
                "remarks": remarks,
            },
        ),
    )


def _registration_insert(
    *,
    submission_token: uuid.UUID,
    event: Event,
    slot: TimeSlot,
    school: Organisation,
    fields: dict,
) -> Registration:
    if slot.event_id != event.pk:
        raise ValidationError(_("Kies een van de tijdvakken."), code="unknown_slot")
    if school.kind != Organisation.Kind.SCHOOL:
        raise ValidationError(_("Kies een schoollocatie."), code="not_a_school")
    if not 1 <= fields["pupils"] <= 200:
        raise ValidationError(_("Vul een aantal leerlingen tussen 1 en 200 in."), code="pupils")
    locked_slot = _lock_slot(slot)
    # Read after the lock: an event cancelled meanwhile (event_cancel locks every slot) is seen.
    _check_open(Event.objects.get(pk=event.pk))
    fits = not queries.waitlist(locked_slot).exists() and fields["pupils"] <= _places_left(
        locked_slot
    )
    now = timezone.now()
    registration = Registration.objects.create(
        submission_token=submission_token,
        event_id=event.pk,
        slot=locked_slot,
        school=school,
        status=Registration.Status.CONFIRMED if fits else Registration.Status.WAITLISTED,
        confirmed_at=now if fits else None,
        **fields,
    )
    _notify(registration)
    return registration


def _lock_slot(slot: TimeSlot) -> TimeSlot:
    return TimeSlot.objects.select_for_update().get(pk=slot.pk)


def _places_left(locked_slot: TimeSlot) -> int:
    taken = Registration.objects.filter(
        slot=locked_slot, status=Registration.Status.CONFIRMED
    ).aggregate(pupils=Sum("pupils"))["pupils"]
    return locked_slot.capacity - (taken or 0)


def _check_open(event: Event) -> None:
    now = timezone.now()
    if event.status == Event.Status.CANCELLED:
        raise RegistrationClosed(_("Dit evenement is geannuleerd."), code="cancelled")
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed(_("Dit evenement is niet gepubliceerd."), code="unpublished")
    if now < event.registration_opens_at:
        raise RegistrationClosed(_("De inschrijving is nog niet open."), code="not_open")
    if now > event.registration_deadline:
        raise RegistrationClosed(_("De inschrijving is gesloten."), code="deadline")


# --- cancelling --------------------------------------------------------------------------------


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """The teacher cancels: the places are freed and the waiting list moves up.

    Returns the registrations promoted from the waiting list. Cancelling twice does nothing
    the second time. The cancelled teacher and every promoted one are emailed on commit.
    """
    locked_slot = _lock_slot(registration.slot)
    locked = Registration.objects.get(pk=registration.pk)  # read after the slot's lock
    if locked.status == Registration.Status.CANCELLED:
        return []
    locked.status = Registration.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_at"])
    _notify(locked)
    event = Event.objects.get(pk=locked.event_id)
    if event.status != Event.Status.PUBLISHED or event.date < timezone.localdate():
        return []  # nobody is promoted into a cancelled or past event
    return _promote(locked_slot)


def _promote(locked_slot: TimeSlot) -> list[Registration]:
    """Confirm waiting classes in arrival order while they fit; stop at the first that does
    not (strict order: a smaller class further down never passes it)."""
    places_left = _places_left(locked_slot)
    promoted = []
    for waiting in queries.waitlist(locked_slot):
        if waiting.pupils > places_left:
            break
        waiting.status = Registration.Status.CONFIRMED
        waiting.confirmed_at = timezone.now()
        waiting.save(update_fields=["status", "confirmed_at"])
        places_left -= waiting.pupils
        promoted.append(waiting)
        _notify(waiting)
    return promoted


# --- cancelling an event -----------------------------------------------------------------------


@transaction.atomic
def event_cancel(*, event: Event, reason: str) -> None:
    """The organiser cancels the event: registration closes, and every confirmed and waiting
    teacher and every assigned workshop host is emailed (on commit). Registrations keep their
    status, as a record of who was coming. Cancelling twice does nothing the second time."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == Event.Status.CANCELLED:
        return
    # Wait for registrations in flight: each holds its slot's lock until it commits.
    list(TimeSlot.objects.select_for_update().filter(event=locked).values_list("pk", flat=True))
    locked.status = Event.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason.strip()
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    event.status, event.cancelled_at, event.cancel_reason = (
        locked.status,
        locked.cancelled_at,
        locked.cancel_reason,
    )
    from ..tasks import notify_event_cancelled_host, notify_event_cancelled_teacher

    teachers = Registration.objects.filter(
        event=locked,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
    ).values_list("pk", flat=True)
    for registration_id in teachers:
        enqueue_on_commit(notify_event_cancelled_teacher, registration_id)
    hosted = Workshop.objects.filter(event=locked, host__isnull=False).values_list("pk", flat=True)
    for workshop_id in hosted:
        enqueue_on_commit(notify_event_cancelled_host, workshop_id)


# --- emails ------------------------------------------------------------------------------------


def _notify(registration: Registration) -> None:
    from ..tasks import notify_registration

    enqueue_on_commit(notify_registration, registration.pk)


def _for_email(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event__organiser", "slot", "school")
        .filter(pk=registration_id)
        .first()
    )


def _context(registration: Registration) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "slot": registration.slot,
        "school": registration.school,
        "status_url": queries.registration_status_url(registration),
        "event_url": queries.event_url(event),
        "waitlist_position": queries.waitlist_position(registration),
    }


def _calendar_attachment(event: Event) -> tuple[str, bytes, str]:
    from ..ical import event_calendar

    return (f"{event.slug}.ics", event_calendar(event), ICS_MIMETYPE)


@transaction.atomic
def registration_notify(*, registration_id: int) -> bool:
    """Email the teacher the registration's current status, unless they already heard it.

    Confirmed (also after waiting: a promotion) carries the event's .ics; waiting says their
    place in line. Nothing about a registration is sent once the event is cancelled: the
    cancellation email says it all.
    """
    registration = _for_email(registration_id)
    if registration is None or registration.notified_status in (
        registration.status,
        EVENT_CANCELLED_NOTICE,
    ):
        return False
    event = registration.event
    if event.status == Event.Status.CANCELLED:
        return False
    context = _context(registration) | {
        "promoted": registration.notified_status == Registration.Status.WAITLISTED
    }
    if registration.status == Registration.Status.CONFIRMED:
        send_templated_mail(
            template="event_registration_confirmed",
            to=[registration.teacher_email],
            context=context,
            attachments=[_calendar_attachment(event)],
        )
    elif registration.status == Registration.Status.WAITLISTED:
        send_templated_mail(
            template="event_registration_waitlisted",
            to=[registration.teacher_email],
            context=context,
        )
    else:
        send_templated_mail(
            template="event_registration_cancelled",
            to=[registration.teacher_email],
            context=context,
        )
    registration.notified_status = registration.status
    registration.save(update_fields=["notified_status"])
    return True


@transaction.atomic
def registration_notify_event_cancelled(*, registration_id: int) -> bool:
    """Tell a confirmed or waiting teacher the event is cancelled (with the cancelled .ics, so
    calendars drop it); once."""
    registration = _for_email(registration_id)
    if (
        registration is None
        or registration.notified_status == EVENT_CANCELLED_NOTICE
        or registration.status == Registration.Status.CANCELLED
        or registration.event.status != Event.Status.CANCELLED
    ):
        return False
    send_templated_mail(
        template="event_cancelled",
        to=[registration.teacher_email],
        context=_context(registration) | {"for_host": False},
        attachments=[_calendar_attachment(registration.event)],
    )
    registration.notified_status = EVENT_CANCELLED_NOTICE
    registration.save(update_fields=["notified_status"])
    return True


@transaction.atomic
def workshop_notify_event_cancelled(*, workshop_id: int) -> bool:
    """Tell the company hosting a workshop that the event is cancelled.

    There is no field to record this email, so a repeat of the task mails again; it is queued
    once, by event_cancel, which does nothing for an event already cancelled.
    """
    workshop = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("event__organiser", "host")
        .filter(pk=workshop_id, host__isnull=False, event__status=Event.Status.CANCELLED)
        .first()
    )
    if workshop is None or workshop.host is None:
        return False
    contact = queries.workshop_host_contact(workshop.host)
    if contact is None:
        return False
    send_templated_mail(
        template="event_cancelled",
        to=[contact.email],
        context={
            "event": workshop.event,
            "workshop": workshop,
            "contact": contact,
            "event_url": queries.event_url(workshop.event),
            "for_host": True,
        },
        attachments=[_calendar_attachment(workshop.event)],
    )
    return True
