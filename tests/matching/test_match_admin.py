"""Matches in /beheer/: a coordinator sees and follows up those of their own regions."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import Match
from offers.models import Offer
from offers.services.requests import offer_request_accept
from organisations.services import coordinator_group_ensure
from tests.conftest import login_as_coordinator
from tests.factories import CarriedOutMatchFactory, ContactFactory, MatchFactory
from tests.offers.requests_fixtures import published_offer, school
from tests.offers.test_request_admin import make_request

pytestmark = pytest.mark.django_db

LIST = "/beheer/matching/match/"


def accepted_match(offer, school_location, teacher: str) -> Match:
    offer_request = make_request(offer, school_location, teacher=teacher)
    return offer_request_accept(offer_request=offer_request, date=timezone.localdate())


@pytest.fixture
def match_a(company_a):
    return accepted_match(
        published_offer(company_a, title="Gastles windenergie"),
        school("Amsterdams Lyceum", "12AB01"),
        "Ilse Amsterdam",
    )


@pytest.fixture
def match_b(company_b):
    return accepted_match(
        published_offer(company_b, title="Zonnepanelen op het dak"),
        school("Utrechts College", "34CD01", postcode="3511AB", city="Utrecht"),
        "Piet Utrecht",
    )


def test_the_coordinator_group_may_view_propose_and_change_matches_but_not_delete():
    codenames = set(coordinator_group_ensure().permissions.values_list("codename", flat=True))
    assert {"view_match", "add_match", "change_match"} <= codenames
    assert "delete_match" not in codenames


def test_a_coordinator_sees_the_matches_of_their_regions_only(
    coordinator_a_client, match_a, match_b
):
    response = coordinator_a_client.get(LIST)

    html = response.content.decode()
    assert "Gastles windenergie" in html
    assert "Amsterdamse Windtechniek" in html
    assert "Amsterdams Lyceum" in html
    assert "Bevestigd" in html
    assert "Zonnepanelen op het dak" not in html


def test_a_match_with_a_school_in_their_region_is_visible_too(coordinator_a_client, company_b):
    match = accepted_match(
        published_offer(company_b, title="Bezoek zonnepark"),
        school("Amsterdamse Scholengemeenschap", "56EF01"),
        "Anouk Amsterdam",
    )

    assert "Bezoek zonnepark" in coordinator_a_client.get(LIST).content.decode()
    assert coordinator_a_client.get(f"{LIST}{match.pk}/change/").status_code == 200


def test_another_regions_match_is_out_of_reach_by_url_search_and_action(
    coordinator_a_client, match_a, match_b
):
    assert coordinator_a_client.get(f"{LIST}{match_b.pk}/change/").status_code == 302
    posted = coordinator_a_client.post(
        f"{LIST}{match_b.pk}/change/", {"status": "cancelled", "pupils": "1"}
    )
    assert posted.status_code == 302
    searched = coordinator_a_client.get(LIST, {"q": "Zonnepanelen"}).content.decode()
    assert "Zonnepanelen op het dak" not in searched
    assert "0 resultaten" in searched

    coordinator_a_client.post(
        LIST,
        {
            "action": "cancel",
            "_selected_action": [match_a.pk, match_b.pk],
            "reason": "Het bedrijf is gestopt",
            "apply": "1",
        },
    )

    match_a.refresh_from_db()
    match_b.refresh_from_db()
    assert match_a.status == Match.Status.CANCELLED
    assert match_b.status == Match.Status.CONFIRMED


def test_a_coordinator_follows_up_date_and_pupils_but_not_the_status_nor_who(
    coordinator_a_client, match_a
):
    page = coordinator_a_client.get(f"{LIST}{match_a.pk}/change/").content.decode()
    assert 'name="date"' in page and 'name="pupils"' in page
    assert 'name="status"' not in page and 'name="teacher_email"' not in page
    assert 'name="offer"' not in page and 'name="school"' not in page
    assert f"/beheer/offers/offerrequest/{match_a.request_id}/change/" in page

    response = coordinator_a_client.post(
        f"{LIST}{match_a.pk}/change/",
        {"status": "carried_out", "pupils": "22", "date": "2030-03-01", "teacher_name": "X"},
    )

    assert response.status_code == 302
    match_a.refresh_from_db()
    assert (match_a.status, match_a.pupils, str(match_a.date)) == ("confirmed", 22, "2030-03-01")
    assert match_a.teacher_name == "Ilse Amsterdam"


def test_the_national_desk_sees_every_match(national_desk_client, match_a, match_b):
    html = national_desk_client.get(LIST).content.decode()

    assert "Gastles windenergie" in html and "Zonnepanelen op het dak" in html


def queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST).status_code == 200
    return len(captured)


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_rows(
    client, coordinator_a, company_a
):
    offer = published_offer(company_a)
    location = school("Amsterdams Lyceum", "12AB01")
    login_as_coordinator(client, coordinator_a)
    for number in range(3):
        accepted_match(offer, location, f"Docent {number}")
    client.get(LIST)  # warm the session and permission caches
    few = queries_for_list(client)
    for number in range(3, 30):
        accepted_match(offer, location, f"Docent {number}")

    assert queries_for_list(client) == few
    assert few <= 12


# --- the lifecycle in /beheer/ ------------------------------------------------------------------


def act(client, action: str, matches, **data):
    """Post an action for `matches`; with data, also the intermediate page's `apply`."""
    payload = {"action": action, "_selected_action": [match.pk for match in matches]}
    if data:
        payload |= {"apply": "1"} | data
    return client.post(LIST, payload, follow=bool(data) or action == "close")


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.fixture
def coordinator_b_client(client, coordinator_b):
    return login_as_coordinator(client, coordinator_b)


