"""Matches in /beheer/: a coordinator sees and follows up those of their own regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import Match
from offers.services.requests import offer_request_accept
from organisations.services import coordinator_group_ensure
from tests.conftest import login_as_coordinator
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


def test_the_coordinator_group_may_view_and_change_matches():
    codenames = set(coordinator_group_ensure().permissions.values_list("codename", flat=True))
    assert {"view_match", "change_match"} <= codenames
    assert not {"add_match", "delete_match"} & codenames


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
        LIST, {"action": "cancel", "_selected_action": [match_a.pk, match_b.pk]}
    )

    match_a.refresh_from_db()
    match_b.refresh_from_db()
    assert match_a.status == Match.Status.CANCELLED
    assert match_b.status == Match.Status.CONFIRMED


def test_a_coordinator_follows_up_date_pupils_and_status_but_not_who(coordinator_a_client, match_a):
    page = coordinator_a_client.get(f"{LIST}{match_a.pk}/change/").content.decode()
    assert 'name="status"' in page and 'name="date"' in page and 'name="pupils"' in page
    assert 'name="offer"' not in page and 'name="school"' not in page
    assert f"/beheer/offers/offerrequest/{match_a.request_id}/change/" in page

    response = coordinator_a_client.post(
        f"{LIST}{match_a.pk}/change/",
        {"status": "carried_out", "pupils": "22", "date": "2030-03-01", "teacher_name": "X"},
    )

    assert response.status_code == 302
    match_a.refresh_from_db()
    assert (match_a.status, match_a.pupils, str(match_a.date)) == ("carried_out", 22, "2030-03-01")
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
