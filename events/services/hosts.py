"""Workshop hosts: companies that asked (in the aanmeldformulier) to host a workshop at an event.

The organiser assigns one of them to a workshop; the company's contact is emailed once per
assignment, after the transaction commits.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import SignUp
from organisations.models import Contact, Organisation
from techportal.mail import send_templated_mail
from techportal.queueing import enqueue_on_commit

from ..models import Event, Workshop


def _workshop_signups(event: Event) -> QuerySet[SignUp]:
    """The live sign-ups in the event's region that ask to host a workshop at an event."""
    return SignUp.objects.filter(wants_event_workshop=True, region_id=event.region_id).exclude(
        status=SignUp.Status.DECLINED
    )


def workshop_host_candidates(event: Event) -> QuerySet[Organisation]:
    """Companies that may host a workshop at `event`, by name.

    Each carries `workshop_signups`: its qualifying sign-ups, newest first, with their contact
    (two queries in all, however many companies).
    """
    signups = _workshop_signups(event)
    return (
        Organisation.objects.filter(
            kind=Organisation.Kind.COMPANY, pk__in=signups.values("organisation_id")
        )
        .prefetch_related(
            Prefetch(
                "signups",
                queryset=signups.select_related("contact").order_by("-received_at", "-pk"),
                to_attr="workshop_signups",
            )
        )
        .order_by("name", "pk")
    )


@transaction.atomic
def workshop_host_assign(*, workshop: Workshop, company: Organisation) -> bool:
    """Make `company` the host of `workshop`; its contact is emailed on commit.

    Only a candidate of the workshop's event may host it (ValidationError otherwise). Assigning
    the company that already hosts it changes nothing and sends nothing; returns whether the
    host changed.
    """
    locked = Workshop.objects.select_for_update().select_related("event").get(pk=workshop.pk)
    if not workshop_host_candidates(locked.event).filter(pk=company.pk).exists():
        raise ValidationError(
            _("%(company)s heeft niet gevraagd om een workshop op dit evenement te verzorgen.")
            % {"company": company.name},
            code="not_a_candidate",
        )
    if locked.host_id == company.pk:
        return False
    locked.host = company
    locked.host_notified_at = None  # the new host has not been told yet
    locked.save(update_fields=["host", "host_notified_at"])
    workshop.host, workshop.host_notified_at = company, None

    from ..tasks import notify_workshop_host  # the tasks module imports the services

    enqueue_on_commit(notify_workshop_host, locked.pk)
    return True


def _host_contact(workshop: Workshop, host: Organisation) -> Contact | None:
    """Who hears about it: the contact of the host's newest workshop sign-up, else any."""
    signup = (
        _workshop_signups(workshop.event)
        .filter(organisation=host)
        .select_related("contact")
        .order_by("-received_at", "-pk")
        .first()
    )
    if signup is not None:
        return signup.contact
    return Contact.objects.filter(organisation=host).order_by("pk").first()


@transaction.atomic
def workshop_host_notify(*, workshop_id: int) -> bool:
    """Email the host of the workshop, once per assignment. The row lock makes a repeat wait."""
    workshop = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("event__region", "event__organiser", "host")
        .filter(pk=workshop_id, host__isnull=False, host_notified_at__isnull=True)
        .first()
    )
    if workshop is None or workshop.host is None:
        return False
    contact = _host_contact(workshop, workshop.host)
    if contact is not None and contact.email:
        event = workshop.event
        send_templated_mail(
            template="workshop_host_assigned",
            to=[contact.email],
            context={
                "workshop": workshop,
                "event": event,
                "company": workshop.host,
                "contact": contact,
                "slots": list(event.slots.order_by("starts_at")),
            },
        )
    workshop.host_notified_at = timezone.now()
    workshop.save(update_fields=["host_notified_at"])
    return True
