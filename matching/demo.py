"""Demo sign-ups, so /beheer/ shows a coordinator's day: new, overdue, in triage and done.

They go through the real services (intake, routing, triage), keyed by a fixed form token, so
a second `loaddemo` finds them and changes nothing. A few matches of their published offers, in
every status, give the impact dashboard something to count; a match is keyed by offer and
school, so a second run adds none.
"""

import uuid
from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from offers.models import USUAL_LOCATION, Offer, OfferKind
from organisations.demo import (
    COMPANIES,
    CREATED,
    SKIPPED,
    UNCHANGED,
    DemoCompany,
    DemoReport,
)
from organisations.models import Organisation
from techportal.choices import Level

from . import services
from .models import Match, SignUp

TOKEN_NAMESPACE = uuid.UUID("5b0f6c1e-3f43-4c1e-9d55-7a1de0c0e2b1")


class DemoSignUp(NamedTuple):
    kvk_number: str
    kinds: tuple[OfferKind, ...]
    state: str  # routed, overdue, in_triage, published, declined
    days_ago: int


SIGNUPS: tuple[DemoSignUp, ...] = (
    DemoSignUp("90412873", (OfferKind.STAGE, OfferKind.BEDRIJFSBEZOEK), "routed", 0),
    DemoSignUp("94720051", (OfferKind.GASTLES,), "routed", 1),
    DemoSignUp("90837164", (OfferKind.BEDRIJFSBEZOEK,), "overdue", 4),
    DemoSignUp("92663019", (OfferKind.WORKSHOP, OfferKind.EVENT_WORKSHOP), "in_triage", 2),
    DemoSignUp("90253749", (OfferKind.TECHNASIUM,), "published", 9),
    DemoSignUp("92318847", (OfferKind.GASTLES, OfferKind.WORKSHOP), "routed", 0),
    DemoSignUp("93807152", (OfferKind.DOCENTSTAGE,), "overdue", 3),
    DemoSignUp("90718426", (OfferKind.STAGE,), "in_triage", 1),
    DemoSignUp("92849173", (OfferKind.BEDRIJFSBEZOEK, OfferKind.GASTLES), "published", 12),
    DemoSignUp("90562198", (OfferKind.STAGE,), "declined", 6),
    DemoSignUp("93916274", (OfferKind.WORKSHOP,), "routed", 0),
    DemoSignUp("91845091", (OfferKind.TECHNASIUM, OfferKind.DOCENTSTAGE), "routed", 2),
    DemoSignUp("94406187", (OfferKind.GASTLES,), "routed", 1),  # outside the regions
)

LEVELS: dict[OfferKind, list[str]] = {
    OfferKind.STAGE: [Level.MBO_2, Level.MBO_3, Level.MBO_4],
    OfferKind.GASTLES: [Level.VMBO_BB, Level.VMBO_KB, Level.VMBO_GL],
    OfferKind.WORKSHOP: [Level.PO, Level.VMBO_BB, Level.VMBO_KB],
    OfferKind.BEDRIJFSBEZOEK: [Level.VMBO_GL, Level.VMBO_TL, Level.HAVO],
    OfferKind.TECHNASIUM: [Level.HAVO, Level.VWO],
    OfferKind.DOCENTSTAGE: [Level.VMBO_BB, Level.VMBO_KB, Level.MBO_2],
    OfferKind.EVENT_WORKSHOP: [Level.PO, Level.VMBO_BB],
}


def _arguments(spec: DemoSignUp, company: DemoCompany) -> dict:
    contact = company.contacts[0]
    return {
        "submission_token": uuid.uuid5(TOKEN_NAMESPACE, spec.kvk_number),
        "company": services.CompanyDetails(
            name=company.name,
            kvk_number=company.kvk_number,
            street_address=company.street_address,
            postcode=company.postcode,
            city=company.city,
            website=f"https://{company.domain}.example.nl/",
            worlds=list(company.worlds),
        ),
        "contact": services.ContactDetails(
            name=contact.name,
            role=contact.role,
            email=f"{contact.mailbox}@{company.domain}.example.nl",
            phone=contact.phone,
        ),
        "offers": [
            services.OfferDetails(
                kind=kind,
                title=f"{kind.label} bij {company.name}",
                description=(
                    f"{company.name} laat leerlingen zien hoe het vak er in het echt uitziet: "
                    "meekijken, zelf proberen en vragen stellen aan vakmensen."
                ),
                levels=LEVELS[kind],
                location=USUAL_LOCATION[kind],
                group_size=16 if kind != OfferKind.DOCENTSTAGE else 4,
            )
            for kind in spec.kinds
        ],
        "wants_event_workshop": OfferKind.EVENT_WORKSHOP in spec.kinds,
    }


def _bring_to_state(signup: SignUp, spec: DemoSignUp) -> None:
    services.signup_route(signup_id=signup.pk)
    moment = timezone.now() - timedelta(days=spec.days_ago, hours=2)
    SignUp.objects.filter(pk=signup.pk).update(received_at=moment, routed_at=moment)
    signup.refresh_from_db()
    if spec.state in ("in_triage", "published"):
        services.signup_take_in_triage(signup=signup, actor=None)
    if spec.state == "published":
        services.signup_publish_offers(signup=signup, actor=None)
    if spec.state == "declined":
        services.signup_decline(
            signup=signup,
            reason="Er zijn in uw regio op dit moment geen scholen met een metaalafdeling.",
            actor=None,
        )


