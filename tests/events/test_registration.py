"""A teacher registers a class for an event: the page, the form, the waiting list, the emails."""

import datetime
import re
import uuid
from html import unescape
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events import queries
from events.models import Event, Registration, TimeSlot
from events.services.registrations import (
    RegistrationClosed,
    event_cancel,
    registration_cancel,
    registration_notify,
)
from techportal.choices import Level
from tests.factories import ContactFactory
from tests.offers.requests_fixtures import signed_ago, tampered, unique_address

from .conftest import make_event, register, registration_data

pytestmark = pytest.mark.django_db


def detail_url(event: Event) -> str:
    return reverse("events:detail", args=[event.slug])


def post(client, event, data, **extra):
    return client.post(detail_url(event), data, REMOTE_ADDR=unique_address(), **extra)


def submit(client, event, data, capture):
    with capture(execute=True):
        return post(client, event, data)


def summary(html: str) -> str:
    pattern = r"<div class=\"alert alert-danger\"[^>]*id=\"foutmeldingen\".*?</div>"
    block = re.search(pattern, html, re.S)
    return unescape(block.group(0)) if block else ""


def status_link(body: str) -> str:
    prefix = reverse("events:registration_status", args=["TOKEN"]).split("TOKEN")[0]
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s\"<]+)", body)
    assert match, f"no status link in {body!r}"
    return match.group(1)


def calendar_of(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    _name, content, mimetype = attachment
    assert mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(content)


# --- the event's page ----------------------------------------------------------------------------


def test_the_page_shows_the_event_programme_places_left_and_the_form(
    client, event, slots, workshop, school
):
    register(slots[0], school, pupils=100)
    register(slots[1], school, pupils=125)

    response = client.get(detail_url(event))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    for text in [
        "PET-event Amsterdam",
        "PET-event (groep 6–8)",
        "Techniekhuis Noord",
        "Buiksloterweg 5",
        "1031CC Amsterdam",
        "Techniekpact Amsterdam",
        "Basisonderwijs (po)",
        "09:00–10:30",
        "10:45–12:15",
        "12:30–14:00",
        "nog 25 plaatsen vrij",
        "vol, u komt op de wachtlijst",
        "nog 125 plaatsen vrij",
        "Bouw een windmolen",
        "Amsterdamse Windtechniek",
        "Zet in mijn agenda",
        "Schrijf uw klas in",
        "Klas inschrijven",
    ]:
        assert text in html, text
    assert reverse("events:ics", args=[event.slug]) in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_page_takes_the_same_number_of_queries_however_many_slots_and_workshops(
    client, event, slots, workshop, school, company_b, django_assert_max_num_queries
):
    for slot in slots:
        register(slot, school)
    with django_assert_max_num_queries(8) as few:
        client.get(detail_url(event))
    for hour in range(15, 20):
        TimeSlot.objects.create(
            event=event,
            starts_at=datetime.time(hour),
            ends_at=datetime.time(hour, 45),
            capacity=50,
        )
        event.workshops.create(title=f"Workshop {hour}", host=company_b, capacity_per_round=20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail_url(event))


def test_a_draft_event_is_not_found(client, organiser, region_a, event_date):
    draft = make_event(
        organiser=organiser, region=region_a, date=event_date, status=Event.Status.DRAFT
    )
    assert client.get(detail_url(draft)).status_code == 404
    assert post(client, draft, {}).status_code == 404
    assert client.get("/evenementen/bestaat-niet/").status_code == 404


def test_a_cancelled_event_stays_visible_with_a_banner_and_no_form(client, event, slot, school):
    event_cancel(event=event, reason="De locatie is niet beschikbaar.")

    response = client.get(detail_url(event))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Dit evenement is geannuleerd" in html
    assert "De locatie is niet beschikbaar." in html
    assert "Klas inschrijven" not in html

    response = post(client, event, registration_data(school.pk, slot.pk))
    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"registration_deadline": timezone.now() - datetime.timedelta(minutes=1)},
            "De inschrijving is gesloten",
        ),
        (
            {
                "registration_opens_at": timezone.now() + datetime.timedelta(days=1),
                "registration_deadline": timezone.now() + datetime.timedelta(days=5),
            },
            "De inschrijving is nog niet open",
        ),
    ],
)
def test_outside_the_registration_period_the_page_says_so_and_a_post_stores_nothing(
    client, event, slot, school, changes, message
):
    Event.objects.filter(pk=event.pk).update(**changes)

    response = client.get(detail_url(event))
    html = unescape(response.content.decode())
    assert message in html
    assert "Klas inschrijven" not in html

    response = post(client, event, registration_data(school.pk, slot.pk))
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert not Registration.objects.exists()


