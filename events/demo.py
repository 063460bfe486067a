"""Demo events for `manage.py loaddemo`: an organiser with a login, a PET event, a Tech Your
Talent event and a draft werkconferentie, with slots, workshops and a few class registrations.

Looked up by slug, organiser name, username and a fixed submission token, so a second run
writes nothing. Dates are set a few weeks ahead when an event is created; a later run keeps
them (an event that has since passed is moved ahead again).
"""

import datetime
import uuid
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Prefetch, Q
from django.utils import timezone

from organisations.demo import DEMO_PASSWORD, DemoLogin, DemoReport, _write
from organisations.models import Organisation, Region
from organisations.services import organiser_group_ensure
from techportal.choices import Level
from techportal.fields import normalise_kvk_number, normalise_vestigingscode

from .models import Event, OrganiserStaff, Registration, TimeSlot, Workshop

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TOKEN_NAMESPACE = uuid.UUID("a4c3e0b2-6d1f-4f0e-8b7a-2e5d9c1f3a60")
ORGANISER_USERNAME = "organisator-noord-holland"
REGION_SLUG = "noord-holland-noord"
ORGANISER = {
    "kind": Organisation.Kind.ORGANISER,
    "name": "Techniekpact Noord-Holland Evenementen",
    "street_address": "Nijverheidsweg 2",
    "postcode": "1812PZ",
    "city": "Alkmaar",
    "website": "https://techniekpact-nh-evenementen.example.nl/",
}


class DemoSlot(NamedTuple):
    starts_at: datetime.time
    ends_at: datetime.time
    capacity: int


class DemoWorkshop(NamedTuple):
    title: str
    description: str
    host_kvk_number: str
    capacity_per_round: int


class DemoRegistration(NamedTuple):
    key: str  # makes the submission token
    slot: int  # index into the event's slots
    vestigingscode: str
    teacher: str
    group: str
    level: Level
    pupils: int
    remarks: str
    status: Registration.Status


class DemoEvent(NamedTuple):
    slug: str
    kind: Event.Kind
    title: str
    status: Event.Status
    weeks_ahead: int
    venue: tuple[str, str, str, str]  # name, street address, postcode, city
    times: tuple[datetime.time, datetime.time]
    levels: tuple[Level, ...]
    description: str
    slots: tuple[DemoSlot, ...]
    workshops: tuple[DemoWorkshop, ...]
    registrations: tuple[DemoRegistration, ...]


T = datetime.time
CONFIRMED, WAITLISTED = Registration.Status.CONFIRMED, Registration.Status.WAITLISTED

# fmt: off
EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        "pet-event-noord-holland-noord", Event.Kind.PET, "PET-event Noord-Holland Noord",
        Event.Status.PUBLISHED, 5,
        ("Techniekhal Alkmaar", "Bergerweg 200", "1817ML", "Alkmaar"), (T(9, 0), T(14, 30)),
        (Level.PO,),
        "Leerlingen van groep 6 tot en met 8 ontdekken techniek: ze bouwen, meten en proberen "
        "zelf, in workshops van bedrijven uit de regio.",
        (DemoSlot(T(9, 0), T(10, 30), 60), DemoSlot(T(10, 45), T(12, 15), 60),
         DemoSlot(T(12, 30), T(14, 0), 60)),
        (
            DemoWorkshop("Bouw een drijvend schip", "Ontwerp en test een bootje in het bassin.",
                         "90837164", 15),
            DemoWorkshop("Windmolens op zee", "Hoe maakt een windmolen stroom? Bouw er een.",
                         "91172538", 15),
            DemoWorkshop("Van melk tot kaas", "Meet, roer en proef: procestechniek in het klein.",
                         "92663019", 15),
            DemoWorkshop("Bruggen bouwen", "Hoeveel gewicht houdt jouw brug van karton?",
                         "93450872", 15),
        ),
        (
            DemoRegistration("pet-1", 0, "92XA00", "Petra Doornbos", "groep 7", Level.PO, 28,
                             "We komen met de bus.", CONFIRMED),
            DemoRegistration("pet-2", 0, "91XA00", "Monique Vreeswijk", "groep 8", Level.PO, 27,
                             "", CONFIRMED),
            DemoRegistration("pet-3", 0, "91XF00", "Martijn Eikelboom", "groep 6", Level.PO, 24,
                             "Een leerling gebruikt een rolstoel.", WAITLISTED),
            DemoRegistration("pet-4", 1, "93XA00", "Lieke Boonstra", "groep 6", Level.PO, 26,
                             "", CONFIRMED),
        ),
    ),
    DemoEvent(
        "tech-your-talent-noord-holland-noord", Event.Kind.TECH_YOUR_TALENT,
        "Tech Your Talent Event Noord-Holland Noord", Event.Status.PUBLISHED, 7,
        ("Techniekcollege Alkmaar", "Bergerweg 200", "1817ML", "Alkmaar"), (T(9, 30), T(13, 30)),
        (Level.VMBO_BB, Level.VMBO_KB, Level.VMBO_GL, Level.VMBO_TL),
        "Tweedejaars vmbo-leerlingen maken kennis met technische beroepen in twee rondes "
        "workshops, vlak voor hun profielkeuze.",
        (DemoSlot(T(10, 0), T(11, 30), 80), DemoSlot(T(12, 0), T(13, 30), 80)),
        (
            DemoWorkshop("Lassen en snijden", "Veilig kennismaken met metaalbewerking.",
                         "93450872", 20),
            DemoWorkshop("Data in de cloud", "Hoe werkt een datacenter?", "95276640", 20),
        ),
        (
            DemoRegistration("tyt-1", 0, "92XB00", "Emre Aksoy", "2 vmbo-KB", Level.VMBO_KB, 22,
                             "", CONFIRMED),
            DemoRegistration("tyt-2", 1, "92XB00", "Emre Aksoy", "2 vmbo-BB", Level.VMBO_BB, 18,
                             "", CONFIRMED),
        ),
    ),
    DemoEvent(
        "werkconferentie-techniek-noord-holland", Event.Kind.WORK_CONFERENCE,
        "Werkconferentie techniekonderwijs Noord-Holland", Event.Status.DRAFT, 10,
        ("Schouwburg Het Park", "Westerdijk 4", "1621LE", "Hoorn"), (T(13, 0), T(17, 0)),
        (),
        "Docenten, schoolleiders en bedrijven werken samen aan het techniekonderwijs van morgen.",
        (DemoSlot(T(13, 30), T(15, 0), 120),),
        (),
        (),
    ),
)
# fmt: on


