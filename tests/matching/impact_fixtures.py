"""A hand-countable set of rows for the impact figures, inside and outside one school year.

Plain functions (not fixtures): each impact test module wraps `impact_world` in its own fixture.
The expected figures are written out next to the rows that make them, in `EXPECTED`.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from events.models import Event, Registration, TimeSlot
from matching.impact.figures import Period
from matching.models import Match, SignUp
from offers.models import Offer, OfferKind, OfferRequest
from organisations.models import Organisation
from techportal.choices import Level, World
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    OfferFactory,
    SchoolFactory,
    SignUpFactory,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SCHOOL_YEAR = Period(datetime.date(2025, 8, 1), datetime.date(2026, 7, 31))


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


HOUR = datetime.timedelta(hours=1)


@dataclass
class ImpactWorld:
    """What `impact_world` made, for tests that look a row up."""

    companies: dict[str, Organisation] = field(default_factory=dict)
    schools: dict[str, Organisation] = field(default_factory=dict)
    personal: list[str] = field(default_factory=list)  # every name and email address stored


def _signup(company, received, *, routed=None, triage=None, **fields) -> SignUp:
    status = SignUp.Status.RECEIVED if routed is None else SignUp.Status.ROUTED
    if triage is not None:
        status = SignUp.Status.IN_TRIAGE
    contact = ContactFactory(organisation=company)
    return SignUpFactory(
        organisation=company,
        contact=contact,
        status=status,
        received_at=received,
        routed_at=routed,
        triage_started_at=triage,
        **fields,
    )


def _offer(company, kind, published, *, status=Offer.Status.PUBLISHED, worlds=None) -> Offer:
    return OfferFactory(
        organisation=company,
        kind=kind,
        status=status,
        published_at=published,
        worlds=worlds or [World.ENERGY],
        title=f"{kind.label} van {company.name}",
    )


def _request(offer, school, created, status, teacher) -> OfferRequest:
    request = OfferRequest.objects.create(
        offer=offer,
        school=school,
        teacher_name=teacher,
        teacher_email=f"{teacher.split()[-1].lower()}@school.example.nl",
        group="3 vmbo-KB",
        level=Level.VMBO_KB,
        pupils=24,
        preferred_period="na de herfstvakantie",
        status=status,
        responded_at=None if status == OfferRequest.Status.REQUESTED else created + HOUR,
    )
    OfferRequest.objects.filter(pk=request.pk).update(created_at=created)
    return request


def _match(offer, school, created, status, *, pupils=None, day=None, teacher) -> Match:
    match = Match.objects.create(
        offer=offer,
        school=school,
        teacher_name=teacher,
        teacher_email=f"{teacher.split()[-1].lower()}@match.example.nl",
        status=status,
        pupils=pupils,
        date=day,
        cancel_reason="De klas gaat op kamp." if status == Match.Status.CANCELLED else "",
    )
    Match.objects.filter(pk=match.pk).update(created_at=created)
    return match


def _event(organiser, region, day, slug, *, status=Event.Status.PUBLISHED, capacities=(50,)):
    event = Event.objects.create(
        kind=Event.Kind.PET,
        title=f"PET-event {slug}",
        slug=slug,
        organiser=organiser,
        region=region,
        venue_name="Techniekhuis",
        street_address="Buiksloterweg 5",
        postcode="1031CC",
        city="Amsterdam",
        date=day,
        starts_at=datetime.time(9),
        ends_at=datetime.time(15),
        registration_opens_at=at(2025, 1, 1),
        registration_deadline=at(2025, 1, 2),
        levels=[Level.PO],
        status=status,
    )
    slots = [
        TimeSlot.objects.create(
            event=event,
            starts_at=datetime.time(9 + index),
            ends_at=datetime.time(9 + index, 45),
            capacity=capacity,
        )
        for index, capacity in enumerate(capacities)
    ]
    return event, slots[0]


def _register(event, slot, school, pupils, status, teacher) -> Registration:
    return Registration.objects.create(
        event=event,
        slot=slot,
        school=school,
        teacher_name=teacher,
        teacher_email=f"{teacher.split()[-1].lower()}@klas.example.nl",
        group="groep 7",
        level=Level.PO,
        pupils=pupils,
        status=status,
    )


def impact_world(
    region_a, region_b, company_a, company_b, *, first_year: int = 2025
) -> ImpactWorld:
    """Rows in region A, region B and outside every region; in and around SCHOOL_YEAR, or the
    school year that starts in `first_year` (the comments count for 2025–2026)."""
    y0, y1 = first_year, first_year + 1
    world = ImpactWorld()
    company_x = CompanyFactory(
        name="Groningse Dijkbouw", postcode="9711AA", city="Groningen", worlds=[World.FOOD]
    )
    company_c = CompanyFactory(name="Amstel Zorgtechniek", postcode="1012AB")
    company_d = CompanyFactory(name="Slapend Bedrijf Amsterdam", postcode="1013AB")
    school_a = SchoolFactory(name="Amsterdams Lyceum", vestigingscode="12AB01")
    school_b = SchoolFactory(
        name="Utrechts College", vestigingscode="34CD01", postcode="3511AB", city="Utrecht"
    )
    world.companies = {"a": company_a, "b": company_b, "x": company_x, "c": company_c}
    world.schools = {"a": school_a, "b": school_b}

    # Sign-ups. A: 3 in the year (routing 2, 4, 6 h; triage 10, 20 h), B: 1 (1 h, 3 h),
    # outside every region: 1 (not routed); two just outside the year.
    s1 = at(y0, 9, 1, 10)
    _signup(company_a, s1, routed=s1 + 2 * HOUR, triage=s1 + 10 * HOUR)
    s2 = at(y1, 3, 1, 9)
    _signup(company_a, s2, routed=s2 + 4 * HOUR)
    s4 = at(y1, 7, 31, 23, 30)  # the last evening of the year, Amsterdam time
    _signup(company_a, s4, routed=s4 + 6 * HOUR, triage=s4 + 20 * HOUR)
    s5 = at(y0, 10, 10)
    _signup(company_b, s5, routed=s5 + HOUR, triage=s5 + 3 * HOUR)
    _signup(company_x, at(y0, 11, 11))
    before = at(y0, 7, 31, 23, 30)
    _signup(company_a, before, routed=before + HOUR)
    after = at(y1, 8, 1, 0, 30)
    _signup(company_b, after, routed=after + HOUR)

    # Offers published. A: a guest lesson and a workshop; B: a guest lesson (archived since);
    # outside every region: a guest lesson. Not counted: a stage published before the year,
    # a draft, and company C's offer published before the year (but matched in it).
    gastles_a = _offer(company_a, OfferKind.GASTLES, at(y0, 9, 5))
    _offer(company_a, OfferKind.WORKSHOP, at(y1, 1, 10), worlds=[World.ENERGY, World.HITECH])
    _offer(company_a, OfferKind.STAGE, at(y0, 7, 1), worlds=[World.DIGITAL])
    _offer(company_d, OfferKind.GASTLES, None, status=Offer.Status.DRAFT, worlds=[World.DESIGN])
    gastles_b = _offer(
        company_b,
        OfferKind.GASTLES,
        at(y1, 2, 2),
        status=Offer.Status.ARCHIVED,
        worlds=[World.LIVING],
    )
    gastles_x = _offer(company_x, OfferKind.GASTLES, at(y0, 12, 12), worlds=[World.FOOD])
    visit_c = _offer(company_c, OfferKind.BEDRIJFSBEZOEK, at(y0, 1, 1), worlds=[World.HEALTH])

    # Requests. A: requested + accepted; B: declined; one before the year.
    _request(gastles_a, school_a, at(y0, 10, 1), OfferRequest.Status.REQUESTED, "Anna de Wit")
    _request(gastles_a, school_a, at(y1, 2, 1), OfferRequest.Status.ACCEPTED, "Bram Zwart")
    _request(gastles_b, school_b, at(y1, 3, 3), OfferRequest.Status.DECLINED, "Carla Groen")
    _request(gastles_a, school_a, at(y0, 6, 1), OfferRequest.Status.ACCEPTED, "Dirk Rood")

    # Matches created in the year. A: closed + proposed + proposed (company C); B: cancelled;
    # outside every region: confirmed. Carried out in the year: A 25 + 30 pupils (one of them
    # made before the year); B's carried out before the year does not count.
    _match(
        gastles_a,
        school_a,
        at(y0, 10, 1),
        Match.Status.CLOSED,
        pupils=25,
        day=datetime.date(y0, 11, 20),
        teacher="Eva Blauw",
    )
    _match(
        gastles_a,
        school_a,
        at(y0, 6, 15),
        Match.Status.CARRIED_OUT,
        pupils=30,
        day=datetime.date(y1, 7, 31),
        teacher="Frits Geel",
    )
    _match(gastles_a, school_a, at(y1, 5, 5), Match.Status.PROPOSED, teacher="Gerda Paars")
    _match(visit_c, school_a, at(y1, 4, 4), Match.Status.PROPOSED, teacher="Hans Oranje")
    _match(gastles_b, school_b, at(y1, 1, 20), Match.Status.CANCELLED, teacher="Ina Bruin")
    _match(
        gastles_b,
        school_b,
        at(y0, 7, 1),
        Match.Status.CARRIED_OUT,
        pupils=99,
        day=datetime.date(y0, 7, 30),
        teacher="Joop Grijs",
    )
    _match(gastles_x, school_b, at(y1, 2, 2), Match.Status.CONFIRMED, teacher="Karin Wit")

    # Events. A (10 March, 50 + 40 places): 20 + 15 confirmed, 10 waiting, 5 cancelled;
    # B (1 December, 60 places): 25 confirmed. Not counted: a cancelled event in A and one in
    # A after the year.
    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER, name="Techniekpact", postcode="1012LG", city="Amsterdam"
    )
    confirmed, waiting = Registration.Status.CONFIRMED, Registration.Status.WAITLISTED
    event_a, slot_a = _event(
        organiser, region_a, datetime.date(y1, 3, 10), "a", capacities=(50, 40)
    )
    _register(event_a, slot_a, school_a, 20, confirmed, "Lot Jansen")
    _register(event_a, slot_a, school_a, 15, confirmed, "Mo Pietersen")
    _register(event_a, slot_a, school_a, 10, waiting, "Nel Klaassen")
    _register(event_a, slot_a, school_a, 5, Registration.Status.CANCELLED, "Olaf Dekker")
    event_b, slot_b = _event(organiser, region_b, datetime.date(y0, 12, 1), "b", capacities=(60,))
    _register(event_b, slot_b, school_b, 25, confirmed, "Piet Visser")
    cancelled, slot_c = _event(
        organiser, region_a, datetime.date(y1, 4, 1), "c", status=Event.Status.CANCELLED
    )
    _register(cancelled, slot_c, school_a, 12, confirmed, "Queenie Smit")
    later, slot_l = _event(organiser, region_a, datetime.date(y1, 9, 1), "later")
    _register(later, slot_l, school_a, 30, confirmed, "Ruud Mulder")

    from organisations.models import Contact

    world.personal = [
        *Contact.objects.values_list("name", flat=True),
        *Contact.objects.values_list("email", flat=True),
        *OfferRequest.objects.values_list("teacher_name", flat=True),
        *OfferRequest.objects.values_list("teacher_email", flat=True),
        *Match.objects.values_list("teacher_name", flat=True),
        *Match.objects.values_list("teacher_email", flat=True),
        *Registration.objects.values_list("teacher_name", flat=True),
        *Registration.objects.values_list("teacher_email", flat=True),
    ]
    return world
