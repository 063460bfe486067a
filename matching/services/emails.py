"""The emails about a sign-up; each is sent once per occasion, at least once.

The confirmation and the coordinator's notice are marked sent (`*_notified_at`, and an
`emailed` event) in the same transaction that sends them, which holds the sign-up's row
lock: a repeated task waits, then finds the mark and sends nothing. The marks are written
first and the email is sent last, so a failure to send rolls them back (the task is retried)
and only the COMMIT follows a sent email.

This is a choice for at least once. A worker killed in the moment between the email leaving
and the COMMIT reaching PostgreSQL (microseconds: writing one message to a socket) rolls the
marks back, and the email goes out a second time. Marking first in a transaction of its own
("claim, then send") would turn that rare duplicate into a lost email instead: a worker killed
while talking to the mail server, a far longer moment, would leave a sign-up marked as
emailed that no one ever heard of. No email is lost outright: when a task disappears with
its worker or its broker, the sweep (`routing.signups_sweep`) has `signups_send_unsent_emails`
send it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from techportal.mail import send_templated_mail

from .. import queries
from ..models import SignUp, SignUpEvent


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
    signup.coordinator_notified_at = timezone.now()
    signup.save(update_fields=["coordinator_notified_at"])
    user = signup.coordinator.user
    if user.email:
        _emailed(signup, f"Coördinator {signup.coordinator} ingelicht.")
        send_templated_mail(  # last: see the module's docstring
            template="signup_assigned",
            to=[user.email],
            context=_email_context(signup) | {"escalated": signup.escalated_at is not None},
        )
    return True


@transaction.atomic
def signup_send_confirmation(*, signup_id: int) -> bool:
    """Confirm to the company, with the private status link; once per sign-up."""
    signup = _signup_for_email(signup_id, company_notified_at__isnull=True)
    if signup is None:
        return False
    signup.company_notified_at = timezone.now()
    signup.save(update_fields=["company_notified_at"])
    _emailed(signup, f"Bevestiging gestuurd aan {signup.contact.email}.")
    send_templated_mail(  # last: see the module's docstring
        template="signup_confirmation",
        to=[signup.contact.email],
        context=_email_context(signup),
    )
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


# --- emails whose task was lost ------------------------------------------------------------------

# How long after routing an email that has not gone out is still sent by the sweep. Beyond it
# a person must look: the sign-up's history then lacks its "E-mail verstuurd".
UNSENT_HORIZON = timedelta(days=1)


def unsent_emails(*, now: datetime, limit: int = 100) -> list[tuple[Callable[..., bool], int]]:
    """(service, sign-up id) of each confirmation or notice not sent in time after routing."""
    waiting = SignUp.objects.exclude(status=SignUp.Status.RECEIVED).filter(
        routed_at__gte=now - UNSENT_HORIZON,
        routed_at__lt=now - timedelta(seconds=settings.SIGNUP_EMAIL_REQUEUE_AFTER),
    )
    to_coordinators = waiting.filter(
        coordinator__isnull=False, coordinator_notified_at__isnull=True
    ).values_list("pk", flat=True)[:limit]
    to_companies = waiting.filter(company_notified_at__isnull=True).values_list("pk", flat=True)
    return [
        *[(signup_notify_coordinator, pk) for pk in to_coordinators],
        *[(signup_send_confirmation, pk) for pk in to_companies[:limit]],
    ]


def signups_send_unsent_emails(*, now: datetime | None = None) -> int:
    """Send what `unsent_emails` finds, each in its own transaction; how many went out.

    An email task still queued for the same sign-up does no harm: whichever comes second
    waits for the row lock, then finds the email marked sent.
    """
    unsent = unsent_emails(now=now or timezone.now())
    return sum(send(signup_id=pk) for send, pk in unsent)