def _event_values(demo: DemoEvent, organiser: Organisation, region: Region, event: Event):
    values = {
        "kind": demo.kind,
        "title": demo.title,
        "organiser_id": organiser.pk,
        "region_id": region.pk,
        "venue_name": demo.venue[0],
        "street_address": demo.venue[1],
        "postcode": demo.venue[2],
        "city": demo.venue[3],
        "starts_at": demo.times[0],
        "ends_at": demo.times[1],
        "levels": list(demo.levels),
        "description": demo.description,
        "status": demo.status,
    }
    today = timezone.localdate()
    if event._state.adding or event.date < today:
        date = today + datetime.timedelta(weeks=demo.weeks_ahead)
        opened = datetime.datetime.combine(today, T(8, 0), tzinfo=AMSTERDAM)
        values |= {
            "date": date,
            "registration_opens_at": opened - datetime.timedelta(days=7),
            "registration_deadline": datetime.datetime.combine(
                date - datetime.timedelta(days=7), T(23, 59), tzinfo=AMSTERDAM
            ),
        }
    if demo.status == Event.Status.PUBLISHED and event.published_at is None:
        values["published_at"] = timezone.now()
    return values


def _load_organiser(report: DemoReport, reset_passwords: bool) -> Organisation:
    """The organiser organisation and its staff login; one query when both are in place."""
    staff = (
        OrganiserStaff.objects.select_related("user", "organiser")
        .filter(user__username=ORGANISER_USERNAME, organiser__name=ORGANISER["name"])
        .first()
    )
    organiser = staff.organiser if staff else None
    if organiser is None:
        organiser = (
            Organisation.objects.filter(
                kind=Organisation.Kind.ORGANISER, name=ORGANISER["name"]
            ).first()
            or Organisation()
        )
    report.tally("organisers", _write(organiser, ORGANISER))

    User = get_user_model()
    user = staff.user if staff else None
    if user is None:
        user = User.objects.filter(username=ORGANISER_USERNAME).first() or User(
            username=ORGANISER_USERNAME
        )
    values = {
        "first_name": "Femke",
        "last_name": "Organisator",
        "email": f"{ORGANISER_USERNAME}@example.com",
        "is_staff": True,
        "is_superuser": False,
        "is_active": True,
    }
    if user._state.adding or reset_passwords:
        values["password"] = make_password(DEMO_PASSWORD)
    report.tally("users", _write(user, values))
    report.logins.append(
        DemoLogin(ORGANISER_USERNAME, f"organisator: evenementen van {organiser.name}")
    )
    if staff is None:  # the group comes with the membership (migrate keeps its permissions)
        user.groups.add(organiser_group_ensure())
        OrganiserStaff.objects.get_or_create(user=user, organiser=organiser)
    return organiser


