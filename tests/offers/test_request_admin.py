"""Requests in /beheer/: a coordinator sees those whose offer or school lies in their regions."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers.models import OfferRequest
from organisations.services import coordinator_group_ensure
from techportal.choices import Level
from tests.conftest import login_as_coordinator

from .requests_fixtures import published_offer, school

pytestmark = pytest.mark.django_db

LIST = "/beheer/offers/offerrequest/"


def make_request(offer, school_location, teacher="Ilse Jansen") -> OfferRequest:
    return OfferRequest.objects.create(
        offer=offer,
        school=school_location,
        teacher_name=teacher,
        teacher_email="docent@school.example.nl",
        group="3 vmbo-KB",
        level=Level.VMBO_KB,
        pupils=24,
        preferred_period="najaar",
    )


@pytest.fixture
def request_a(company_a):
    return make_request(
        published_offer(company_a, title="Gastles windenergie"),
        school("Amsterdams Lyceum", "12AB01"),
        teacher="Ilse Amsterdam",
    )


@pytest.fixture
def request_b(company_b):
    return make_request(
        published_offer(company_b, title="Zonnepanelen op het dak"),
        school("Utrechts College", "34CD01", postcode="3511AB", city="Utrecht"),
        teacher="Piet Utrecht",
    )


def test_the_coordinator_group_may_view_requests_but_not_change_them():
    codenames = set(coordinator_group_ensure().permissions.values_list("codename", flat=True))
    assert "view_offerrequest" in codenames
    assert not {"add_offerrequest", "change_offerrequest", "delete_offerrequest"} & codenames
    assert Permission.objects.filter(codename="view_offerrequest").exists()


def test_a_coordinator_sees_only_the_requests_of_their_regions(
    coordinator_a_client, request_a, request_b
):
    html = coordinator_a_client.get(LIST).content.decode()

    assert "Ilse Amsterdam" in html
    assert "Piet Utrecht" not in html
    assert "Zonnepanelen op het dak" not in html


def test_a_request_for_another_regions_offer_from_a_school_in_their_region_is_visible(
    coordinator_a_client, company_b, request_b
):
    from_amsterdam = make_request(
        published_offer(company_b, title="Bezoek zonnepark"),
        school("Amsterdamse Scholengemeenschap", "56EF01"),
        teacher="Anouk Amsterdam",
    )

    html = coordinator_a_client.get(LIST).content.decode()

    assert "Anouk Amsterdam" in html
    assert "Piet Utrecht" not in html
    assert coordinator_a_client.get(f"{LIST}{from_amsterdam.pk}/change/").status_code == 200


def test_another_regions_request_is_not_found_by_url_or_search(
    coordinator_a_client, request_a, request_b
):
    response = coordinator_a_client.get(f"{LIST}{request_b.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert coordinator_a_client.get(f"{LIST}{request_b.pk}/history/").status_code == 302
    searched = coordinator_a_client.get(LIST, {"q": "Piet"}).content.decode()
    assert "Piet Utrecht" not in searched
    assert "0 resultaten" in searched


def test_the_request_page_is_read_only_for_a_coordinator(coordinator_a_client, request_a):
    response = coordinator_a_client.get(f"{LIST}{request_a.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="teacher_name"' not in html
    posted = coordinator_a_client.post(
        f"{LIST}{request_a.pk}/change/", {"teacher_name": "Gewijzigd"}
    )
    assert posted.status_code == 403
    request_a.refresh_from_db()
    assert request_a.teacher_name == "Ilse Amsterdam"


def test_the_national_desk_sees_every_request(national_desk_client, request_a, request_b):
    html = national_desk_client.get(LIST).content.decode()

    assert "Ilse Amsterdam" in html and "Piet Utrecht" in html


def test_the_region_filter_offers_only_their_own_regions(
    coordinator_a_client, request_a, request_b, region_a, region_b
):
    html = coordinator_a_client.get(LIST).content.decode()
    assert "Amsterdam</a>" in html
    assert "Utrecht</a>" not in html
    filtered = coordinator_a_client.get(LIST, {"region": region_b.pk}).content.decode()
    assert "Piet Utrecht" not in filtered


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
        make_request(offer, location, teacher=f"Docent {number}")
    client.get(LIST)  # warm the session and permission caches
    few = queries_for_list(client)
    for number in range(3, 30):
        make_request(offer, location, teacher=f"Docent {number}")

    assert queries_for_list(client) == few
    assert few <= 12
