"""Reads about matches shared by the services, views, emails and the admin: the private links
of each side, and which reminders are due.

Each side of a match has its own link, signed with its own salt and naming [match id, side],
so the company's link never works as the school's (nor the other way round).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from offers.queries import company_contact

from .models import Match, MatchReminder

# The sides that have a private link: the company and the school (the teacher).
LINK_SIDES = (Match.Side.COMPANY, Match.Side.SCHOOL)
LINK_SALTS = {side: f"matching.match.{side}" for side in LINK_SIDES}

# The fields of each side: when it confirmed, was invited, and its evaluation.
CONFIRMED_AT = {
    Match.Side.COMPANY: "company_confirmed_at",
    Match.Side.SCHOOL: "school_confirmed_at",
}
INVITED_AT = {Match.Side.COMPANY: "company_invited_at", Match.Side.SCHOOL: "school_invited_at"}
EVALUATION_PREFIX = {Match.Side.COMPANY: "company", Match.Side.SCHOOL: "teacher"}


def matches() -> QuerySet[Match]:
    return Match.objects.select_related(
        "offer__organisation", "offer__signup__contact", "school", "proposed_by"
    )


# --- private links -----------------------------------------------------------------------------


def match_token(match: Match, side: str) -> str:
    """The signed part of one side's private link to its match."""
    return signing.dumps([match.pk, side], salt=LINK_SALTS[Match.Side(side)])


def match_url(match: Match, side: str) -> str:
    return settings.SITE_URL + reverse("matching:match", args=[match_token(match, side)])


@dataclass(frozen=True)
class MatchLink:
    """What a valid private link names: the match and the side that follows it."""

    match: Match
    side: Match.Side


def match_for_token(token: str) -> MatchLink | None:
    """The match and side a token names; None when tampered with, expired or for no side."""
    for side, salt in LINK_SALTS.items():
        try:
            value = signing.loads(token, salt=salt, max_age=settings.MATCH_LINK_MAX_AGE)
        except signing.BadSignature:  # SignatureExpired is a BadSignature too
            continue
        if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int):
            return None
        if value[1] != side:  # a token of one side signed for another: never valid
            return None
        match = matches().filter(pk=value[0]).first()
        return MatchLink(match=match, side=side) if match is not None else None
    return None


def match_admin_url(match: Match) -> str:
    return settings.SITE_URL + reverse("admin:matching_match_change", args=[match.pk])


# --- who is reached ----------------------------------------------------------------------------


def side_email(match: Match, side: str) -> str:
    """Where the emails of `side` go: the company's contact, or the teacher ("" if unknown)."""
    if side == Match.Side.COMPANY:
        contact = company_contact(match.offer)
        return contact.email if contact is not None else ""
    return match.teacher_email


# --- reminders ---------------------------------------------------------------------------------


def _not_reminded(queryset: QuerySet[Match], kind: str) -> QuerySet[Match]:
    sent = MatchReminder.objects.filter(match=OuterRef("pk"), kind=kind)
    return queryset.filter(~Exists(sent))


def reminders_due(now: datetime.datetime | None = None) -> list[tuple[int, str]]:
    """Every (match id, reminder kind) that is due at `now` and not yet sent.

    - proposed, and a side invited MATCH_CONFIRM_REMIND_DAYS ago has not confirmed;
    - confirmed, its date MATCH_REPORT_REMIND_DAYS or more days past, not reported (both sides);
    - carried out MATCH_EVALUATE_REMIND_DAYS ago, and a side has not evaluated.
    """
    now = now or timezone.now()
    confirm_before = now - datetime.timedelta(days=settings.MATCH_CONFIRM_REMIND_DAYS)
    report_on_or_before = timezone.localdate(now) - datetime.timedelta(
        days=settings.MATCH_REPORT_REMIND_DAYS
    )
    evaluate_before = now - datetime.timedelta(days=settings.MATCH_EVALUATE_REMIND_DAYS)
    Kind = MatchReminder.Kind
    proposed = Match.objects.filter(status=Match.Status.PROPOSED)
    carried_out = Match.objects.filter(
        status=Match.Status.CARRIED_OUT, carried_out_at__lt=evaluate_before
    )
    candidates = {
        Kind.CONFIRM_COMPANY: proposed.filter(
            company_confirmed_at__isnull=True, company_invited_at__lt=confirm_before
        ),
        Kind.CONFIRM_SCHOOL: proposed.filter(
            school_confirmed_at__isnull=True, school_invited_at__lt=confirm_before
        ),
        Kind.REPORT: Match.objects.filter(
            status=Match.Status.CONFIRMED, date__lte=report_on_or_before
        ),
        Kind.EVALUATE_COMPANY: carried_out.filter(company_evaluated_at__isnull=True),
        Kind.EVALUATE_SCHOOL: carried_out.filter(teacher_evaluated_at__isnull=True),
    }
    due: list[tuple[int, str]] = []
    for kind, queryset in candidates.items():
        ids = _not_reminded(queryset, kind).order_by("pk").values_list("pk", flat=True)
        due.extend((pk, str(kind)) for pk in ids)
    return due