def test_the_level_list_holds_only_the_events_levels(client, event, slot):
    html = client.get(detail_url(event)).content.decode()
    assert 'value="po"' in html
    assert 'value="havo"' not in html


def test_searching_a_school_without_javascript_lists_it_on_the_event_page(client, event, school):
    response = client.get(detail_url(event), {"school_zoek": "Windroos"})
    html = unescape(response.content.decode())
    assert "Basisschool De Windroos" in html
    assert f'value="{school.pk}"' in html


# --- registering ---------------------------------------------------------------------------------


def test_a_class_that_fits_is_confirmed_and_the_teacher_gets_the_ics(
    client, event, slot, school, django_capture_on_commit_callbacks
):
    response = submit(
        client, event, registration_data(school.pk, slot.pk), django_capture_on_commit_callbacks
    )

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert (registration.school, registration.slot, registration.pupils) == (school, slot, 25)
    assert registration.remarks == "We komen met de bus."
    assert registration.notified_status == Registration.Status.CONFIRMED
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert queries.registration_for_status_token(token) == registration

    (message,) = mail.outbox
    assert message.to == ["ilse.jansen@school.example.nl"]
    assert "ingeschreven voor PET-event Amsterdam" in message.subject
    assert "09:00" in message.body
    assert status_link(message.body) == response["Location"]
    calendar = calendar_of(message)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "PET-event Amsterdam"
    starts = vevent.decoded("DTSTART")
    assert starts.tzinfo is not None
    assert starts.astimezone(datetime.UTC) == datetime.datetime.combine(
        event.date, datetime.time(9), tzinfo=ZoneInfo("Europe/Amsterdam")
    ).astimezone(datetime.UTC)


def test_a_class_that_does_not_fit_waits_in_line_and_hears_its_place(
    client, event, slot, school, django_capture_on_commit_callbacks
):
    register(slot, school, pupils=110)
    register(slot, school, pupils=20)  # does not fit: first in line
    mail.outbox.clear()

    submit(
        client,
        event,
        registration_data(school.pk, slot.pk, pupils="10"),
        django_capture_on_commit_callbacks,
    )

    latest = Registration.objects.latest("pk")
    # 15 places are left and 10 would fit, but another class was waiting first.
    assert latest.status == Registration.Status.WAITLISTED
    assert queries.waitlist_position(latest) == 2
    (message,) = mail.outbox
    assert "wachtlijst" in message.subject
    assert "op plaats 2" in message.body
    assert not message.attachments


def test_a_full_slot_is_shown_full_and_the_next_class_is_waitlisted(client, event, slot, school):
    for _ in range(5):
        register(slot, school)
    html = unescape(client.get(detail_url(event)).content.decode())
    assert "vol, u komt op de wachtlijst" in html
    assert register(slot, school).status == Registration.Status.WAITLISTED


