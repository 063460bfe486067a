"""Reads about sign-ups shared by views, services, the admin and emails."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from organisations.models import Coordinator, Region
from organisations.queries import active_coordinators
from techportal.workdays import subtract_working_days

from .models import SignUp

STATUS_LINK_SALT = "matching.signup.status"
THANKS_LINK_SALT = "matching.signup.thanks"
THANKS_LINK_MAX_AGE = 24 * 3600


def status_token(signup: SignUp) -> str:
    """The signed, unguessable part of the company's private status link."""
    return signing.dumps(signup.pk, salt=STATUS_LINK_SALT)


def status_url(signup: SignUp) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("matching:status", args=[status_token(signup)])


def thanks_token(signup: SignUp) -> str:
    return signing.dumps(signup.pk, salt=THANKS_LINK_SALT)


def signup_for_token(token: str, *, salt: str, max_age: int) -> SignUp | None:
    """The sign-up a signed token names, or None when it is tampered with or has expired."""
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(pk, int):
        return None
    return (
        SignUp.objects.select_related("organisation", "contact", "coordinator__user", "region")
        .filter(pk=pk)
        .first()
    )


def signup_for_status_token(token: str) -> SignUp | None:
    return signup_for_token(
        token, salt=STATUS_LINK_SALT, max_age=settings.SIGNUP_STATUS_LINK_MAX_AGE
    )


def signup_for_thanks_token(token: str) -> SignUp | None:
    return signup_for_token(token, salt=THANKS_LINK_SALT, max_age=THANKS_LINK_MAX_AGE)


def coordinators_for_region(region: Region | None) -> QuerySet[Coordinator]:
    """Who may handle a sign-up of this region: its active coordinators and the national desk."""
    covering = Q(is_national_desk=True)
    if region is not None:
        covering |= Q(regions=region)
    return active_coordinators().filter(covering).distinct()


def with_open_load(coordinators: QuerySet[Coordinator]) -> QuerySet[Coordinator]:
    """Annotate `open_load` (open sign-ups assigned) and order the least loaded first.

    A tie goes to whoever has waited longest since their last assignment.
    """
    return coordinators.annotate(
        open_load=Count(
            "signups",
            filter=Q(signups__status__in=[SignUp.Status.ROUTED, SignUp.Status.IN_TRIAGE]),
        )
    ).order_by("open_load", F("last_assigned_at").asc(nulls_first=True), "pk")


def reminder_due_before(now: datetime | None = None) -> datetime:
    """Sign-ups routed before this moment and not yet taken in triage are overdue."""
    return subtract_working_days(
        now or timezone.now(), settings.SIGNUP_REMIND_AFTER_WORKING_DAYS
    )


def escalation_due_before(now: datetime | None = None) -> datetime:
    return subtract_working_days(
        now or timezone.now(), settings.SIGNUP_ESCALATE_AFTER_WORKING_DAYS
    )


def overdue_q(now: datetime | None = None) -> Q:
    return Q(status=SignUp.Status.ROUTED, routed_at__lt=reminder_due_before(now))
