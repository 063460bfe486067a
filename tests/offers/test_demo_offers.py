"""Demo data for the catalogue: published offers with PC4 centres, loaded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from offers.demo import OFFERS
from offers.models import Offer, SearchWord
from organisations.demo import PC4_CENTRES
from organisations.models import Organisation, PostcodeArea


@pytest.fixture
def loaded(db, settings):
    settings.DEBUG = True
    call_command("loaddemo", stdout=StringIO())


def test_every_demo_offer_is_published_with_a_centre_and_a_search_vector(loaded):
    offers = Offer.objects.filter(title__in=[spec.title for spec in OFFERS])
    assert offers.count() == len(OFFERS)
    assert not offers.exclude(status=Offer.Status.PUBLISHED).exists()
    assert not offers.filter(published_at__isnull=True).exists()
    assert not offers.filter(latitude__isnull=True).exists()
    assert not offers.filter(search_vector__isnull=True).exists()


def test_every_demo_organisation_lies_in_a_pc4_area_with_a_centre(loaded):
    postcodes = Organisation.objects.exclude(postcode="").values_list("postcode", flat=True)
    assert {int(postcode[:4]) for postcode in postcodes} <= set(PC4_CENTRES)
    assert PostcodeArea.objects.count() == len(PC4_CENTRES)


def test_the_demo_catalogue_covers_every_kind_but_the_event_workshop(loaded):
    kinds = set(Offer.objects.filter(status="published").values_list("kind", flat=True))
    assert kinds >= {"stage", "gastles", "workshop", "bedrijfsbezoek", "technasium", "docentstage"}


def test_a_second_run_adds_no_offers_and_keeps_publication_dates(loaded):
    before = list(Offer.objects.order_by("pk").values("pk", "title", "published_at", "status"))
    out = StringIO()
    call_command("loaddemo", stdout=out)
    after = list(Offer.objects.order_by("pk").values("pk", "title", "published_at", "status"))
    assert after == before
    assert "niets veranderd" in out.getvalue()


def test_the_demo_fills_the_vocabulary_of_spelling_suggestions(loaded):
    assert SearchWord.objects.filter(word="zonnepanelen").exists()
