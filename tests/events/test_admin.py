"""/beheer/ for events: organiser A never sees organiser B's events, registrations or exports."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from events.models import Event, OrganiserStaff, Registration, TimeSlot, Workshop
from organisations.models import Organisation
from organisations.services import organiser_group_ensure
from tests.factories import SchoolFactory, SignUpFactory, UserFactory

from .conftest import make_event, register

pytestmark = pytest.mark.django_db

CHANGELIST = "/beheer/events/event/"
PAGES = ["registrations", "export", "schedule", "hosts"]


def login_as_organiser(client, user):
    user.groups.add(organiser_group_ensure())
    client.force_login(user)
    return client


@pytest.fixture
def organiser_client(client, organiser_user):
    return login_as_organiser(client, organiser_user)


@pytest.fixture
def event_b(region_b, event_date):
    organiser_b = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER, name="Techniekpact Utrecht", postcode="3511AB"
    )
    user = UserFactory(username="organisator-b", is_staff=True)
    OrganiserStaff.objects.create(user=user, organiser=organiser_b)
    event = make_event(
        organiser=organiser_b,
        region=region_b,
        date=event_date,
        title="PET-event Utrecht",
        slug="pet-event-utrecht",
    )
    slot = TimeSlot.objects.create(
        event=event, starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=50
    )
    register(slot, SchoolFactory(name="Utrechtse Basisschool"), teacher_name="Bert Utrecht")
    return event


@pytest.fixture
def full_slot(slot, school):
    """Slot 9:00 with four confirmed classes of 30 and one class waiting."""
    for n in range(4):
        register(slot, school, pupils=30, group=f"groep {n + 5}")
    register(slot, school, pupils=30, group="groep 8b", teacher_name="Wachtende Docent")
    return slot


def page(name, event):
    return reverse(f"admin:events_event_{name}", args=[event.pk])


# --- scoping ----------------------------------------------------------------------------------


def test_an_organiser_sees_only_their_own_events_in_the_list(organiser_client, event, event_b):
    response = organiser_client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [event]
    assert "PET-event Utrecht" not in response.content.decode()
    assert "Utrecht" not in [c[1] for c in response.context["cl"].filter_specs[2].lookup_choices]


def test_another_organisers_event_pages_are_404_and_its_change_page_is_not_shown(
    organiser_client, event_b
):
    for name in PAGES:
        assert organiser_client.get(page(name, event_b)).status_code == 404, name
    response = organiser_client.get(f"{CHANGELIST}{event_b.pk}/change/", follow=True)
    assert "PET-event Utrecht" not in response.content.decode()
    response = organiser_client.post(
        f"{CHANGELIST}{event_b.pk}/change/", {"title": "Overgenomen"}, follow=True
    )
    event_b.refresh_from_db()
    assert event_b.title == "PET-event Utrecht"


def test_a_forged_id_in_an_action_changes_nothing(organiser_client, event, event_b):
    Event.objects.filter(pk=event_b.pk).update(status=Event.Status.DRAFT)
    organiser_client.post(CHANGELIST, {"action": "publish", ACTION_CHECKBOX_NAME: [event_b.pk]})
    event_b.refresh_from_db()
    assert event_b.status == Event.Status.DRAFT


def test_an_organiser_opens_their_own_registration(organiser_client, full_slot):
    registration = Registration.objects.filter(slot=full_slot).first()
    response = organiser_client.get(f"/beheer/events/registration/{registration.pk}/change/")
    assert response.status_code == 200


def test_an_organiser_sees_only_their_own_registrations(organiser_client, full_slot, event_b):
    response = organiser_client.get("/beheer/events/registration/")
    assert response.status_code == 200
    assert {r.event for r in response.context["cl"].queryset} == {full_slot.event}
    other = Registration.objects.get(event=event_b)
    assert organiser_client.get(f"/beheer/events/registration/{other.pk}/change/").status_code in (
        302,
        404,
    )
    response = organiser_client.post(
        "/beheer/events/registration/",
        {"action": "export_csv", ACTION_CHECKBOX_NAME: [other.pk]},
    )
    assert "Bert Utrecht" not in response.content.decode("utf-8", "replace")


def test_a_coordinator_sees_the_events_of_their_region_only_and_cannot_change_them(
    coordinator_a_client, event, event_b
):
    response = coordinator_a_client.get(CHANGELIST)
    assert list(response.context["cl"].queryset) == [event]
    assert coordinator_a_client.get(page("registrations", event)).status_code == 200
    assert coordinator_a_client.get(page("registrations", event_b)).status_code == 404
    response = coordinator_a_client.get(f"{CHANGELIST}{event.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_the_national_desk_sees_every_event(national_desk_client, event, event_b):
    response = national_desk_client.get(CHANGELIST)
    assert set(response.context["cl"].queryset) == {event, event_b}


def test_an_organiser_can_only_pick_their_own_organisation(organiser_client, organiser, event_b):
    response = organiser_client.get(f"{CHANGELIST}add/")
    assert list(response.context["adminform"].form.fields["organiser"].queryset) == [organiser]


def test_the_slug_feed_is_refused(organiser_client, organiser, region_a, event_date):
    response = organiser_client.post(
        f"{CHANGELIST}add/",
        {
            "kind": "pet",
            "title": "Feed",
            "slug": "feed",
            "organiser": organiser.pk,
            "region": region_a.pk,
            "venue_name": "Hal",
            "street_address": "Straat 1",
            "postcode": "1011AB",
            "city": "Amsterdam",
            "date": event_date.isoformat(),
            "starts_at": "09:00",
            "ends_at": "15:00",
            "registration_opens_at_0": "2020-01-01",
            "registration_opens_at_1": "09:00",
            "registration_deadline_0": event_date.isoformat(),
            "registration_deadline_1": "09:00",
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
            "workshops-TOTAL_FORMS": "0",
            "workshops-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "gereserveerd" in response.content.decode()
    assert not Event.objects.filter(slug="feed").exists()


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_pupils_against_capacity_and_the_waitlist_in_constant_queries(
    organiser_client, full_slot, organiser, region_a, event_date, django_assert_max_num_queries
):
    response = organiser_client.get(CHANGELIST)
    assert "120 / 375" in response.content.decode()
    for n in range(5):
        make_event(organiser=organiser, region=region_a, date=event_date, slug=f"extra-{n}")
    with django_assert_max_num_queries(12) as captured:
        response = organiser_client.get(CHANGELIST)
    assert response.status_code == 200
    before = len(captured)
    for n in range(5, 10):
        make_event(organiser=organiser, region=region_a, date=event_date, slug=f"extra-{n}")
    with django_assert_max_num_queries(before):
        organiser_client.get(CHANGELIST)


# --- the organiser's pages --------------------------------------------------------------------


def test_registrations_per_slot_show_totals_and_the_waiting_list_in_order(
    organiser_client, full_slot, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = organiser_client.get(page("registrations", full_slot.event))
    content = response.content.decode()
    assert response.status_code == 200
    assert "120 van 125 leerlingen" in content
    assert "Wachtende Docent" in content
    assert [len(o.waitlisted) for o in response.context["slots"]] == [1, 0, 0]


def test_the_csv_export_is_excel_friendly_and_formula_safe(organiser_client, slot, school):
    register(slot, school, remarks='=HYPERLINK("http://evil.example")', group="groep 7; 8")
    response = organiser_client.get(page("export", slot.event))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Evenement;Datum;Tijdvak;Status;School;BRIN;")
    assert ";\"'=HYPERLINK" in lines[1]  # shown as text, never run
    assert '"groep 7; 8"' in lines[1]
    assert ";12AB;" in lines[1]


def test_the_day_schedule_lists_arrivals_and_workshops_per_round(
    organiser_client, full_slot, workshop
):
    response = organiser_client.get(page("schedule", full_slot.event))
    content = response.content.decode()
    assert response.status_code == 200
    assert "d-print-none" in content and 'id="container"' not in content  # no admin chrome
    assert content.count(workshop.title) == 3  # one row per round
    assert "Wachtende Docent" not in content  # only confirmed classes arrive


def test_the_hosts_page_assigns_a_candidate_and_emails_it_once(
    organiser_client, event, django_capture_on_commit_callbacks
):
    workshop = Workshop.objects.create(event=event, title="Solderen", capacity_per_round=20)
    company = SignUpFactory(wants_event_workshop=True, organisation__name="Soldeer BV").organisation
    response = organiser_client.get(page("hosts", event))
    assert "Soldeer BV" in response.content.decode()
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = organiser_client.post(
                page("hosts", event), {"workshop": workshop.pk, "company": company.pk}
            )
        assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.host == company
    assert len(mail.outbox) == 1


def test_the_hosts_page_refuses_a_forged_company_or_another_events_workshop(
    organiser_client, event, event_b, company_a
):
    workshop = Workshop.objects.create(event=event, title="Solderen", capacity_per_round=20)
    other = Workshop.objects.create(event=event_b, title="Elders", capacity_per_round=20)
    candidate = SignUpFactory(wants_event_workshop=True).organisation
    response = organiser_client.post(
        page("hosts", event), {"workshop": workshop.pk, "company": company_a.pk}
    )
    assert response.status_code == 400
    assert "Kies een bedrijf uit de lijst" in response.content.decode()
    response = organiser_client.post(
        page("hosts", event), {"workshop": other.pk, "company": candidate.pk}
    )
    assert response.status_code == 400
    assert "Kies een workshop van dit evenement" in response.content.decode()
    response = organiser_client.post(page("hosts", event), {"workshop": "", "company": "<script>"})
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert not Workshop.objects.filter(host__isnull=False).exists()
    assert not mail.outbox


def test_a_coordinator_may_look_at_the_hosts_page_but_not_assign(
    coordinator_a_client, event, workshop
):
    candidate = SignUpFactory(wants_event_workshop=True).organisation
    assert coordinator_a_client.get(page("hosts", event)).status_code == 200
    response = coordinator_a_client.post(
        page("hosts", event), {"workshop": workshop.pk, "company": candidate.pk}
    )
    assert response.status_code == 403


# --- actions ----------------------------------------------------------------------------------


def test_publishing_sets_the_publication_date_of_drafts_only(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT, published_at=None)
    organiser_client.post(CHANGELIST, {"action": "publish", ACTION_CHECKBOX_NAME: [event.pk]})
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and event.published_at


def test_cancelling_asks_for_a_reason_first(organiser_client, event, slot, school):
    register(slot, school)
    data = {"action": "cancel", ACTION_CHECKBOX_NAME: [event.pk]}
    response = organiser_client.post(CHANGELIST, data)
    assert response.status_code == 200
    assert "Reden van annulering" in response.content.decode()
    response = organiser_client.post(CHANGELIST, data | {"apply": "1", "reason": "   "})
    assert "Geef een reden op" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_cancelling_with_a_reason_cancels_the_event(
    organiser_client, event, slot, school, django_capture_on_commit_callbacks
):
    register(slot, school)
    mail.outbox.clear()
    data = {"action": "cancel", ACTION_CHECKBOX_NAME: [event.pk], "apply": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(CHANGELIST, data | {"reason": "De hal is onbruikbaar."})
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancel_reason == "De hal is onbruikbaar."
    assert mail.outbox  # the teacher hears of it
