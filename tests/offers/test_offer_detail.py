"""/aanbod/<id>/: one published offer, everything a teacher needs to decide."""

from datetime import date

import pytest
from django.urls import reverse

from offers.models import Location, Offer, OfferKind
from techportal.choices import Level, World


@pytest.fixture
def offer(publish, company_in, region_a):
    company = company_in(
        1011,
        name="Amsterdamse Laswerken",
        street_address="Havenweg 3",
        website="https://laswerken.example.nl",
    )
    return publish(
        title="Lassen voor beginners",
        description="Leerlingen lassen zelf een kandelaar.\nVeiligheidskleding ligt klaar.",
        kind=OfferKind.WORKSHOP,
        levels=[Level.VMBO_BB, Level.VMBO_KB],
        worlds=[World.DESIGN, World.ENERGY],
        group_size=16,
        on_request=False,
        available_from=date(2026, 9, 1),
        available_until=date(2026, 12, 18),
        location=Location.COMPANY,
        organisation=company,
    )


def test_it_shows_what_for_whom_where_when_how_many_and_who(client, offer):
    response = client.get(reverse("offers:detail", args=[offer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Lassen voor beginners · Techportal</title>" in html
    assert "<h1>Lassen voor beginners</h1>" in html
    assert "Workshop" in html
    assert "Leerlingen lassen zelf een kandelaar.<br>Veiligheidskleding ligt klaar." in html
    assert "vmbo basisberoepsgerichte leerweg (BB), vmbo kaderberoepsgerichte leerweg (KB)" in html
    assert "Bij het bedrijf (Havenweg 3, Amsterdam)" in html
    assert "Van 1 september 2026 tot en met 18 december 2026" in html
    assert "Tot 16 leerlingen per keer" in html
    assert "Amsterdamse Laswerken" in html
    assert "Energie, Water &amp; Veiligheid, Ontwerp, Productie &amp; Wereldhandel" in html
    assert "Amsterdam</dd>" in html  # the region
    assert 'href="https://laswerken.example.nl"' in html


def test_it_has_a_clear_request_button(client, offer):
    html = client.get(reverse("offers:detail", args=[offer.pk])).content.decode()
    request_url = reverse("offers:request", args=[offer.pk])
    assert f'<a class="btn btn-primary btn-lg w-100" href="{request_url}">Aanvragen</a>' in html


def test_an_offer_on_request_without_a_group_size_says_so(client, publish):
    offer = publish(title="Gastles op aanvraag", group_size=None)
    html = client.get(reverse("offers:detail", args=[offer.pk])).content.decode()
    assert "Op aanvraag" in html
    assert "In overleg" in html


@pytest.mark.parametrize("status", [Offer.Status.DRAFT, Offer.Status.PAUSED, Offer.Status.ARCHIVED])
def test_an_unpublished_offer_does_not_exist_for_the_public(client, publish, status):
    offer = publish(title="Nog geheim", status=status)
    response = client.get(reverse("offers:detail", args=[offer.pk]))
    assert response.status_code == 404
    assert "Nog geheim" not in response.content.decode()


def test_an_unknown_offer_is_not_found(client, db):
    assert client.get(reverse("offers:detail", args=[987654])).status_code == 404
    assert client.get("/aanbod/99999999999999999999/").status_code == 404


def test_the_title_and_description_are_escaped(client, publish):
    offer = publish(title="<script>alert(1)</script>", description="<b>vet</b>")
    html = client.get(reverse("offers:detail", args=[offer.pk])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html


def test_it_takes_one_query(client, offer, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(reverse("offers:detail", args=[offer.pk]))
