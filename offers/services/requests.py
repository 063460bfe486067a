"""A teacher's request for an offer: submitting, answering, withdrawing, and its emails.

Every write locks the request's row, so two answers (or an answer and a withdrawal) never both
win. Emails are Celery tasks queued on commit; each sends at most once, guarded by a row lock
and the request's `*_notified_at` field.
"""

import datetime
import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Match
from organisations.models import Organisation
from techportal.mail import send_templated_mail
from techportal.once import create_once
from techportal.queueing import enqueue_on_commit

from .. import queries
from ..models import Offer, OfferRequest


class AlreadyAnswered(ValidationError):
    """The request was answered or withdrawn before this write could take it."""

    def __init__(self) -> None:
        super().__init__(_("Deze aanvraag is al beantwoord of ingetrokken."), code="answered")


# --- submitting ---------------------------------------------------------------------------------


def offer_request_create(
    *,
    submission_token: uuid.UUID,
    offer: Offer,
    school: Organisation,
    teacher_name: str,
    teacher_email: str,
    group: str,
    level: str,
    pupils: int,
    preferred_period: str,
    message: str = "",
) -> tuple[OfferRequest, bool]:
    """Store a teacher's request; returns it and whether it is new.

    The same form submitted twice (a double click, back and resubmit) carries the same token
    and returns the first request. The emails are queued once the transaction commits.
    """
    return create_once(
        OfferRequest,
        submission_token=submission_token,
        create=partial(
            _offer_request_insert,
            submission_token=submission_token,
            offer=offer,
            school=school,
            fields={
                "teacher_name": teacher_name,
                "teacher_email": teacher_email,
                "group": group,
                "level": level,
                "pupils": pupils,
                "preferred_period": preferred_period,
                "message": message,
            },
        ),
    )


def _offer_request_insert(
    *, submission_token: uuid.UUID, offer: Offer, school: Organisation, fields: dict
) -> OfferRequest:
    if not Offer.objects.filter(pk=offer.pk, status=Offer.Status.PUBLISHED).exists():
        raise ValidationError(_("Dit aanbod is niet (meer) aan te vragen."), code="unpublished")
    if school.kind != Organisation.Kind.SCHOOL:
        raise ValidationError(_("Kies een schoollocatie."), code="not_a_school")
    offer_request = OfferRequest.objects.create(
        submission_token=submission_token, offer=offer, school=school, **fields
    )
    from ..tasks import notify_request_company, notify_request_coordinator, send_request_receipt

    for task in (notify_request_company, notify_request_coordinator, send_request_receipt):
        enqueue_on_commit(task, offer_request.pk)
    return offer_request


# --- answering and withdrawing -----------------------------------------------------------------


def _lock_open(offer_request: OfferRequest) -> OfferRequest:
    """The request's row, locked; refused when it is no longer waiting for an answer."""
    locked = (
        OfferRequest.objects.select_for_update(of=("self",))
        .select_related("offer", "school")
        .get(pk=offer_request.pk)
    )
    if locked.status != OfferRequest.Status.REQUESTED:
        raise AlreadyAnswered()
    return locked


def _answered(locked: OfferRequest, status: str, message: str) -> None:
    locked.status = status
    locked.response_message = message
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "response_message", "responded_at"])
    from ..tasks import send_request_answer

    enqueue_on_commit(send_request_answer, locked.pk)


@transaction.atomic
def offer_request_accept(
    *, offer_request: OfferRequest, message: str = "", date: datetime.date | None = None
) -> Match:
    """The company says yes: the request is accepted and a confirmed match is made."""
    locked = _lock_open(offer_request)
    _answered(locked, OfferRequest.Status.ACCEPTED, message.strip())
    now = timezone.now()
    return Match.objects.create(
        offer=locked.offer,
        school=locked.school,
        request=locked,
        teacher_name=locked.teacher_name,
        teacher_email=locked.teacher_email,
        status=Match.Status.CONFIRMED,
        company_confirmed_at=now,
        school_confirmed_at=now,
        confirmed_at=now,
        pupils=locked.pupils,
        date=date,
    )


@transaction.atomic
def offer_request_decline(*, offer_request: OfferRequest, message: str) -> OfferRequest:
    """The company says no, and why: the teacher reads the message."""
    if not message.strip():
        raise ValidationError(
            _("Schrijf de docent kort waarom het niet lukt."), code="message_required"
        )
    locked = _lock_open(offer_request)
    _answered(locked, OfferRequest.Status.DECLINED, message.strip())
    return locked