def test_the_same_form_sent_twice_makes_one_registration(
    client, event, slot, school, django_capture_on_commit_callbacks
):
    data = registration_data(school.pk, slot.pk)
    first = submit(client, event, data, django_capture_on_commit_callbacks)
    second = submit(client, event, data, django_capture_on_commit_callbacks)

    assert Registration.objects.count() == 1
    # Both lead to the one registration (the signed links may differ in their timestamp).
    tokens = [r["Location"].rstrip("/").rsplit("/", 1)[1] for r in (first, second)]
    assert {queries.registration_for_status_token(t) for t in tokens} == {
        Registration.objects.get()
    }
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"pupils": "0"}, "Vul ten minste 1 leerling in."),
        ({"pupils": "10000"}, "Vul hoogstens 200 leerlingen in."),
        ({"pupils": "abc"}, "Vul het aantal leerlingen in als getal, zoals 24."),
        ({"pupils": ""}, "Vul het aantal leerlingen in."),
        ({"slot": "999999"}, "Kies een van de tijdvakken."),
        ({"slot": "99999999999999999999"}, "Kies een van de tijdvakken."),
        ({"slot": "abc"}, "Kies een van de tijdvakken."),
        ({"slot": None}, "Kies een van de tijdvakken."),
        ({"school": None}, "Zoek uw school en kies die uit de lijst."),
        ({"school": "1 OR 1=1"}, "Zoek uw school en kies die uit de lijst."),
        ({"teacher_name": ""}, "Vul dit veld in."),
        ({"teacher_name": "x" * 151}, "niet meer dan 150 tekens"),
        ({"teacher_email": "geen-adres"}, "e-mailadres"),
        ({"group": None}, "Vul dit veld in."),
        ({"level": "havo"}, "Kies een van de niveaus uit de lijst."),
        ({"level": ""}, "Kies het niveau van de klas."),
        ({"remarks": "x" * 2001}, "niet meer dan 2000 tekens"),
        ({"remarks": "<script>alert(1)</script>"}, "zonder HTML-code of scripts"),
        ({"teacher_name": '<img src=x onerror="alert(1)">'}, "zonder HTML-code of scripts"),
        ({"consent": None}, "Ga akkoord met de privacyverklaring"),
        ({"form_token": "niet-een-code"}, "Dit formulier is onvolledig"),
    ],
)
def test_bad_input_is_refused_with_a_clear_dutch_error_and_nothing_is_stored(
    client, event, slot, school, changes, field_error
):
    response = post(client, event, registration_data(school.pk, slot.pk, **changes))

    assert response.status_code == 400
    assert field_error in unescape(response.content.decode())
    assert "fout in het formulier" in summary(response.content.decode())
    assert not Registration.objects.exists()


def test_everything_missing_gives_one_dutch_error_per_field(client, event, slot):
    response = post(client, event, {})
    assert response.status_code == 400
    text = summary(response.content.decode())
    assert "Er zijn 9 fouten in het formulier" in text
    assert not Registration.objects.exists()


def test_a_slot_of_another_event_is_refused_as_a_forged_choice(
    client, event, slot, school, organiser, region_a, event_date
):
    other = make_event(organiser=organiser, region=region_a, date=event_date, slug="ander-event")
    foreign = TimeSlot.objects.create(
        event=other, starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=100
    )

    response = post(client, event, registration_data(school.pk, foreign.pk, event=str(other.pk)))

    assert response.status_code == 400
    assert "Kies een van de tijdvakken." in unescape(response.content.decode())
    assert not Registration.objects.exists()


def test_the_service_refuses_a_slot_of_another_event_too(event, slot, school, organiser, region_a):
    other = make_event(organiser=organiser, region=region_a, date=event.date, slug="ander-event")
    with pytest.raises(ValidationError, match="Kies een van de tijdvakken"):
        register(slot, school, event=other)
    assert not Registration.objects.exists()


def test_markup_is_shown_escaped_after_an_error(client, event, slot, school):
    script = "<script>alert('x')</script>"
    response = post(client, event, registration_data(school.pk, slot.pk, remarks=script))
    html = response.content.decode()
    assert script not in html
    assert escape(script) in html