@pytest.fixture
def proposed_a(company_a):
    ContactFactory(organisation=company_a, email="anna@windtechniek.example.nl")
    return MatchFactory(
        offer=published_offer(company_a, title="Bezoek windpark"),
        school=school("Amsterdams Lyceum", "12AB02"),
    )


def test_the_change_page_shows_the_lifecycle_read_only(coordinator_a_client, company_a):
    match = CarriedOutMatchFactory(
        offer=published_offer(company_a),
        school=school("Amsterdams Lyceum", "12AB03"),
        company_rating=4,
        company_evaluation="Goede <vragen> gesteld",
        company_evaluated_at=timezone.now(),
    )

    page = coordinator_a_client.get(f"{LIST}{match.pk}/change/").content.decode()

    for label in ("Bevestigd door het bedrijf op", "Bevestigd door de school op", "Evaluatie"):
        assert label in page
    assert "Goede &lt;vragen&gt; gesteld" in page
    assert 'name="company_evaluation"' not in page and 'name="date"' not in page


def test_a_proposal_without_a_teacher_warns_until_the_coordinator_fills_in_the_address(
    coordinator_a_client, proposed_a, django_capture_on_commit_callbacks
):
    Match.objects.filter(pk=proposed_a.pk).update(teacher_email="")
    page = coordinator_a_client.get(f"{LIST}{proposed_a.pk}/change/").content.decode()
    assert "De school heeft geen uitnodiging gekregen" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_a_client.post(
            f"{LIST}{proposed_a.pk}/change/",
            {"teacher_name": "Ilse", "teacher_email": "ilse@lyceum.example.nl", "pupils": ""},
        )

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["ilse@lyceum.example.nl"]]
    proposed_a.refresh_from_db()
    assert proposed_a.school_invited_at is not None


def test_the_add_page_proposes_through_the_service(
    coordinator_a_client, coordinator_a, company_a, django_capture_on_commit_callbacks
):
    ContactFactory(organisation=company_a, email="anna@windtechniek.example.nl")
    offer = published_offer(company_a)
    college = school("Amsterdams Lyceum", "12AB04")

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_a_client.post(
            f"{LIST}add/",
            {
                "offer": offer.pk,
                "school": college.pk,
                "teacher_name": "Ilse",
                "teacher_email": "ilse@lyceum.example.nl",
            },
        )

    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.status, match.proposed_by) == (Match.Status.PROPOSED, coordinator_a.user)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@windtechniek.example.nl",
        "ilse@lyceum.example.nl",
    ]