@transaction.atomic
def offer_request_withdraw(*, offer_request: OfferRequest) -> OfferRequest:
    """The teacher takes the request back, while the company has not answered yet."""
    locked = _lock_open(offer_request)
    _answered(locked, OfferRequest.Status.WITHDRAWN, "")
    return locked


# --- emails ------------------------------------------------------------------------------------


def _for_email(request_id: int, **conditions) -> OfferRequest | None:
    return (
        OfferRequest.objects.select_for_update(of=("self",))
        .select_related("offer__organisation", "offer__signup__contact", "offer__region", "school")
        .filter(pk=request_id, **conditions)
        .first()
    )


def _context(offer_request: OfferRequest) -> dict:
    offer = offer_request.offer
    return {
        "offer_request": offer_request,
        "offer": offer,
        "company": offer.organisation,
        "school": offer_request.school,
        "contact": queries.company_contact(offer),
        "over_group_size": bool(offer.group_size and offer_request.pupils > offer.group_size),
        "status_url": queries.request_status_url(offer_request),
        "answer_url": queries.request_answer_url(offer_request),
        "admin_url": queries.request_admin_url(offer_request),
        "match": Match.objects.filter(request=offer_request).first()
        if offer_request.status == OfferRequest.Status.ACCEPTED
        else None,
    }


def _mark(offer_request: OfferRequest, field: str) -> None:
    setattr(offer_request, field, timezone.now())
    offer_request.save(update_fields=[field])


def _coordinator_emails(offer: Offer) -> list[str]:
    return sorted({c.user.email for c in queries.coordinators_for_offer(offer) if c.user.email})


@transaction.atomic
def offer_request_notify_company(*, request_id: int) -> bool:
    """Email the company's contact the request and the private link to answer it; once."""
    offer_request = _for_email(
        request_id, company_notified_at__isnull=True, status=OfferRequest.Status.REQUESTED
    )
    if offer_request is None:
        return False
    context = _context(offer_request)
    if context["contact"] is None:
        return False  # the coordinator's email says nobody could be reached
    send_templated_mail(
        template="offer_request_company",
        to=[context["contact"].email],
        context=context,
        reply_to=[offer_request.teacher_email],
    )
    _mark(offer_request, "company_notified_at")
    return True


@transaction.atomic
def offer_request_notify_coordinator(*, request_id: int) -> bool:
    """Inform the coordinators of the offer's region (or the national desk); once."""
    offer_request = _for_email(request_id, coordinator_notified_at__isnull=True)
    if offer_request is None:
        return False
    recipients = _coordinator_emails(offer_request.offer)
    if recipients:
        send_templated_mail(
            template="offer_request_coordinator", to=recipients, context=_context(offer_request)
        )
    _mark(offer_request, "coordinator_notified_at")
    return bool(recipients)


@transaction.atomic
def offer_request_send_receipt(*, request_id: int) -> bool:
    """Confirm to the teacher, with the private link to follow the request; once."""
    offer_request = _for_email(request_id, teacher_notified_at__isnull=True)
    if offer_request is None:
        return False
    send_templated_mail(
        template="offer_request_teacher",
        to=[offer_request.teacher_email],
        context=_context(offer_request),
    )
    _mark(offer_request, "teacher_notified_at")
    return True


@transaction.atomic
def offer_request_send_answer(*, request_id: int) -> bool:
    """After an answer: tell the teacher (and on acceptance the coordinators); after a
    withdrawal: tell the company. Once per request."""
    offer_request = _for_email(
        request_id,
        response_notified_at__isnull=True,
        status__in=[
            OfferRequest.Status.ACCEPTED,
            OfferRequest.Status.DECLINED,
            OfferRequest.Status.WITHDRAWN,
        ],
    )
    if offer_request is None:
        return False
    context = _context(offer_request)
    if offer_request.status == OfferRequest.Status.WITHDRAWN:
        if context["contact"] is not None and offer_request.company_notified_at is not None:
            send_templated_mail(
                template="offer_request_withdrawn", to=[context["contact"].email], context=context
            )
    else:
        send_templated_mail(
            template="offer_request_answered",
            to=[offer_request.teacher_email],
            context=context,
            reply_to=[context["contact"].email] if context["contact"] else None,
        )
        recipients = _coordinator_emails(offer_request.offer)
        if offer_request.status == OfferRequest.Status.ACCEPTED and recipients:
            send_templated_mail(template="offer_request_accepted", to=recipients, context=context)
    _mark(offer_request, "response_notified_at")
    return True