def test_sql_like_text_is_stored_as_plain_text(client, event, slot, school):
    text = "groep 7'); DROP TABLE events_registration; --"
    response = post(client, event, registration_data(school.pk, slot.pk, group=text[:50]))
    assert response.status_code == 302
    assert Registration.objects.get().group == text[:50]


def test_a_company_is_no_school(client, event, slot, company_a):
    response = post(client, event, registration_data(company_a.pk, slot.pk))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_after_an_error_the_chosen_school_and_slot_stay_chosen(client, event, slots, school):
    response = post(client, event, registration_data(school.pk, slots[1].pk, pupils="0"))
    html = response.content.decode()
    assert re.search(rf'value="{school.pk}"\s+checked', html)
    assert re.search(rf'value="{slots[1].pk}"\s+checked', html)


def test_a_filled_in_honeypot_stores_nothing(client, event, slot, school):
    response = post(client, event, registration_data(school.pk, slot.pk, fax="spam"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_too_many_registrations_from_one_address_are_refused(client, event, slot, school, settings):
    settings.EVENT_REGISTRATION_RATE_LIMIT = "2/h"
    address = unique_address()
    for _ in range(2):
        response = client.post(
            detail_url(event), registration_data(school.pk, slot.pk), REMOTE_ADDR=address
        )
        assert response.status_code == 302
    response = client.post(
        detail_url(event), registration_data(school.pk, slot.pk), REMOTE_ADDR=address
    )
    assert response.status_code == 429
    assert "Te veel inschrijvingen tegelijk" in response.content.decode()
    assert Registration.objects.count() == 2


def test_the_form_needs_its_csrf_token(event, slot, school):
    client = Client(enforce_csrf_checks=True)
    response = post(client, event, registration_data(school.pk, slot.pk))
    assert response.status_code == 403
    assert not Registration.objects.exists()


# --- the service's own checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"status": Event.Status.DRAFT}, "unpublished"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"registration_deadline": timezone.now() - datetime.timedelta(seconds=1)}, "deadline"),
        (
            {
                "registration_opens_at": timezone.now() + datetime.timedelta(hours=1),
                "registration_deadline": timezone.now() + datetime.timedelta(days=1),
            },
            "not_open",
        ),
    ],
)
def test_the_service_refuses_a_closed_event(event, slot, school, changes, code):
    Event.objects.filter(pk=event.pk).update(**changes)
    with pytest.raises(RegistrationClosed) as refused:
        register(slot, school)
    assert refused.value.code == code
    assert not Registration.objects.exists()


# --- cancelling and the waiting list -------------------------------------------------------------


def test_cancelling_frees_the_places_and_promotes_the_first_in_line(
    event, slot, school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = [register(slot, school, teacher_email=f"c{i}@school.nl") for i in range(5)]
        first = register(slot, school, teacher_email="first@school.nl")
        second = register(slot, school, teacher_email="second@school.nl")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=confirmed[2])

    assert promoted == [first]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITLISTED
    assert queries.waitlist_position(second) == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"c2@school.nl", "first@school.nl"}
    assert "geannuleerd" in by_address["c2@school.nl"].subject
    assert "Er is plaats" in by_address["first@school.nl"].subject
    calendar_of(by_address["first@school.nl"])


def test_promotion_keeps_strict_order_and_stops_at_a_class_that_does_not_fit(event, slot, school):
    big = register(slot, school, pupils=125)
    waiting_large = register(slot, school, pupils=120)
    waiting_small = register(slot, school, pupils=5)
    small = register(slot, school, pupils=1, event=event)  # waits behind the others
    assert small.status == Registration.Status.WAITLISTED

    promoted = registration_cancel(registration=big)

    assert promoted == [waiting_large, waiting_small]
    assert sum(r.pupils for r in Registration.objects.filter(slot=slot, status="confirmed")) == 125
    small.refresh_from_db()
    assert small.status == Registration.Status.WAITLISTED


