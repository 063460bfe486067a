"""Hostile input against events: the list's filters (/evenementen/ GET), a class registration
(/evenementen/<slug>/ POST) and the teacher's cancel button (/evenementen/inschrijving/<token>/).
See tests/techportal/hostile.py for the values and the checks.
"""

import datetime
from functools import partial

import pytest
from django import forms
from django.http import QueryDict
from django.utils.html import escape

from events import queries
from events.forms import RegistrationForm
from events.models import Event, Registration, TimeSlot
from events.views.public import EventFilters
from organisations.models import Organisation, Region
from techportal.choices import Level
from tests.events.conftest import make_event, registration_data
from tests.factories import SchoolFactory

from .hostile import (
    AT_ONCE,
    CHOICE,
    CORE,
    EXTRA_FIELDS,
    NUMBER,
    ONE_FIELD,
    STRUCTURAL,
    TEXT,
    Tables,
    all_fields,
    assert_get_stores_nothing,
    assert_other_methods_not_allowed,
    assert_refused,
    assert_safe,
    assert_too_long_refused,
    at_max_length,
    each,
    encode,
    get_query,
    multiple_fields,
    post_form,
    prefixed,
    rotation,
    structural_attack,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(region_a):
    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER,
        name="Techniekpact <Amsterdam> & Co",
        street_address="Damrak 1",
        postcode="1012LG",
        city="Amsterdam",
    )
    date = datetime.date.today() + datetime.timedelta(days=30)
    return make_event(organiser=organiser, region=region_a, date=date)