@pytest.mark.parametrize(
    ("offer_status", "message"),
    [(Offer.Status.ARCHIVED, "gearchiveerd"), (Offer.Status.PUBLISHED, "al een match")],
)
def test_the_add_page_refuses_what_cannot_be_proposed(
    coordinator_a_client, proposed_a, offer_status, message
):
    Offer.objects.filter(pk=proposed_a.offer_id).update(status=offer_status)

    response = coordinator_a_client.post(
        f"{LIST}add/", {"offer": proposed_a.offer_id, "school": proposed_a.school_id}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Match.objects.count() == 1


def test_marking_carried_out_asks_date_and_pupils_and_skips_what_is_not_confirmed(
    coordinator_a_client, match_a, proposed_a
):
    page = act(coordinator_a_client, "mark_carried_out", [match_a, proposed_a])
    assert page.status_code == 200
    assert 'name="date"' in page.content.decode() and 'name="pupils"' in page.content.decode()

    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    done = act(
        coordinator_a_client, "mark_carried_out", [match_a, proposed_a], date=yesterday, pupils="23"
    )

    assert "1 match gemarkeerd als uitgevoerd" in messages_of(done)
    assert "1 match bleef ongewijzigd" in messages_of(done)
    match_a.refresh_from_db()
    proposed_a.refresh_from_db()
    assert (match_a.status, match_a.pupils, str(match_a.date)) == ("carried_out", 23, yesterday)
    assert proposed_a.status == Match.Status.PROPOSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "", "pupils": ""}, "Vul de datum in"),
        ({"date": "2030-13-45", "pupils": "20"}, "Vul een geldige datum in"),
        ({"date": "2099-01-01", "pupils": "20"}, "toekomst"),
        ({"date": "2026-01-01", "pupils": "0"}, "tussen 1 en 500"),
        ({"date": "2026-01-01", "pupils": "1000"}, "tussen 1 en 500"),
        ({"date": "2026-01-01", "pupils": "<script>"}, 'value="&lt;script&gt;"'),
    ],
)
def test_marking_carried_out_with_bad_input_shows_the_page_again(
    coordinator_a_client, match_a, data, message
):
    response = act(coordinator_a_client, "mark_carried_out", [match_a], **data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="<script>"' not in response.content.decode()
    match_a.refresh_from_db()
    assert match_a.status == Match.Status.CONFIRMED


def test_cancelling_asks_a_reason_and_leaves_carried_out_matches_alone(
    coordinator_a_client, match_a, company_a, django_capture_on_commit_callbacks
):
    carried_out = CarriedOutMatchFactory(
        offer=published_offer(company_a), school=school("Amsterdams Lyceum", "12AB05")
    )
    page = act(coordinator_a_client, "cancel", [match_a, carried_out])
    assert 'name="reason"' in page.content.decode()

    empty = act(coordinator_a_client, "cancel", [match_a], reason="  ")
    assert "Geef een reden op" in empty.content.decode()
    markup = act(coordinator_a_client, "cancel", [match_a], reason="<b>weg</b>")
    assert "zonder HTML-code" in markup.content.decode()
    assert "&lt;b&gt;weg&lt;/b&gt;" in markup.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = act(coordinator_a_client, "cancel", [match_a, carried_out], reason="Docent ziek")

    assert "1 match geannuleerd" in messages_of(done)
    assert "1 match bleef ongewijzigd" in messages_of(done)
    match_a.refresh_from_db()
    carried_out.refresh_from_db()
    assert (match_a.status, match_a.cancelled_by, match_a.cancel_reason) == (
        "cancelled",
        "coordinator",
        "Docent ziek",
    )
    assert carried_out.status == Match.Status.CARRIED_OUT
    assert mail.outbox and all("Docent ziek" in message.body for message in mail.outbox)


def test_closing_closes_carried_out_matches_only(coordinator_a_client, match_a, company_a):
    carried_out = CarriedOutMatchFactory(
        offer=published_offer(company_a), school=school("Amsterdams Lyceum", "12AB06")
    )

    done = act(coordinator_a_client, "close", [match_a, carried_out])

    assert "1 match afgesloten" in messages_of(done)
    assert "1 match bleef ongewijzigd" in messages_of(done)
    carried_out.refresh_from_db()
    match_a.refresh_from_db()
    assert (carried_out.status, match_a.status) == ("closed", "confirmed")


def test_a_coordinator_of_region_b_cannot_act_on_region_as_match_anywhere(
    coordinator_b_client, match_a, proposed_a, company_a
):
    carried_out = CarriedOutMatchFactory(
        offer=published_offer(company_a), school=school("Amsterdams Lyceum", "12AB07")
    )
    before = {m.pk: m.status for m in Match.objects.all()}

    assert coordinator_b_client.get(f"{LIST}{match_a.pk}/change/").status_code == 302
    coordinator_b_client.post(
        f"{LIST}{proposed_a.pk}/change/", {"teacher_email": "x@example.nl", "pupils": "3"}
    )
    act(coordinator_b_client, "mark_carried_out", [match_a], date="2026-01-01", pupils="20")
    act(coordinator_b_client, "cancel", [match_a, proposed_a], reason="Weg ermee")
    act(coordinator_b_client, "close", [carried_out])
    added = coordinator_b_client.post(
        f"{LIST}add/", {"offer": proposed_a.offer_id, "school": proposed_a.school_id}
    )

    assert added.status_code == 200 and "Selecteer een geldige keuze" in added.content.decode()
    assert {m.pk: m.status for m in Match.objects.all()} == before
    proposed_a.refresh_from_db()
    assert proposed_a.teacher_email != "x@example.nl"
