"""The iCal files: one event (/evenementen/<slug>.ics, email attachment) and the feed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.ical import event_calendar, events_feed
from events.models import Event

from .conftest import make_event

pytestmark = pytest.mark.django_db


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def only_event(body: bytes):
    (vevent,) = parse(body).events
    return vevent


def next_date(month: int, day: int) -> datetime.date:
    """The next `month`/`day` that lies in the future."""
    today = timezone.localdate()
    candidate = datetime.date(today.year, month, day)
    return candidate if candidate > today else candidate.replace(year=today.year + 1)


class TestEventCalendar:
    def test_it_writes_a_calendar_with_one_event(self, event):
        calendar = parse(event_calendar(event))

        assert calendar["VERSION"] == "2.0"
        assert calendar["PRODID"] == "-//Techportal//Evenementen//NL"
        assert calendar["X-WR-CALNAME"] == "PET-event Amsterdam"
        assert len(calendar.events) == 1

    def test_it_carries_summary_location_url_and_status(self, event, settings):
        settings.SITE_URL = "https://techportal.example.nl"

        vevent = only_event(event_calendar(event))

        assert vevent["SUMMARY"] == "PET-event Amsterdam"
        assert vevent["LOCATION"] == "Techniekhuis Noord, Buiksloterweg 5, 1031CC Amsterdam"
        assert vevent["URL"] == "https://techportal.example.nl/evenementen/pet-event-amsterdam/"
        assert vevent["STATUS"] == "CONFIRMED"
        assert vevent["SEQUENCE"] == 0
        assert "groep 6 tot en met 8" in vevent["DESCRIPTION"]
        assert vevent["URL"] in vevent["DESCRIPTION"]

    def test_it_gives_each_event_a_stable_uid(self, event, settings):
        settings.SITE_URL = "https://techportal.example.nl"

        first = only_event(event_calendar(event))
        event.title = "PET-event Amsterdam (nieuwe titel)"
        event.save()
        second = only_event(event_calendar(event))

        assert first["UID"] == second["UID"] == f"event-{event.pk}@techportal.example.nl"

    def test_it_writes_summer_times_in_amsterdam_time(self, organiser, region_a):
        event = make_event(organiser=organiser, region=region_a, date=next_date(6, 15))

        vevent = only_event(event_calendar(event))

        assert vevent.start.tzinfo.key == "Europe/Amsterdam"
        assert vevent.start.replace(tzinfo=None) == datetime.datetime.combine(
            event.date, datetime.time(9, 0)
        )
        assert vevent.start.utcoffset() == datetime.timedelta(hours=2)
        assert vevent.end.replace(tzinfo=None).time() == datetime.time(15, 0)
        assert vevent.end.utcoffset() == datetime.timedelta(hours=2)

    def test_it_writes_winter_times_in_amsterdam_time(self, organiser, region_a):
        event = make_event(organiser=organiser, region=region_a, date=next_date(1, 20))

        vevent = only_event(event_calendar(event))

        assert vevent.start.tzinfo.key == "Europe/Amsterdam"
        assert vevent.start.utcoffset() == datetime.timedelta(hours=1)
        assert vevent.start.astimezone(datetime.UTC).time() == datetime.time(8, 0)

    def test_it_carries_a_vtimezone_for_amsterdam(self, event):
        body = event_calendar(event)
        (vtimezone,) = parse(body).walk("VTIMEZONE")

        assert vtimezone["TZID"] == "Europe/Amsterdam"
        assert b"DTSTART;TZID=Europe/Amsterdam:" in body

    def test_it_marks_a_cancelled_event_and_raises_its_sequence(self, event):
        event.status = Event.Status.CANCELLED
        event.cancelled_at = timezone.now()
        event.cancel_reason = "De locatie is onverwacht gesloten."
        event.save()

        vevent = only_event(event_calendar(event))

        assert vevent["STATUS"] == "CANCELLED"
        assert vevent["SEQUENCE"] == 1
        assert "geannuleerd" in vevent["DESCRIPTION"]
        assert "De locatie is onverwacht gesloten." in vevent["DESCRIPTION"]

    def test_it_keeps_markup_and_special_characters_as_plain_text(self, organiser, region_a):
        title = '<script>alert("x")</script>; DROP TABLE events, -- "ok"'
        event = make_event(organiser=organiser, region=region_a, date=next_date(3, 3), title=title)

        vevent = only_event(event_calendar(event))

        assert vevent["SUMMARY"] == title


class TestEventsFeed:
    def test_it_writes_every_event_given(self, organiser, region_a, region_b):
        events = [
            make_event(organiser=organiser, region=region_a, date=next_date(6, 15)),
            make_event(
                organiser=organiser,
                region=region_b,
                date=next_date(11, 20),
                slug="tyt-utrecht",
                title="Tech Your Talent Utrecht",
                kind=Event.Kind.TECH_YOUR_TALENT,
            ),
        ]

        calendar = parse(events_feed(events))

        assert calendar["X-WR-CALNAME"] == "Techportal evenementen"
        assert {vevent["SUMMARY"] for vevent in calendar.events} == {
            "PET-event Amsterdam",
            "Tech Your Talent Utrecht",
        }
        assert len(calendar.walk("VTIMEZONE")) == 1

    def test_an_empty_feed_is_still_a_calendar(self):
        calendar = parse(events_feed([]))

        assert calendar.name == "VCALENDAR"
        assert calendar.events == []


class TestEventIcsView:
    def test_it_serves_a_published_event_as_a_download(self, client, event):
        response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="pet-event-amsterdam.ics"'
        assert only_event(response.content)["SUMMARY"] == "PET-event Amsterdam"

    def test_it_serves_a_cancelled_event_marked_cancelled(self, client, event):
        event.status = Event.Status.CANCELLED
        event.save()

        response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))

        assert response.status_code == 200
        assert only_event(response.content)["STATUS"] == "CANCELLED"

    def test_a_draft_does_not_exist_for_the_public(self, client, event):
        event.status = Event.Status.DRAFT
        event.save()

        response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))

        assert response.status_code == 404

    def test_an_unknown_slug_is_not_found(self, client, event):
        response = client.get("/evenementen/bestaat-niet.ics")

        assert response.status_code == 404

    def test_it_refuses_a_post(self, client, event):
        response = client.post(reverse("events:ics", kwargs={"slug": event.slug}))

        assert response.status_code == 405


class TestFeedView:
    def test_it_serves_published_upcoming_and_recent_events(self, client, organiser, region_a):
        today = timezone.localdate()
        make_event(organiser=organiser, region=region_a, date=today + datetime.timedelta(days=5))
        make_event(
            organiser=organiser,
            region=region_a,
            date=today - datetime.timedelta(days=10),
            slug="vorige-maand",
            title="Onlangs geweest",
            registration_opens_at=timezone.now() - datetime.timedelta(days=60),
        )
        make_event(
            organiser=organiser,
            region=region_a,
            date=today - datetime.timedelta(days=60),
            slug="lang-geleden",
            title="Lang geleden",
            registration_opens_at=timezone.now() - datetime.timedelta(days=120),
        )
        make_event(
            organiser=organiser,
            region=region_a,
            date=today + datetime.timedelta(days=9),
            slug="concept",
            title="Nog een concept",
            status=Event.Status.DRAFT,
        )

        response = client.get(reverse("events:feed"))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        summaries = [vevent["SUMMARY"] for vevent in parse(response.content).events]
        assert summaries == ["Onlangs geweest", "PET-event Amsterdam"]

    def test_it_keeps_a_cancelled_event_so_subscribers_drop_it(self, client, event):
        event.status = Event.Status.CANCELLED
        event.save()

        response = client.get(reverse("events:feed"))

        (vevent,) = parse(response.content).events
        assert vevent["STATUS"] == "CANCELLED"

    def test_it_is_not_shadowed_by_an_event_slug(self, client, event):
        response = client.get("/evenementen/feed.ics")

        assert response.status_code == 200
        assert parse(response.content)["X-WR-CALNAME"] == "Techportal evenementen"

    def test_it_takes_a_constant_number_of_queries(
        self, client, organiser, region_a, django_assert_num_queries
    ):
        for number in range(10):
            make_event(
                organiser=organiser,
                region=region_a,
                date=timezone.localdate() + datetime.timedelta(days=number + 5),
                slug=f"event-{number}",
            )

        with django_assert_num_queries(1):
            client.get(reverse("events:feed"))
