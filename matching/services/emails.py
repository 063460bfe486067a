"""The emails about a sign-up; each is sent at most once per occasion."""

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