class _Lookups:
    """Region, companies and schools by their demo keys, queried only when a row needs them."""

    def __init__(self) -> None:
        self._organisations: dict[str, Organisation] | None = None
        self._region: Region | None = None

    def region(self) -> Region:
        if self._region is None:
            self._region = Region.objects.get(slug=REGION_SLUG)
        return self._region

    def _load(self) -> dict[str, Organisation]:
        if self._organisations is None:
            kvk_numbers = {
                normalise_kvk_number(w.host_kvk_number) for d in EVENTS for w in d.workshops
            }
            codes = {
                normalise_vestigingscode(r.vestigingscode) for d in EVENTS for r in d.registrations
            }
            rows = Organisation.objects.filter(
                Q(kvk_number__in=kvk_numbers) | Q(vestigingscode__in=codes)
            )
            self._organisations = {(o.kvk_number or o.vestigingscode): o for o in rows}
        return self._organisations

    def company(self, kvk_number: str, current: Organisation | None) -> Organisation:
        key = normalise_kvk_number(kvk_number)
        return current if current and current.kvk_number == key else self._load()[key]

    def school(self, code: str, current: Organisation | None) -> Organisation:
        key = normalise_vestigingscode(code)
        return current if current and current.vestigingscode == key else self._load()[key]


def _teacher_email(name: str, school: Organisation) -> str:
    """first.last@ the school's own example.nl domain."""
    parts = name.lower().split()
    mailbox = f"{parts[0]}.{parts[-1]}"
    return f"{mailbox}@{urlsplit(school.website).hostname or 'school.example.nl'}"


def _load_children(report: DemoReport, demo: DemoEvent, event: Event, lookups: _Lookups):
    existing_slots = {s.starts_at: s for s in event.slots.all()}
    slots = []
    for spec in demo.slots:
        slot = existing_slots.get(spec.starts_at) or TimeSlot(event=event)
        values = {"starts_at": spec.starts_at, "ends_at": spec.ends_at, "capacity": spec.capacity}
        report.tally("timeslots", _write(slot, values))
        slots.append(slot)

    existing_workshops = {w.title: w for w in event.workshops.all()}
    for spec_workshop in demo.workshops:
        workshop = existing_workshops.get(spec_workshop.title) or Workshop(event=event)
        host = lookups.company(spec_workshop.host_kvk_number, workshop.host)
        values = {
            "title": spec_workshop.title,
            "description": spec_workshop.description,
            "host_id": host.pk,
            "capacity_per_round": spec_workshop.capacity_per_round,
        }
        report.tally("workshops", _write(workshop, values))

    existing = {r.submission_token: r for r in event.registrations.all()}
    for spec_registration in demo.registrations:
        token = uuid.uuid5(TOKEN_NAMESPACE, spec_registration.key)
        registration = existing.get(token) or Registration(submission_token=token, event=event)
        current = None if registration._state.adding else registration.school
        school = lookups.school(spec_registration.vestigingscode, current)
        values = {
            "slot_id": slots[spec_registration.slot].pk,
            "school_id": school.pk,
            "teacher_name": spec_registration.teacher,
            "teacher_email": _teacher_email(spec_registration.teacher, school),
            "group": spec_registration.group,
            "level": spec_registration.level,
            "pupils": spec_registration.pupils,
            "remarks": spec_registration.remarks,
            "status": spec_registration.status,
            # Demo rows were never mailed about, and need not be.
            "notified_status": spec_registration.status,
        }
        if registration._state.adding and spec_registration.status == CONFIRMED:
            values["confirmed_at"] = timezone.now()
        report.tally("registrations", _write(registration, values))


def demo_events_load(report: DemoReport, *, reset_passwords: bool = False) -> None:
    """Load the demo events after `organisations.demo.demo_load`; a second run changes nothing.

    A second run costs five queries. No transaction of its own: every step looks its row up
    first, so a run that stopped halfway is completed by the next.
    """
    organiser = _load_organiser(report, reset_passwords)
    lookups = _Lookups()
    existing = {
        e.slug: e
        for e in Event.objects.filter(slug__in=[d.slug for d in EVENTS])
        .select_related("region")
        .prefetch_related(
            "slots",
            Prefetch("workshops", queryset=Workshop.objects.select_related("host")),
            Prefetch("registrations", queryset=Registration.objects.select_related("school")),
        )
    }
    for demo in EVENTS:
        event = existing.get(demo.slug) or Event(slug=demo.slug)
        if event._state.adding or event.region.slug != REGION_SLUG:
            region = lookups.region()
        else:
            region = event.region
        report.tally("events", _write(event, _event_values(demo, organiser, region, event)))
        _load_children(report, demo, event, lookups)
