"""The catalogue in a real browser: a teacher searches, filters, opens an offer and requests it;
the company accepts through its private link."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Match
from offers.models import Offer, OfferKind, OfferRequest
from offers.queries import request_answer_url
from organisations.models import PostcodeArea
from techportal.choices import Level, World
from tests.factories import CompanyFactory, ContactFactory, OfferFactory, SchoolFactory


@pytest.fixture
def catalogue(db, region_a):
    PostcodeArea.objects.create(pc4=1011, latitude=52.373, longitude=4.902, place="Amsterdam")
    PostcodeArea.objects.create(pc4=3011, latitude=51.9225, longitude=4.4792, place="Rotterdam")
    welder = CompanyFactory(name="Lasbedrijf Noord B.V.", postcode="1011AB")
    ContactFactory(organisation=welder, email="info@lasbedrijf.example.nl")
    robots = CompanyFactory(name="Robotica Zuid B.V.", postcode="3011AB", city="Rotterdam")
    published = {"status": Offer.Status.PUBLISHED, "published_at": timezone.now()}
    welding = OfferFactory(
        organisation=welder,
        kind=OfferKind.WORKSHOP,
        title="Workshop lassen voor beginners",
        description="Leerlingen lassen hun eerste naad.",
        levels=[Level.VMBO_BB, Level.VMBO_KB],
        worlds=[World.DESIGN],
        **published,
    )
    OfferFactory(
        organisation=welder,
        kind=OfferKind.BEDRIJFSBEZOEK,
        title="Rondleiding laswerkplaats",
        levels=[Level.HAVO],
        **published,
    )
    OfferFactory(
        organisation=robots, title="Gastles robots programmeren", levels=[Level.HAVO], **published
    )
    SchoolFactory(name="Zaanlands Techniek College", city="Zaandam", vestigingscode="12AB00")
    return welding


def results(site):
    return site.locator("#resultaten h3, #resultaten h2").all_inner_texts()


def test_a_teacher_searches_filters_and_requests_an_offer_which_the_company_accepts(
    site, catalogue
):
    site.goto_path("/aanbod/")
    expect(site.locator("#resultaten")).to_contain_text("Gastles robots programmeren")

    # Typing searches in place (htmx) and keeps the URL shareable.
    site.get_by_label("Zoek op trefwoord").fill("las")
    expect(site.locator("#resultaten")).not_to_contain_text("Gastles robots programmeren")
    expect(site.locator("#resultaten")).to_contain_text("Workshop lassen voor beginners")
    expect(site.locator("#resultaten")).to_contain_text("Rondleiding laswerkplaats")
    expect(site).to_have_url(re.compile(r"q=las"))

    # A level filter narrows it further, with the count per value beside it.
    site.get_by_role("checkbox", name=re.compile(r"^vmbo basisberoepsgerichte")).check()
    expect(site.locator("#resultaten")).not_to_contain_text("Rondleiding laswerkplaats")
    expect(site).to_have_url(re.compile(r"niveau=vmbo_bb"))

    site.get_by_role("link", name="Workshop lassen voor beginners").click()
    expect(site.get_by_role("heading", level=1)).to_have_text("Workshop lassen voor beginners")
    site.get_by_role("link", name=re.compile("Aanvragen")).first.click()

    # The school picker fetches choices while typing.
    site.get_by_label(re.compile("Zoek uw school")).fill("Zaanlands")
    site.get_by_role("radio", name=re.compile("Zaanlands Techniek College")).check()
    site.get_by_label(re.compile(r"^\s*Uw naam")).fill("Fenna de Boer")
    site.get_by_label(re.compile(r"^\s*Uw e-mailadres")).fill("f.deboer@school.example.nl")
    site.get_by_label(re.compile(r"^\s*Klas of groep")).fill("2 vmbo-BB")
    site.get_by_label(re.compile(r"^\s*Niveau")).select_option("vmbo_bb")
    site.get_by_label(re.compile(r"^\s*Aantal leerlingen")).fill("18")
    site.get_by_label(re.compile(r"^\s*Voorkeursperiode")).fill("Na de herfstvakantie")
    site.get_by_role("checkbox", name=re.compile("privacyverklaring")).check()
    site.get_by_role("button", name="Aanvraag versturen").click()

    expect(site.locator("main")).to_contain_text("Workshop lassen voor beginners")
    offer_request = OfferRequest.objects.get()
    assert (offer_request.offer, offer_request.pupils) == (catalogue, 18)
    assert offer_request.status == OfferRequest.Status.REQUESTED

    # The company follows its private link and accepts.
    site.goto_path(urlsplit(request_answer_url(offer_request)).path)
    site.get_by_label(re.compile("Bericht aan de docent")).fill("Graag! Tot dan.")
    site.get_by_role("button", name="Accepteren").click()
    expect(site.locator("main")).to_contain_text(re.compile("geaccepteerd", re.IGNORECASE))
    match = Match.objects.get()
    assert (match.offer, match.school.name, match.pupils) == (
        catalogue,
        "Zaanlands Techniek College",
        18,
    )
