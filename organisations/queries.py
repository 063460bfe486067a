"""Reads shared by views, services and commands: which region and coordinators a postcode has."""

from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, Left

from techportal.fields import normalise_postcode

from .models import Coordinator, PostcodeRange, Region


def pc4(postcode: str) -> int | None:
    """The four digits of a postcode as a number, or None for an empty or invalid postcode."""
    if not postcode:
        return None
    try:
        return int(normalise_postcode(postcode)[:4])
    except ValidationError:
        return None


def region_for_postcode(postcode: str) -> Region | None:
    return regions_for_postcodes([postcode])[postcode]


def regions_for_postcodes(postcodes: list[str]) -> dict[str, Region | None]:
    """The region of each postcode (None outside every region), in one query."""
    numbers = {postcode: pc4(postcode) for postcode in postcodes}
    known = [number for number in numbers.values() if number is not None]
    ranges = (
        list(
            PostcodeRange.objects.filter(start__lte=max(known), end__gte=min(known))
            .select_related("region")
            .order_by("start")
        )
        if known
        else []
    )

    def region(number: int | None) -> Region | None:
        if number is None:
            return None
        return next((r.region for r in ranges if r.start <= number <= r.end), None)

    return {postcode: region(number) for postcode, number in numbers.items()}


def region_of_postcode_column() -> Subquery:
    """SQL for the region of an organisation's `postcode` column, for bulk updates.

    Only for rows with a postcode: an empty one does not cast to a number.
    """
    digits = Cast(Left(OuterRef("postcode"), 4), IntegerField())
    return Subquery(
        PostcodeRange.objects.filter(start__lte=digits, end__gte=digits).values("region")[:1]
    )


def active_coordinators() -> QuerySet[Coordinator]:
    """Coordinators who get new sign-ups: active, with an active user account."""
    return Coordinator.objects.filter(is_active=True, user__is_active=True)


def coordinators_for_postcode(postcode: str) -> QuerySet[Coordinator]:
    """The active coordinators who handle this postcode: its region's, else the national desk."""
    region = region_for_postcode(postcode)
    active = active_coordinators()
    if region is not None:
        regional = active.filter(regions=region)
        if regional.exists():
            return regional
    return active.filter(is_national_desk=True)