def test_the_head_of_the_line_blocks_smaller_classes_behind_it(event, slot, school):
    register(slot, school, pupils=120)
    register(slot, school, pupils=100)  # waits
    behind = register(slot, school, pupils=5)
    taken = register(slot, school, pupils=5)
    assert behind.status == taken.status == Registration.Status.WAITLISTED
    head = Registration.objects.filter(pupils=100).get()
    assert registration_cancel(registration=head) == [behind]  # 5 places: the next one fits


def test_cancelling_twice_is_harmless(event, slot, school, django_capture_on_commit_callbacks):
    registration = register(slot, school)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)
        assert registration_cancel(registration=registration) == []
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancelled_at is not None


def test_each_status_is_mailed_once_however_often_the_task_runs(
    event, slot, school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(slot, school)
    assert len(mail.outbox) == 1
    assert registration_notify(registration_id=registration.pk) is False
    assert len(mail.outbox) == 1


# --- cancelling the event ------------------------------------------------------------------------


def test_cancelling_the_event_emails_every_teacher_and_host_and_closes_registration(
    event, slot, school, workshop, company_a, django_capture_on_commit_callbacks
):
    ContactFactory(organisation=company_a, email="anna@windtechniek.nl", name="Anna")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):  # 5 confirmed, 1 waiting
            register(slot, school, teacher_email=f"t{i}@school.nl")
        gone = register(slot, school, teacher_email="gone@school.nl")  # waiting, then cancelled
        registration_cancel(registration=gone)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, reason="Storm op de dag zelf.")
        event_cancel(event=event, reason="Nog eens")  # harmless

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancelled_at is not None
    assert event.cancel_reason == "Storm op de dag zelf."
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([f"t{i}@school.nl" for i in range(6)] + ["anna@windtechniek.nl"])
    teacher = next(m for m in mail.outbox if m.to == ["t0@school.nl"])
    assert teacher.subject == "Geannuleerd: PET-event Amsterdam"
    assert "Storm op de dag zelf." in teacher.body
    (vevent,) = calendar_of(teacher).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    host = next(m for m in mail.outbox if m.to == ["anna@windtechniek.nl"])
    assert "Bouw een windmolen" in host.body
    with pytest.raises(RegistrationClosed):
        register(slot, school)


def test_no_one_is_promoted_into_a_cancelled_event(event, slot, school):
    first = register(slot, school, pupils=125)
    waiting = register(slot, school)
    event_cancel(event=event, reason="")
    assert registration_cancel(registration=first) == []
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED


# --- the teacher's private page ------------------------------------------------------------------


@pytest.fixture
def registration(slot, school):
    return register(slot, school)


def status_url(registration: Registration) -> str:
    token = queries.registration_status_token(registration)
    return reverse("events:registration_status", args=[token])


def test_the_private_page_shows_the_registration_and_is_not_cached_indexed_or_referred(
    client, registration
):
    response = client.get(status_url(registration))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Bevestigd" in html
    assert "Basisschool De Windroos" in html
    assert "09:00–10:30" in html
    assert "Inschrijving annuleren" in html
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_waiting_teacher_sees_the_place_in_line(client, slot, school):
    for _ in range(5):
        register(slot, school)
    register(slot, school)
    waiting = register(slot, school)
    html = unescape(client.get(status_url(waiting)).content.decode())
    assert "Op de wachtlijst" in html
    assert "op plaats 2" in html


def test_the_teacher_cancels_with_the_button_and_the_page_says_so(
    client, registration, django_capture_on_commit_callbacks
):
    url = status_url(registration)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    html = unescape(client.get(url).content.decode())
    assert "U heeft deze inschrijving geannuleerd" in html
    assert "Inschrijving annuleren" not in html
    assert client.post(url).status_code == 409  # a second click changes nothing


