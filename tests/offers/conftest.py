"""Shared by the catalogue tests (and free for other offers tests to import): PC4 centres with
known coordinates, companies in them, and a quick way to make a published offer.

Distances as the crow flies between the centres below (haversine, R = 6371 km):
Amsterdam 1011 → Haarlem 2011 ≈ 18 km, → Utrecht 3511 ≈ 35 km, → Rotterdam 3011 ≈ 58 km,
→ Groningen 9711 ≈ 146 km.
"""

from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from offers.models import Offer
from organisations.models import Organisation, PostcodeArea

from ..factories import CompanyFactory, OfferFactory

PC4_CENTRES = {
    1011: (52.3730, 4.9020, "Amsterdam"),
    2011: (52.3808, 4.6368, "Haarlem"),
    3511: (52.0907, 5.1214, "Utrecht"),
    3011: (51.9225, 4.4792, "Rotterdam"),
    9711: (53.2194, 6.5665, "Groningen"),
}


@pytest.fixture(autouse=True)
def fresh_catalogue_version(request, django_db_setup, django_db_blocker):
    """Start every test on a new catalogue version, so no test reads facet counts another test
    cached (its offers were rolled back, but the sequence and the Redis cache were not)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval('offers_catalogue_version')")


@pytest.fixture
def pc4_centres(db) -> dict[int, PostcodeArea]:
    return {
        pc4: PostcodeArea.objects.create(pc4=pc4, latitude=lat, longitude=lon, place=place)
        for pc4, (lat, lon, place) in PC4_CENTRES.items()
    }


@pytest.fixture
def company_in(pc4_centres) -> Callable[..., Organisation]:
    """`company_in(3511, name=…)`: a company with a postcode in that PC4 area."""

    def make(pc4: int, **kwargs) -> Organisation:
        kwargs.setdefault("city", PC4_CENTRES[pc4][2])
        return CompanyFactory(postcode=f"{pc4}AB", **kwargs)

    return make


@pytest.fixture
def publish(pc4_centres) -> Callable[..., Offer]:
    """`publish(title=…, …)`: a published offer (OfferFactory keywords); PC4 centres exist."""

    def make(**kwargs) -> Offer:
        kwargs.setdefault("status", Offer.Status.PUBLISHED)
        kwargs.setdefault("published_at", timezone.now())
        return OfferFactory(**kwargs)

    return make
