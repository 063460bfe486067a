"""Match suggestions: ranking on known places, levels, worlds and recency, and the reasons shown.

The places are real PC4 centres: from Amsterdam 1011, Amsterdam-Zuidoost 1102 lies 7 km away,
Haarlem 2011 18 km, Utrecht 3511 34 km and Rotterdam 3011 58 km (beyond the 40 km reach).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Match
from matching.suggestions import offers_for_school, schools_for_offer
from offers.models import Location, Offer, OfferKind
from organisations.models import PostcodeArea
from techportal.choices import Level, World
from tests.factories import CompanyFactory, MatchFactory, OfferFactory, SchoolFactory

pytestmark = pytest.mark.django_db

CENTRES = {
    1011: (52.3731, 4.9003, "Amsterdam"),
    1102: (52.3124, 4.9466, "Amsterdam-Zuidoost"),
    2011: (52.3812, 4.6370, "Haarlem"),
    3511: (52.0927, 5.1131, "Utrecht"),
    3011: (51.9198, 4.4829, "Rotterdam"),
}
POSTCODES = {1011: "1011AB", 1102: "1102AA", 2011: "2011AA", 3511: "3511AA", 3011: "3011AA"}


@pytest.fixture(autouse=True)
def centres(db):
    for pc4, (latitude, longitude, place) in CENTRES.items():
        PostcodeArea.objects.create(pc4=pc4, latitude=latitude, longitude=longitude, place=place)


def school(pc4: int, name: str, *, levels=(Level.VMBO_BB, Level.VMBO_KB), worlds=()):
    return SchoolFactory(
        name=name,
        postcode=POSTCODES[pc4],
        city=CENTRES[pc4][2],
        school_levels=list(levels),
        worlds=list(worlds),
    )


def offer_in(pc4: int = 1011, **fields) -> Offer:
    company = CompanyFactory(postcode=POSTCODES[pc4], city=CENTRES[pc4][2])
    fields = {
        "status": Offer.Status.PUBLISHED,
        "published_at": timezone.now(),
        "levels": [Level.VMBO_BB, Level.VMBO_KB],
        "worlds": [World.ENERGY],
    } | fields
    offer = OfferFactory(organisation=company, **fields)
    offer.refresh_from_db()  # the centre and region come from database triggers
    return offer


def names(suggestions) -> list[str]:
    return [suggestion.name for suggestion in suggestions]


def matched(school_, *, months_ago: float, status=Match.Status.CARRIED_OUT) -> Match:
    match = MatchFactory(school=school_, status=Match.Status.PROPOSED)
    created = timezone.now() - timedelta(days=30 * months_ago + 1)
    Match.objects.filter(pk=match.pk).update(
        created_at=created,
        status=status,
        date=created.date(),
        pupils=20,
        cancel_reason="Niet doorgegaan" if status == Match.Status.CANCELLED else "",
    )
    return match


# --- schools for an offer ----------------------------------------------------------------------


def test_nearer_schools_rank_higher_and_far_ones_are_out_of_reach():
    for pc4, name in [
        (3511, "Utrecht"),
        (1102, "Zuidoost"),
        (3011, "Rotterdam"),
        (2011, "Haarlem"),
    ]:
        school(pc4, name)

    suggestions = schools_for_offer(offer_in(1011))

    assert names(suggestions) == ["Zuidoost", "Haarlem", "Utrecht"]
    assert [round(s.distance_km) for s in suggestions] == [7, 18, 34]


def test_a_school_without_a_shared_level_is_not_suggested_and_a_full_fit_ranks_first():
    school(1102, "Half", levels=[Level.VMBO_BB, Level.VMBO_GL])
    school(1102, "Full", levels=[Level.VMBO_BB, Level.VMBO_KB])
    school(1102, "None", levels=[Level.HAVO, Level.VWO])

    suggestions = schools_for_offer(offer_in(1011))

    assert names(suggestions) == ["Full", "Half"]
    assert set(suggestions[0].levels) == {Level.VMBO_BB, Level.VMBO_KB}
    assert suggestions[1].levels == [Level.VMBO_BB]


def test_a_shared_world_beats_no_declared_world_which_beats_another_world():
    school(1102, "Other", worlds=[World.HEALTH])
    school(1102, "Shared", worlds=[World.ENERGY, World.HEALTH])
    school(1102, "Undeclared")

    suggestions = schools_for_offer(offer_in(1011))

    assert names(suggestions) == ["Shared", "Undeclared", "Other"]
    assert suggestions[0].worlds == [World.ENERGY]


def test_a_school_with_a_recent_match_ranks_below_one_that_had_none_for_long():
    recent = school(1102, "Recent")
    long_ago = school(1102, "Long ago")
    school(1102, "Never")
    matched(recent, months_ago=2)
    matched(long_ago, months_ago=14)

    suggestions = schools_for_offer(offer_in(1011))

    # 14 months ago counts as long as never; equal scores keep the older row first.
    assert names(suggestions) == ["Long ago", "Never", "Recent"]
    by_name = {s.name: s for s in suggestions}
    assert "laatste match 2 maanden geleden" in by_name["Recent"].reasons
    assert "geen match in 12 maanden" in by_name["Long ago"].reasons
    assert "nog geen match" in by_name["Never"].reasons


def test_a_cancelled_match_does_not_count_as_recent():
    matched(school(1102, "Recent"), months_ago=1)
    matched(school(1102, "Cancelled"), months_ago=1, status=Match.Status.CANCELLED)

    suggestions = schools_for_offer(offer_in(1011))

    assert names(suggestions) == ["Cancelled", "Recent"]
    assert "nog geen match" in suggestions[0].reasons


def test_the_reasons_read_as_the_coordinator_expects():
    school(3511, "Utrecht", levels=[Level.VMBO_TL], worlds=[World.ENERGY])

    (suggestion,) = schools_for_offer(offer_in(1011, levels=[Level.VMBO_TL, Level.HAVO]))

    assert " · ".join(suggestion.reasons) == (
        "34 km · vmbo-TL · Energie, Water & Veiligheid · nog geen match"
    )


def test_a_school_already_matched_to_the_offer_is_not_suggested_again_unless_cancelled():
    offer = offer_in(1011)
    taken = school(1102, "Taken")
    freed = school(1102, "Freed")
    MatchFactory(offer=offer, school=taken)
    MatchFactory(offer=offer, school=freed, status=Match.Status.CANCELLED, cancel_reason="Ziek")

    assert names(schools_for_offer(offer)) == ["Freed"]


def test_an_online_offer_reaches_further():
    school(3011, "Rotterdam")

    assert schools_for_offer(offer_in(1011)) == []
    assert names(schools_for_offer(offer_in(1011, location=Location.ONLINE))) == ["Rotterdam"]


def test_an_offer_without_a_known_centre_gets_the_schools_of_its_region(region_a):
    school(1102, "Same region")
    school(2011, "Haarlem")  # no region in this fixture set
    company = CompanyFactory(postcode="1099ZZ")  # in region A, but no PC4 centre known
    offer = OfferFactory(organisation=company, levels=[Level.VMBO_BB], worlds=[World.ENERGY])
    offer.refresh_from_db()

    (suggestion,) = schools_for_offer(offer)

    assert suggestion.name == "Same region"
    assert suggestion.reasons[0] == "afstand onbekend"


def test_event_workshops_get_no_school_suggestions():
    school(1102, "Zuidoost")

    assert schools_for_offer(offer_in(1011, kind=OfferKind.EVENT_WORKSHOP)) == []


def test_the_list_is_one_query_whatever_the_number_of_schools(django_assert_num_queries):
    offer = offer_in(1011)
    for n in range(15):
        matched(school(1102, f"School {n}"), months_ago=n)

    with django_assert_num_queries(1):
        suggestions = schools_for_offer(offer, limit=10)

    assert len(suggestions) == 10
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


# --- offers for a school -----------------------------------------------------------------------


def test_offers_for_a_school_rank_by_distance_and_skip_what_cannot_be_matched():
    target = school(1011, "Centrum", levels=[Level.VMBO_BB])
    offer_in(1102, title="Near")
    offer_in(3511, title="Far")
    offer_in(3011, title="Out of reach")
    offer_in(1102, title="Draft", status=Offer.Status.DRAFT)
    offer_in(1102, title="Event", kind=OfferKind.EVENT_WORKSHOP)
    offer_in(1102, title="Other level", levels=[Level.HAVO])
    yesterday = timezone.localdate() - timedelta(days=1)
    offer_in(
        1102,
        title="Expired",
        on_request=False,
        available_from=yesterday - timedelta(days=30),
        available_until=yesterday,
    )
    MatchFactory(offer=offer_in(1102, title="Already matched"), school=target)

    suggestions = offers_for_school(target)

    assert [s.title for s in suggestions] == ["Near", "Far"]
    assert suggestions[0].reasons[0] == "7 km"


def test_an_offer_of_a_company_the_school_worked_with_recently_ranks_lower():
    target = school(1011, "Centrum", levels=[Level.VMBO_BB])
    familiar = offer_in(1102, title="Familiar company")
    offer_in(1102, title="New company")
    earlier = OfferFactory(
        organisation=familiar.organisation, status=Offer.Status.PUBLISHED, title="Earlier"
    )
    match = MatchFactory(offer=earlier, school=target)
    Match.objects.filter(pk=match.pk).update(created_at=timezone.now() - timedelta(days=65))

    suggestions = [s for s in offers_for_school(target) if s.title != "Earlier"]

    assert [s.title for s in suggestions] == ["New company", "Familiar company"]
    assert "nieuw bedrijf voor deze school" in suggestions[0].reasons
    assert "laatste match 2 maanden geleden" in suggestions[1].reasons


def test_a_company_or_a_school_without_levels_gets_no_offers():
    offer_in(1102)
    assert offers_for_school(CompanyFactory()) == []
    assert offers_for_school(school(1011, "Leeg", levels=[])) == []
