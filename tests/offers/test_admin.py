"""/beheer/ for offers: a coordinator sees and keeps up only the offers of their own regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers.models import Offer, OfferKind
from tests.factories import CompanyFactory, OfferFactory

pytestmark = pytest.mark.django_db

OFFER_LIST = "/beheer/offers/offer/"


def offer_url(offer: Offer, page: str = "change") -> str:
    return f"{OFFER_LIST}{offer.pk}/{page}/"






@pytest.fixture
def offer_a(company_a):
    return OfferFactory(organisation=company_a, title="Gastles windenergie")


@pytest.fixture
def offer_b(company_b):
    return OfferFactory(
        organisation=company_b, title="Snuffelstage zonnepanelen", kind=OfferKind.STAGE
    )


OFFER_B_TRACES = ["Snuffelstage zonnepanelen", "Utrechtse Zonnepanelen"]


def listed(response) -> set[str]:
    return {offer.title for offer in response.context["cl"].result_list}


def act(client, action: str, *offers: Offer):
    return client.post(
        OFFER_LIST,
        {"action": action, "index": 0, "_selected_action": [o.pk for o in offers]},
        follow=True,
    )


def test_coordinator_a_lists_only_offers_of_region_a(coordinator_a_client, offer_a, offer_b):
    response = coordinator_a_client.get(OFFER_LIST)
    assert listed(response) == {"Gastles windenergie"}
    page = response.content.decode()
    assert "vmbo basisberoepsgerichte leerweg (BB)" in page  # the levels column
    for trace in [*OFFER_B_TRACES, "Utrecht"]:
        assert trace not in page


def test_the_national_desk_sees_every_offer(national_desk_client, offer_a, offer_b):
    response = national_desk_client.get(OFFER_LIST)
    assert listed(response) == {"Gastles windenergie", "Snuffelstage zonnepanelen"}


def test_an_outsider_is_sent_to_the_login(client, outsider, offer_a):
    client.force_login(outsider)
    response = client.get(OFFER_LIST)
    assert response.status_code == 302
    assert response.url.startswith("/beheer/login/")


@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_coordinator_a_gets_404_for_region_b_offer(coordinator_a_client, offer_b, page):
    url = offer_url(offer_b, page)
    assert coordinator_a_client.get(url).status_code in (302, 403, 404)
    followed = coordinator_a_client.get(url, follow=True).content.decode()
    for trace in OFFER_B_TRACES:
        assert trace not in followed


def test_coordinator_a_cannot_change_region_b_offer_by_posting(coordinator_a_client, offer_b):
    coordinator_a_client.post(offer_url(offer_b), offer_form(offer_b, title="Overgenomen"))
    offer_b.refresh_from_db()
    assert offer_b.title == "Snuffelstage zonnepanelen"


@pytest.mark.parametrize("term", ["Snuffelstage", "Utrechtse"])
def test_coordinator_a_cannot_find_region_b_offer_by_search(
    coordinator_a_client, offer_a, offer_b, term
):
    assert listed(coordinator_a_client.get(OFFER_LIST, {"q": term})) == set()


@pytest.mark.parametrize("term", ["windenergie", "Amsterdamse"])
def test_a_coordinator_finds_their_offer_by_title_and_company(
    coordinator_a_client, offer_a, offer_b, term
):
    assert listed(coordinator_a_client.get(OFFER_LIST, {"q": term})) == {"Gastles windenergie"}


def test_the_region_filter_offers_only_the_coordinators_regions(
    coordinator_a_client, offer_a, offer_b
):
    response = coordinator_a_client.get(OFFER_LIST)
    region_filter = next(f for f in response.context["cl"].filter_specs if f.title == "regio")
    assert [title for _value, title in region_filter.lookup_choices] == ["Amsterdam"]
    other = coordinator_a_client.get(OFFER_LIST, {"region": offer_b.organisation.region_id})
    assert listed(other) == set()


def test_the_national_desk_filters_by_region_kind_and_status(
    national_desk_client, offer_a, offer_b
):
    region_b = offer_b.organisation.region_id
    assert listed(national_desk_client.get(OFFER_LIST, {"region": region_b})) == {
        "Snuffelstage zonnepanelen"
    }
    assert listed(national_desk_client.get(OFFER_LIST, {"kind__exact": "gastles"})) == {
        "Gastles windenergie"
    }
    Offer.objects.filter(pk=offer_a.pk).update(status=Offer.Status.PAUSED)
    assert listed(national_desk_client.get(OFFER_LIST, {"status__exact": "paused"})) == {
        "Gastles windenergie"
    }


def test_publishing_sets_the_publication_time(coordinator_a_client, offer_a):
    response = act(coordinator_a_client, "publish", offer_a)
    assert "1 × aanbod gepubliceerd." in [str(m) for m in response.context["messages"]]
    offer_a.refresh_from_db()
    assert offer_a.status == Offer.Status.PUBLISHED
    assert offer_a.published_at is not None


def test_pausing_and_archiving(coordinator_a_client, offer_a):
    act(coordinator_a_client, "pause", offer_a)
    offer_a.refresh_from_db()
    assert offer_a.status == Offer.Status.DRAFT  # only a published offer pauses
    act(coordinator_a_client, "publish", offer_a)
    act(coordinator_a_client, "pause", offer_a)
    offer_a.refresh_from_db()
    assert offer_a.status == Offer.Status.PAUSED
    act(coordinator_a_client, "archive", offer_a)
    offer_a.refresh_from_db()
    assert offer_a.status == Offer.Status.ARCHIVED


@pytest.mark.parametrize("action", ["publish", "pause", "archive"])
def test_an_action_on_a_forged_id_of_region_b_leaves_that_offer_alone(
    coordinator_a_client, offer_a, offer_b, action
):
    Offer.objects.filter(pk=offer_b.pk).update(status=Offer.Status.PUBLISHED)
    offer_b.refresh_from_db()
    before = (offer_b.status, offer_b.published_at, offer_b.updated_at)
    act(coordinator_a_client, action, offer_a, offer_b)
    offer_b.refresh_from_db()
    assert (offer_b.status, offer_b.published_at, offer_b.updated_at) == before


def offer_form(offer: Offer, **fields) -> dict:
    return {
        "organisation": offer.organisation_id,
        "kind": offer.kind,
        "title": offer.title,
        "description": offer.description,
        "status": offer.status,
        "levels": offer.levels,
        "worlds": offer.worlds,
        "group_size": "",
        "location": offer.location,
        "on_request": "on",
        "available_from": "",
        "available_until": "",
    } | fields


def test_a_coordinator_may_change_their_offer(coordinator_a_client, offer_a):
    response = coordinator_a_client.post(
        offer_url(offer_a), offer_form(offer_a, title="Gastles wind op zee", status="published")
    )
    assert response.status_code == 302, response.content.decode()
    offer_a.refresh_from_db()
    assert offer_a.title == "Gastles wind op zee"
    assert offer_a.published_at is not None  # publishing by hand sets the time too


def test_a_coordinator_cannot_move_an_offer_to_another_regions_company(
    coordinator_a_client, offer_a, company_b
):
    response = coordinator_a_client.post(
        offer_url(offer_a), offer_form(offer_a, organisation=company_b.pk)
    )
    assert response.status_code == 200  # the form again, with an error
    offer_a.refresh_from_db()
    assert offer_a.organisation.name == "Amsterdamse Windtechniek"


def test_a_coordinator_cannot_delete_offers(coordinator_a_client, offer_a):
    assert coordinator_a_client.get(offer_url(offer_a, "delete")).status_code == 403
    coordinator_a_client.post(offer_url(offer_a, "delete"), {"post": "yes"})
    response = act(coordinator_a_client, "delete_selected", offer_a)
    assert Offer.objects.filter(pk=offer_a.pk).exists()
    assert "delete_selected" not in response.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_uses_a_constant_number_of_queries(coordinator_a_client, region_a):
    def add_offers(n):
        for _ in range(n):
            OfferFactory(organisation=CompanyFactory(postcode="1011AB"))

    add_offers(3)
    few = count_queries(coordinator_a_client, OFFER_LIST)
    add_offers(27)
    assert count_queries(coordinator_a_client, OFFER_LIST) == few
    assert len(coordinator_a_client.get(OFFER_LIST).context["cl"].result_list) == 30
