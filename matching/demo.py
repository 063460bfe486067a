"""Demo sign-ups, so /beheer/ shows a coordinator's day: new, overdue, in triage and done.

They go through the real services (intake, routing, triage), keyed by a fixed form token, so
a second `loaddemo` finds them and changes nothing.
"""

import uuid
from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from offers.models import USUAL_LOCATION, OfferKind
from organisations.demo import COMPANIES, CREATED, UNCHANGED, DemoCompany, DemoReport
from techportal.choices import Level

from . import services
from .models import SignUp

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