def test_the_cancel_button_needs_its_csrf_token(registration):
    client = Client(enforce_csrf_checks=True)
    assert client.post(status_url(registration)).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("make", ["tampered", "expired", "other_salt", "not_an_id", "garbage"])
def test_a_tampered_or_expired_link_is_not_found(client, registration, make, settings):
    token = queries.registration_status_token(registration)
    salt = queries.REGISTRATION_LINK_SALT
    age = settings.EVENT_REGISTRATION_LINK_MAX_AGE
    bad = {
        "tampered": lambda: tampered(token),
        "expired": lambda: signed_ago(registration.pk, salt=salt, seconds=age + 10),
        "other_salt": lambda: signed_ago(registration.pk, salt="offers.request.follow", seconds=0),
        "not_an_id": lambda: signed_ago("1", salt=salt, seconds=0),
        "garbage": lambda: "abc",
    }[make]()
    url = reverse("events:registration_status", args=[bad])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_a_link_just_within_its_age_still_works(client, registration, settings):
    token = signed_ago(
        registration.pk,
        salt=queries.REGISTRATION_LINK_SALT,
        seconds=settings.EVENT_REGISTRATION_LINK_MAX_AGE - 60,
    )
    response = client.get(reverse("events:registration_status", args=[token]))
    assert response.status_code == 200


# --- queries -------------------------------------------------------------------------------------


def test_slots_with_places_counts_only_confirmed_pupils_in_one_query(
    event, slots, school, django_assert_num_queries
):
    register(slots[0], school, pupils=100)
    register(slots[0], school, pupils=50)  # waits
    cancelled = register(slots[1], school, pupils=30)
    registration_cancel(registration=cancelled)
    with django_assert_num_queries(1):
        found = [(s.confirmed_pupils, s.places_left) for s in queries.slots_with_places(event)]
    assert found == [(100, 25), (0, 125), (0, 125)]


def test_places_left_never_go_below_zero_when_capacity_is_lowered(event, slot, school):
    register(slot, school, pupils=100)
    TimeSlot.objects.filter(pk=slot.pk).update(capacity=50)
    (first, *_rest) = queries.slots_with_places(event)
    assert first.places_left == 0


def test_published_events_are_upcoming_and_published_only(organiser, region_a, event_date):
    today = timezone.localdate()
    upcoming = make_event(organiser=organiser, region=region_a, date=event_date, slug="a")
    make_event(
        organiser=organiser,
        region=region_a,
        date=today - datetime.timedelta(days=1),
        slug="b",
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_deadline=timezone.now() - datetime.timedelta(days=5),
    )
    make_event(
        organiser=organiser, region=region_a, date=event_date, slug="c", status=Event.Status.DRAFT
    )
    make_event(
        organiser=organiser,
        region=region_a,
        date=event_date,
        slug="d",
        status=Event.Status.CANCELLED,
    )
    assert list(queries.published_events()) == [upcoming]


def test_a_registration_token_is_unguessable_and_round_trips(registration):
    token = queries.registration_status_token(registration)
    assert str(registration.pk) != token
    assert queries.registration_for_status_token(token) == registration
    assert queries.registration_for_status_token(str(uuid.uuid4())) is None


def test_level_choice_follows_the_event(organiser, region_a, event_date):
    from events.forms import RegistrationForm

    open_to_all = make_event(
        organiser=organiser, region=region_a, date=event_date, slug="alle", levels=[]
    )
    form = RegistrationForm.blank(event=open_to_all)
    assert len(form.fields["level"].choices) == len(Level.choices) + 1
    tyt = make_event(
        organiser=organiser,
        region=region_a,
        date=event_date,
        slug="tyt",
        levels=[Level.VMBO_BB, Level.VMBO_KB],
    )
    values = [value for value, _label in RegistrationForm.blank(event=tyt).fields["level"].choices]
    assert values == ["", Level.VMBO_BB, Level.VMBO_KB]
