"""Shared event fixtures: an organiser with a staff user, a published PET event in region A with
three arrival slots and a workshop, and a school. The events test modules all build on these.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events.models import Event, OrganiserStaff, Registration, TimeSlot, Workshop
from events.services.registrations import registration_create
from organisations.models import Organisation
from techportal.choices import Level
from tests.factories import SchoolFactory, UserFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def organiser(region_a):
    return Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER,
        name="Techniekpact Amsterdam",
        street_address="Damrak 1",
        postcode="1012LG",
        city="Amsterdam",
    )


@pytest.fixture
def organiser_user(organiser):
    user = UserFactory(username="organisator-a", is_staff=True)
    OrganiserStaff.objects.create(user=user, organiser=organiser)
    return user


@pytest.fixture
def event_date():
    return timezone.localdate() + datetime.timedelta(days=30)


def make_event(*, organiser, region, date, **overrides) -> Event:
    """A published PET event on `date`; registration open from a week ago to 3 days before."""
    now = timezone.now()
    fields = {
        "kind": Event.Kind.PET,
        "title": "PET-event Amsterdam",
        "slug": "pet-event-amsterdam",
        "organiser": organiser,
        "region": region,
        "venue_name": "Techniekhuis Noord",
        "street_address": "Buiksloterweg 5",
        "postcode": "1031CC",
        "city": "Amsterdam",
        "date": date,
        "starts_at": datetime.time(9, 0),
        "ends_at": datetime.time(15, 0),
        "registration_opens_at": now - datetime.timedelta(days=7),
        "registration_deadline": datetime.datetime.combine(
            date - datetime.timedelta(days=3), datetime.time(23, 59), tzinfo=AMSTERDAM
        ),
        "levels": [Level.PO],
        "description": "Leerlingen van groep 6 tot en met 8 ontdekken techniek bij bedrijven.",
        "status": Event.Status.PUBLISHED,
        "published_at": now,
    }
    fields.update(overrides)
    return Event.objects.create(**fields)


@pytest.fixture
def event(organiser, region_a, event_date):
    return make_event(organiser=organiser, region=region_a, date=event_date)


@pytest.fixture
def slots(event):
    """Arrival slots 9:00, 10:45 and 12:30, each with room for 125 pupils (5 classes of 25)."""
    return [
        TimeSlot.objects.create(
            event=event,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=125,
        )
        for starts_at, ends_at in [
            (datetime.time(9, 0), datetime.time(10, 30)),
            (datetime.time(10, 45), datetime.time(12, 15)),
            (datetime.time(12, 30), datetime.time(14, 0)),
        ]
    ]


@pytest.fixture
def slot(slots):
    return slots[0]


@pytest.fixture
def workshop(event, company_a):
    return Workshop.objects.create(
        event=event,
        title="Bouw een windmolen",
        description="In groepjes bouwen de leerlingen een werkende windmolen.",
        host=company_a,
        capacity_per_round=30,
    )


@pytest.fixture
def school(region_a):
    return SchoolFactory(
        name="Basisschool De Windroos",
        vestigingscode="12AB00",
        postcode="1012AB",
        city="Amsterdam",
        school_levels=[Level.PO],
    )


def registration_data(school_id: int, slot_id: int, **changes) -> dict:
    """A complete, valid registration form as a browser posts it; a change to None leaves it
    out."""
    data = {
        "form_token": str(uuid.uuid4()),
        "school": str(school_id),
        "slot": str(slot_id),
        "teacher_name": "Ilse Jansen",
        "teacher_email": "ilse.jansen@school.example.nl",
        "group": "groep 7",
        "level": Level.PO.value,
        "pupils": "25",
        "remarks": "We komen met de bus.",
        "consent": "on",
        "fax": "",
        "school_zoek": "",
    }
    result = data | changes
    return {name: value for name, value in result.items() if value is not None}


def register(slot: TimeSlot, school: Organisation, *, pupils: int = 25, **fields) -> Registration:
    """A class registered through the service (confirmed when it fits, else waiting)."""
    arguments = {
        "event": slot.event,
        "slot": slot,
        "school": school,
        "teacher_name": "Ilse Jansen",
        "teacher_email": "ilse.jansen@school.example.nl",
        "group": "groep 7",
        "level": Level.PO,
        "pupils": pupils,
        "remarks": "",
        "submission_token": uuid.uuid4(),
    } | fields
    registration, _created = registration_create(**arguments)
    return registration
