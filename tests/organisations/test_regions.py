"""Which region — and so which coordinator — a postcode belongs to."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organisations.models import PostcodeRange
from organisations.queries import coordinators_for_postcode, region_for_postcode
from organisations.services import organisations_assign_regions
from tests.factories import CompanyFactory, CoordinatorFactory, PostcodeRangeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("postcode", ["1000AA", "1011 AB", "1109ZZ", "1050ab"])
def test_a_postcode_inside_or_at_the_edges_of_a_range_finds_its_region(region_a, postcode):
    assert region_for_postcode(postcode) == region_a


@pytest.mark.parametrize("postcode", ["1110AA", "9999ZZ", "3499ZZ", "", "not a postcode"])
def test_a_postcode_outside_every_range_has_no_region(region_a, region_b, postcode):
    assert region_for_postcode(postcode) is None


def test_a_region_may_have_several_ranges(region_b):
    PostcodeRangeFactory(region=region_b, start=3600, end=3699)
    assert region_for_postcode("3650AB") == region_b
    assert region_for_postcode("3590AB") is None


def test_ranges_of_two_regions_may_not_overlap(region_a, region_b):
    overlapping = PostcodeRange(region=region_b, start=1100, end=1200)
    with pytest.raises(ValidationError) as raised:
        overlapping.full_clean()
    assert "Dit postcodebereik overlapt met een bereik van een andere regio." in str(raised.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()


def test_a_range_must_run_forwards(region_a):
    with pytest.raises(ValidationError):
        PostcodeRange(region=region_a, start=2000, end=1999).full_clean()


def test_a_postcode_in_a_region_goes_to_that_regions_active_coordinators(
    coordinator_a, coordinator_b, national_desk
):
    assert list(coordinators_for_postcode("1011AB")) == [coordinator_a]
    assert list(coordinators_for_postcode("3511AB")) == [coordinator_b]


def test_a_postcode_outside_every_region_goes_to_the_national_desk(coordinator_a, national_desk):
    assert list(coordinators_for_postcode("6211AB")) == [national_desk]


def test_a_region_without_an_active_coordinator_falls_back_to_the_national_desk(
    region_a, national_desk
):
    CoordinatorFactory(regions=[region_a], is_active=False)
    CoordinatorFactory(regions=[region_a], user__is_active=False)
    assert list(coordinators_for_postcode("1011AB")) == [national_desk]


def test_saving_an_organisation_derives_its_region_from_the_postcode(region_a, region_b):
    company = CompanyFactory(postcode="1011AB")
    assert company.region == region_a

    company.postcode = "3511AB"
    company.save(update_fields=["postcode"])
    company.refresh_from_db()
    assert company.region == region_b


def test_changing_the_ranges_reassigns_existing_organisations(region_a, region_b):
    amsterdam = CompanyFactory(postcode="1011AB")
    outside = CompanyFactory(postcode="3700AB")
    no_postcode = CompanyFactory(postcode="")
    PostcodeRange.objects.filter(region=region_a).delete()
    PostcodeRangeFactory(region=region_b, start=3700, end=3799)

    organisations_assign_regions()

    amsterdam.refresh_from_db()
    outside.refresh_from_db()
    no_postcode.refresh_from_db()
    assert (amsterdam.region, outside.region, no_postcode.region) == (None, region_b, None)