@pytest.fixture
def slot(event):
    return TimeSlot.objects.create(
        event=event, starts_at=datetime.time(9), ends_at=datetime.time(10, 30), capacity=125
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


def detail_url(event: Event) -> str:
    return f"/evenementen/{event.slug}/"


# --- the list's filters --------------------------------------------------------------------------

LIST_PARAMS: dict[str, forms.Field | set[str]] = {
    "regio": {CHOICE, TEXT},
    "soort": {CHOICE},
    "niveau": {CHOICE, TEXT},
    "page": {NUMBER},
}
LIST_ROTATION = rotation(LIST_PARAMS, CORE)


def list_safely(client, params, payload: str) -> None:
    tables = Tables()
    response = get_query(client, "/evenementen/", params)
    assert_safe(response, payload)
    assert response.status_code == 200
    filters = EventFilters.from_params(QueryDict(encode(params)), list(Region.objects.all()))
    body = response.content.decode()
    for notice in filters.notices:  # what it ignored, it says in Dutch
        assert escape(notice) in body, notice
    tables.assert_unchanged()


def test_a_hostile_filter_never_breaks_the_list(client, event, subtests):
    each(
        subtests,
        LIST_ROTATION,
        lambda case: list_safely(client, {case.field: case.hostile.value}, case.hostile.value),
    )


def test_hostile_values_in_every_filter_at_once_are_ignored(client, event, subtests):
    each(
        subtests,
        AT_ONCE,
        lambda hostile: list_safely(
            client,
            [(name, hostile.value) for name in (*LIST_PARAMS, "regio", "soort")],
            hostile.value,
        ),
    )  # every value in one parameter at a time: above


# --- registering a class -------------------------------------------------------------------------

def registration_fields(event: Event) -> dict[str, forms.Field | set[str]]:
    """The form's fields (its slot field needs the event), and the school search box."""
    return {
        **prefixed(RegistrationForm(event=event)),
        "school_zoek": forms.CharField(max_length=100, required=False),
    }


def registered_and_shown_safely(client, payload: str):
    def check(response, tables: Tables) -> None:
        assert tables.new_rows()["events_registration"] == 1
        assert_safe(client.get(response["Location"]), payload)

    return check


def test_a_hostile_value_in_one_registration_field_is_refused_cleanly_or_stored_intact(
    client, attack_each_field, event, slot, school
):
    fields = registration_fields(event)
    attack_each_field(
        detail_url(event),
        lambda: registration_data(school.pk, slot.pk),
        fields,
        rotation(fields, ONE_FIELD),
        accepted=partial(registered_and_shown_safely, client),
        multiple=multiple_fields(fields),
        free={"school_zoek"},
    )


def test_a_hostile_value_in_every_registration_field_is_refused_cleanly(
    attack_every_field, event, slot, school
):
    fields = registration_fields(event)
    attack_every_field(detail_url(event), fields, multiple=multiple_fields(fields))


def test_forged_slot_and_school_ids_are_refused_in_dutch(
    client, event, slot, school, company_a, subtests
):
    other_event = make_event(
        organiser=event.organiser, region=event.region, date=event.date, slug="ander-event"
    )
    other_slot = TimeSlot.objects.create(
        event=other_event, starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=50
    )
    forged = {
        "slot-of-another-event": {"slot": str(other_slot.pk)},
        "no-such-slot": {"slot": str(slot.pk + 10_000)},
        "slot-one-or-one": {"slot": f"{slot.pk} OR 1=1"},
        "slot-bigint-overflow": {"slot": "+9223372036854775808"},
        "school-is-a-company": {"school": str(company_a.pk)},
        "school-is-the-organiser": {"school": str(event.organiser_id)},
        "no-such-school": {"school": str(school.pk + 10_000)},
        "school-negative": {"school": "-1"},
    }

    def check(name):
        tables = Tables()
        response = post_form(
            client, detail_url(event), registration_data(school.pk, slot.pk, **forged[name])
        )
        assert_safe(response)
        assert_refused(response, tables)
        messages = " ".join(str(error.message) for error in response.context["errors"])
        assert "Kies een van de tijdvakken." in messages or "Zoek uw school" in messages

    each(subtests, forged, check)


def test_every_field_one_character_too_long_is_refused(client, event, slot, school):
    fields = {n: f for n, f in registration_fields(event).items() if n != "school_zoek"}
    data = registration_data(school.pk, slot.pk)
    assert_too_long_refused(client, detail_url(event), data, fields)


def test_every_text_field_at_its_longest_is_stored_whole(client, event, slot, school):
    longest = at_max_length(registration_fields(event))

    response = post_form(client, detail_url(event), registration_data(school.pk, slot.pk) | longest)

    assert response.status_code == 302
    stored = Registration.objects.get()
    assert (stored.teacher_name, stored.group, stored.remarks) == (
        longest["teacher_name"],
        longest["group"],
        longest["remarks"],
    )


def test_a_school_of_another_region_may_register(client, event, slot, region_b):
    elsewhere = SchoolFactory(
        name="Utrechtse basisschool", vestigingscode="34CD00", postcode="3511AB"
    )

    response = post_form(client, detail_url(event), registration_data(elsewhere.pk, slot.pk))

    assert response.status_code == 302
    assert Registration.objects.get().school == elsewhere


def test_a_forged_event_slug_is_not_found(client, event, slot, school, subtests):
    draft = make_event(
        organiser=event.organiser,
        region=event.region,
        date=event.date,
        slug="concept",
        status=Event.Status.DRAFT,
    )
    paths = [
        f"/evenementen/{draft.slug}/",
        "/evenementen/bestaat-niet/",
        "/evenementen/%27%20OR%201=1%20--/",
        "/evenementen/%00/",
        "/evenementen/" + "a" * 10_000 + "/",
        f"/evenementen/{draft.slug}.ics",
    ]

    def check(path):
        tables = Tables()
        data = registration_data(school.pk, slot.pk)
        for response in (client.get(path), post_form(client, path, data)):
            assert_safe(response)
            assert response.status_code in {404, 405}
        tables.assert_unchanged()

    each(subtests, paths, check)


def test_a_malformed_registration_is_refused_cleanly(client, event, slot, school, subtests):
    def check(attack_):
        response = structural_attack(
            client, detail_url(event), registration_data(school.pk, slot.pk), attack_
        )
        if attack_.name == "extra-unknown-fields":
            assert response.status_code == 302
            assert Registration.objects.get().status == Registration.Status.CONFIRMED

    each(subtests, STRUCTURAL, check)


def test_the_registration_sent_by_get_stores_nothing(client, event, slot, school):
    assert_get_stores_nothing(client, detail_url(event), registration_data(school.pk, slot.pk))


def test_other_methods_on_the_event_page_are_not_allowed(client, event):
    assert_other_methods_not_allowed(client, detail_url(event))


# --- the teacher's cancel button -----------------------------------------------------------------


def test_the_cancel_button_ignores_every_hostile_field_but_cancels_once(
    client, event, slot, school, subtests
):
    registration = Registration.objects.create(
        event=event,
        slot=slot,
        school=school,
        teacher_name="Ilse Jansen",
        teacher_email="ilse@school.example.nl",
        group="groep 7",
        level=Level.PO,
        pupils=25,
        status=Registration.Status.CONFIRMED,
    )
    path = f"/evenementen/inschrijving/{queries.registration_status_token(registration)}/"

    def check(hostile):
        names = ["status", "pupils", "slot", "registration", "cancel"]
        data = all_fields(names, hostile.value, set())
        response = post_form(client, path, data | EXTRA_FIELDS)
        assert_safe(response, hostile.value)
        assert response.status_code == 302
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CANCELLED
        assert (registration.pupils, registration.slot_id) == (25, slot.pk)
        tables = Tables()
        again = post_form(client, path, data)  # a second click: refused, nothing changes
        assert_safe(again, hostile.value)
        assert_refused(again, tables, status=409)

    each(subtests, AT_ONCE, check)
