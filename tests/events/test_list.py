"""The public list of events (/evenementen/): upcoming events, filters, places left, pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration, TimeSlot
from techportal.choices import Level
from tests.factories import RegionFactory

from .conftest import make_event

pytestmark = pytest.mark.django_db

LIST_URL = "/evenementen/"


def days_ahead(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def titles(response) -> list[str]:
    return [event.title for event in response.context["events"]]


def add_slot(event, *, capacity=125, starts_at=datetime.time(9, 0)) -> TimeSlot:
    ends_at = (
        datetime.datetime.combine(event.date, starts_at) + datetime.timedelta(hours=1)
    ).time()
    return TimeSlot.objects.create(
        event=event, starts_at=starts_at, ends_at=ends_at, capacity=capacity
    )


def register(slot, school, *, pupils, status=Registration.Status.CONFIRMED) -> Registration:
    return Registration.objects.create(
        event=slot.event,
        slot=slot,
        school=school,
        teacher_name="Juf Jansen",
        teacher_email="jansen@example.nl",
        group="groep 7",
        level=Level.PO,
        pupils=pupils,
        status=status,
    )


@pytest.fixture
def tyt_utrecht(organiser, region_b):
    return make_event(
        organiser=organiser,
        region=region_b,
        date=days_ahead(40),
        slug="tyt-utrecht",
        title="Tech Your Talent Utrecht",
        kind=Event.Kind.TECH_YOUR_TALENT,
        levels=[Level.VMBO_BB, Level.VMBO_KB],
        city="Utrecht",
        venue_name="Jaarbeurs",
    )


@pytest.fixture
def conference_amsterdam(organiser, region_a):
    return make_event(
        organiser=organiser,
        region=region_a,
        date=days_ahead(50),
        slug="werkconferentie-amsterdam",
        title="Werkconferentie Amsterdam",
        kind=Event.Kind.WORK_CONFERENCE,
        levels=[Level.VMBO_KB, Level.HAVO],
    )


class TestWhichEventsAreListed:
    def test_it_lists_upcoming_published_events_by_date(
        self, client, event, tyt_utrecht, conference_amsterdam
    ):
        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert titles(response) == [
            "PET-event Amsterdam",
            "Tech Your Talent Utrecht",
            "Werkconferentie Amsterdam",
        ]

    def test_it_never_shows_a_draft(self, client, organiser, region_a):
        make_event(
            organiser=organiser,
            region=region_a,
            date=days_ahead(10),
            title="Geheim concept",
            status=Event.Status.DRAFT,
        )

        response = client.get(LIST_URL)

        assert titles(response) == []
        assert "Geheim concept" not in response.content.decode()

    def test_it_leaves_out_past_events_but_keeps_todays(self, client, organiser, region_a):
        long_ago = timezone.now() - datetime.timedelta(days=60)
        make_event(
            organiser=organiser,
            region=region_a,
            date=days_ahead(-1),
            slug="gisteren",
            title="Gisteren",
            registration_opens_at=long_ago,
        )
        make_event(
            organiser=organiser,
            region=region_a,
            date=days_ahead(0),
            slug="vandaag",
            title="Vandaag",
            registration_opens_at=long_ago,
        )

        response = client.get(LIST_URL)

        assert titles(response) == ["Vandaag"]

    def test_it_shows_a_cancelled_event_marked_as_cancelled(self, client, event):
        event.status = Event.Status.CANCELLED
        event.save()

        response = client.get(LIST_URL)

        assert titles(response) == ["PET-event Amsterdam"]
        assert "Geannuleerd" in response.content.decode()
        assert "Dit evenement gaat niet door." in response.content.decode()

    def test_it_says_so_when_there_are_no_events(self, client, db):
        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert "Er staan nu geen evenementen gepland." in response.content.decode()


class TestTheEventCard:
    def test_it_shows_what_a_teacher_needs_to_decide(self, client, event):
        response = client.get(LIST_URL)
        content = response.content.decode()

        assert "PET-event (groep 6–8)" in content
        assert "09:00–15:00" in content
        assert "Techniekhuis Noord, Amsterdam" in content
        assert "Regio Amsterdam" in content
        assert "Basisonderwijs (po)" in content
        assert reverse("events:detail", kwargs={"slug": event.slug}) in content

    def test_it_counts_the_places_left_over_all_slots(self, client, event, slots, school):
        register(slots[0], school, pupils=25)
        register(slots[1], school, pupils=30)
        register(slots[1], school, pupils=20, status=Registration.Status.WAITLISTED)
        register(slots[2], school, pupils=40, status=Registration.Status.CANCELLED)

        response = client.get(LIST_URL)

        (listed,) = response.context["events"]
        assert listed.places_left == 3 * 125 - 25 - 30
        assert "Nog 320 plaatsen voor leerlingen" in response.content.decode()

    def test_a_full_event_still_takes_the_waiting_list(self, client, event, school):
        slot = add_slot(event, capacity=25)
        register(slot, school, pupils=25)

        response = client.get(LIST_URL)

        (listed,) = response.context["events"]
        assert listed.places_left == 0
        assert "Vol — aanmelden voor de wachtlijst kan nog" in response.content.decode()

    def test_an_event_without_slots_says_the_programme_follows(self, client, event):
        response = client.get(LIST_URL)

        assert "Het programma volgt" in response.content.decode()

    def test_it_shows_until_when_registration_is_open(self, client, organiser, region_a):
        date = days_ahead(30)
        make_event(
            organiser=organiser,
            region=region_a,
            date=date,
            registration_deadline=timezone.make_aware(
                datetime.datetime.combine(date - datetime.timedelta(days=3), datetime.time(17, 0))
            ),
        )

        response = client.get(LIST_URL)

        assert "Aanmelden tot" in response.content.decode()
        assert "17:00" in response.content.decode()
        assert "Inschrijving gesloten" not in response.content.decode()

    def test_it_says_registration_is_closed_after_the_deadline(self, client, organiser, region_a):
        make_event(
            organiser=organiser,
            region=region_a,
            date=days_ahead(2),
            registration_opens_at=timezone.now() - datetime.timedelta(days=20),
            registration_deadline=timezone.now() - datetime.timedelta(hours=1),
        )

        response = client.get(LIST_URL)

        assert "Inschrijving gesloten" in response.content.decode()
        assert "Aanmelden tot" not in response.content.decode()

    def test_it_says_when_registration_opens(self, client, organiser, region_a):
        make_event(
            organiser=organiser,
            region=region_a,
            date=days_ahead(90),
            registration_opens_at=timezone.now() + datetime.timedelta(days=10),
        )

        response = client.get(LIST_URL)

        assert "Aanmelden kan vanaf" in response.content.decode()

    def test_it_escapes_a_title_with_markup(self, client, organiser, region_a):
        make_event(
            organiser=organiser,
            region=region_a,
            date=days_ahead(5),
            title='<script>alert("xss")</script> Techniekdag',
        )

        response = client.get(LIST_URL)
        content = response.content.decode()

        assert '<script>alert("xss")</script>' not in content
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; Techniekdag" in content


class TestFilters:
    def test_it_filters_by_region(self, client, event, tyt_utrecht, conference_amsterdam):
        response = client.get(LIST_URL, {"regio": "utrecht"})

        assert titles(response) == ["Tech Your Talent Utrecht"]

    def test_it_filters_by_kind(self, client, event, tyt_utrecht, conference_amsterdam):
        response = client.get(LIST_URL, {"soort": "werkconferentie"})

        assert titles(response) == ["Werkconferentie Amsterdam"]

    def test_it_filters_by_level(self, client, event, tyt_utrecht, conference_amsterdam):
        response = client.get(LIST_URL, {"niveau": "vmbo_kb"})

        assert titles(response) == ["Tech Your Talent Utrecht", "Werkconferentie Amsterdam"]

    def test_an_event_without_target_levels_is_open_to_every_level(
        self, client, organiser, region_a
    ):
        make_event(organiser=organiser, region=region_a, date=days_ahead(5), levels=[])

        response = client.get(LIST_URL, {"niveau": "havo"})

        assert titles(response) == ["PET-event Amsterdam"]

    def test_filters_combine(self, client, event, tyt_utrecht, conference_amsterdam):
        response = client.get(LIST_URL, {"regio": "amsterdam", "niveau": "vmbo_kb"})
        assert titles(response) == ["Werkconferentie Amsterdam"]

        response = client.get(LIST_URL, {"regio": "amsterdam", "soort": "tyt", "niveau": "vmbo_kb"})
        assert titles(response) == []
        assert "Probeer minder filters." in response.content.decode()

    def test_the_form_keeps_the_chosen_filters(self, client, event, tyt_utrecht):
        response = client.get(LIST_URL, {"regio": "utrecht", "soort": "tyt"})
        content = response.content.decode()

        assert '<option value="utrecht" selected>' in content
        assert '<option value="tyt" selected>' in content

    def test_the_kind_links_keep_the_other_filters(self, client, event, tyt_utrecht):
        response = client.get(LIST_URL, {"regio": "utrecht", "niveau": "vmbo_bb"})

        links = {link.label: link.url for link in response.context["kind_links"]}
        assert (
            links["Werkconferentie"]
            == "/evenementen/?regio=utrecht&soort=werkconferentie&niveau=vmbo_bb"
        )
        assert links["Alle soorten"] == "/evenementen/?regio=utrecht&niveau=vmbo_bb"

    def test_each_chosen_filter_has_a_link_that_removes_it(self, client, event, tyt_utrecht):
        response = client.get(LIST_URL, {"regio": "utrecht", "soort": "tyt"})

        removals = [link.url for link in response.context["active_filters"]]
        assert removals == ["/evenementen/?soort=tyt", "/evenementen/?regio=utrecht"]

    @pytest.mark.parametrize(
        ("params", "notice"),
        [
            ({"regio": "atlantis"}, "Regio „atlantis” bestaat niet"),
            ({"soort": "kermis"}, "Soort „kermis” bestaat niet"),
            ({"niveau": "groep9"}, "Niveau „groep9” bestaat niet"),
            ({"niveau": "' OR 1=1 --"}, "Niveau „&#x27; OR 1=1 --” bestaat niet"),
        ],
    )
    def test_a_bad_filter_value_is_ignored_with_a_notice(
        self, client, event, tyt_utrecht, params, notice
    ):
        response = client.get(LIST_URL, params)

        assert response.status_code == 200
        assert titles(response) == ["PET-event Amsterdam", "Tech Your Talent Utrecht"]
        assert notice in response.content.decode()
        assert "dit filter is genegeerd" in response.content.decode()

    def test_a_bad_value_is_echoed_escaped_and_shortened(self, client, event):
        response = client.get(LIST_URL, {"soort": "<script>alert(1)</script>" + "x" * 500})
        content = response.content.decode()

        assert response.status_code == 200
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        (notice,) = response.context["filters"].notices
        assert "x" * 100 not in notice
        assert notice.startswith("Soort „<script>alert(1)</script>xxx")

    def test_a_bad_value_does_not_hide_the_good_ones(self, client, event, tyt_utrecht):
        response = client.get(LIST_URL, {"regio": "utrecht", "soort": "kermis"})

        assert titles(response) == ["Tech Your Talent Utrecht"]
        assert "Soort „kermis” bestaat niet" in response.content.decode()

    def test_empty_filter_values_mean_no_filter(self, client, event, tyt_utrecht):
        response = client.get(LIST_URL, {"regio": "", "soort": "", "niveau": ""})

        assert titles(response) == ["PET-event Amsterdam", "Tech Your Talent Utrecht"]
        assert response.context["filters"].notices == ()

    def test_a_region_without_events_shows_nothing(self, client, event):
        RegionFactory(name="Zeeland", slug="zeeland")

        response = client.get(LIST_URL, {"regio": "zeeland"})

        assert titles(response) == []
        assert response.context["filters"].notices == ()


class TestPagination:
    @pytest.fixture
    def many_events(self, organiser, region_a):
        return [
            make_event(
                organiser=organiser,
                region=region_a,
                date=days_ahead(10 + number),
                slug=f"event-{number:02d}",
                title=f"Evenement {number:02d}",
            )
            for number in range(25)
        ]

    def test_it_shows_twenty_events_a_page(self, client, many_events):
        first = client.get(LIST_URL)
        second = client.get(LIST_URL, {"page": "2"})

        assert titles(first) == [f"Evenement {number:02d}" for number in range(20)]
        assert titles(second) == [f"Evenement {number:02d}" for number in range(20, 25)]
        assert 'rel="next"' in first.content.decode()
        assert 'rel="prev"' in second.content.decode()

    @pytest.mark.parametrize(
        ("page", "expected_page"),
        [("0", 1), ("-3", 1), ("abc", 1), ("", 1), ("99999", 2), ("1e9", 1), ("2.5", 1)],
    )
    def test_a_bad_page_number_shows_the_nearest_page(
        self, client, many_events, page, expected_page
    ):
        response = client.get(LIST_URL, {"page": page})

        assert response.status_code == 200
        assert response.context["page"].number == expected_page

    def test_page_links_keep_the_filters(self, client, many_events):
        response = client.get(LIST_URL, {"regio": "amsterdam"})

        assert response.context["next_url"] == "/evenementen/?regio=amsterdam&page=2"

    def test_a_filter_starts_again_at_page_one(self, client, many_events):
        response = client.get(LIST_URL, {"page": "2"})

        links = {link.label: link.url for link in response.context["kind_links"]}
        assert links["Alle soorten"] == "/evenementen/"


class TestQueries:
    def make_events(self, count, *, organiser, region, school):
        for number in range(count):
            event = make_event(
                organiser=organiser,
                region=region,
                date=days_ahead(5 + number),
                slug=f"q-{count}-{number}",
            )
            slot = add_slot(event)
            add_slot(event, starts_at=datetime.time(11, 0))
            register(slot, school, pupils=20)

    def count_queries(self, client) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_events(
        self, client, organiser, region_a, school
    ):
        self.make_events(3, organiser=organiser, region=region_a, school=school)
        with_three = self.count_queries(client)
        self.make_events(27, organiser=organiser, region=region_a, school=school)
        with_thirty = self.count_queries(client)

        assert with_three == with_thirty
        assert with_thirty <= 3  # regions, the count, the page with its places left


class TestTheCalendarFeedLink:
    def test_the_page_offers_the_feed(self, client, event):
        response = client.get(LIST_URL)
        content = response.content.decode()
        feed_url = reverse("events:feed")

        assert '<link rel="alternate" type="text/calendar"' in content
        assert f'href="{feed_url}"' in content
        assert "Abonneer op de agenda" in content


class TestMethods:
    def test_it_refuses_a_post(self, client, event):
        response = client.post(LIST_URL)

        assert response.status_code == 405

    def test_it_answers_a_head(self, client, event):
        assert client.head(LIST_URL).status_code == 200