@transaction.atomic
def demo_signups_load(report: DemoReport) -> None:
    companies = {company.kvk_number: company for company in COMPANIES}
    existing = set(
        SignUp.objects.filter(
            submission_token__in=[uuid.uuid5(TOKEN_NAMESPACE, s.kvk_number) for s in SIGNUPS]
        ).values_list("submission_token", flat=True)
    )
    for spec in SIGNUPS:
        if uuid.uuid5(TOKEN_NAMESPACE, spec.kvk_number) in existing:
            report.tally("signups", UNCHANGED)
            continue
        signup, _created = services.signup_create(**_arguments(spec, companies[spec.kvk_number]))
        _bring_to_state(signup, spec)
        report.tally("signups", CREATED)
    demo_matches_load(report)


class DemoMatch(NamedTuple):
    kvk_number: str  # the company of a "published" demo sign-up above
    kind: OfferKind  # which of its offers
    vestigingscode: str  # the school
    status: Match.Status
    pupils: int | None
    days_ago: int  # the day it was (or, negative, will be) carried out
    teacher: tuple[str, str]  # name and email address (invented)


MATCHES: tuple[DemoMatch, ...] = (
    DemoMatch("90253749", OfferKind.TECHNASIUM, "93XD00", Match.Status.CLOSED, 28, 40,
              ("Lotte Verbeek", "l.verbeek@technisch-lyceum-zuidas.example.nl")),
    DemoMatch("92849173", OfferKind.GASTLES, "94XB00", Match.Status.CARRIED_OUT, 24, 12,
              ("Ruben Hofstede", "r.hofstede@domstad-vakcollege.example.nl")),
    DemoMatch("92849173", OfferKind.BEDRIJFSBEZOEK, "94XD00", Match.Status.CONFIRMED, None, -14,
              ("Femke Brouwer", "f.brouwer@technasium-nieuwegein.example.nl")),
    DemoMatch("92849173", OfferKind.BEDRIJFSBEZOEK, "94XB00", Match.Status.PROPOSED, None, -30,
              ("Ruben Hofstede", "r.hofstede@domstad-vakcollege.example.nl")),
    DemoMatch("92849173", OfferKind.GASTLES, "94XC00", Match.Status.CANCELLED, None, -7,
              ("Sanne Kooistra", "s.kooistra@praktijkschool-overvecht.example.nl")),
)  # fmt: skip


def _match_fields(spec: DemoMatch) -> dict:
    """The match's fields and timestamps, as if it went through its lifecycle."""
    now = timezone.now()
    day = timezone.localdate() - timedelta(days=spec.days_ago)
    fields: dict = {
        "teacher_name": spec.teacher[0],
        "teacher_email": spec.teacher[1],
        "status": spec.status,
        "date": None if spec.status == Match.Status.PROPOSED else day,
    }
    if spec.status in (Match.Status.CONFIRMED, *Match.DONE_STATUSES):
        confirmed = now - timedelta(days=max(spec.days_ago, 0) + 10)
        fields |= {
            "company_confirmed_at": confirmed,
            "school_confirmed_at": confirmed,
            "confirmed_at": confirmed,
        }
    if spec.status in Match.DONE_STATUSES:
        fields |= {"pupils": spec.pupils, "carried_out_at": now - timedelta(days=spec.days_ago)}
    if spec.status == Match.Status.CLOSED:
        evaluated = now - timedelta(days=spec.days_ago - 3)
        fields |= {
            "company_evaluation": "Enthousiaste klas; de leerlingen stelden goede vragen.",
            "company_rating": 5,
            "company_evaluated_at": evaluated,
            "teacher_evaluation": "Heel leerzaam: nu weten ze wat een constructeur doet.",
            "teacher_rating": 4,
            "teacher_evaluated_at": evaluated,
            "closed_at": evaluated,
        }
    if spec.status == Match.Status.CANCELLED:
        fields |= {
            "cancelled_at": now - timedelta(days=2),
            "cancelled_by": Match.Side.SCHOOL,
            "cancel_reason": "De klas heeft die week toetsen; we plannen opnieuw na de vakantie.",
        }
    return fields


def demo_matches_load(report: DemoReport) -> None:
    """Matches of the published demo offers, one per (offer, school); a second run adds none.

    A second run costs one query: the matches already there, by what the demo knows them by.
    """
    tokens = {uuid.uuid5(TOKEN_NAMESPACE, spec.kvk_number) for spec in MATCHES}
    existing = set(
        Match.objects.filter(offer__signup__submission_token__in=tokens).values_list(
            "offer__signup__submission_token", "offer__kind", "school__vestigingscode"
        )
    )
    missing = []
    for spec in MATCHES:
        key = (uuid.uuid5(TOKEN_NAMESPACE, spec.kvk_number), spec.kind, spec.vestigingscode)
        if key in existing:
            report.tally("matches", UNCHANGED)
        else:
            missing.append(spec)
    if missing:
        _matches_create(missing, tokens, report)


def _matches_create(specs: list[DemoMatch], tokens: set[uuid.UUID], report: DemoReport) -> None:
    offers = {
        (offer.signup.submission_token, offer.kind): offer  # type: ignore[union-attr]
        for offer in Offer.objects.filter(
            signup__submission_token__in=tokens, status=Offer.Status.PUBLISHED
        ).select_related("signup")
    }
    schools = {
        school.vestigingscode: school
        for school in Organisation.objects.filter(
            vestigingscode__in=[spec.vestigingscode for spec in specs]
        )
    }
    for spec in specs:
        token = uuid.uuid5(TOKEN_NAMESPACE, spec.kvk_number)
        offer, school = offers.get((token, spec.kind)), schools.get(spec.vestigingscode)
        if offer is None or school is None:
            report.tally("matches", SKIPPED)
            continue
        match = Match.objects.create(offer=offer, school=school, **_match_fields(spec))
        created = timezone.now() - timedelta(days=max(spec.days_ago, 0) + 21)
        Match.objects.filter(pk=match.pk).update(created_at=created)
        report.tally("matches", CREATED)
