"""offers.search: what a query means, and which published offers it finds, in which order."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from offers.models import Offer, OfferKind, SearchWord
from offers.search import (
    DISTANCE_DEFAULT_KM,
    CatalogueQuery,
    catalogue_search,
    search_offers,
    text_words,
)
from offers.services.search_words import search_words_rebuild
from offers.tasks import rebuild_search_words
from techportal.choices import Level, World

from ..factories import CompanyFactory


def query(string: str) -> CatalogueQuery:
    return CatalogueQuery.from_params(QueryDict(string))


def titles(offers) -> set[str]:
    return {offer.title for offer in offers}


# --- parsing a query ------------------------------------------------------------------------------


def test_it_parses_every_parameter_and_normalises_them():
    q = query(
        "q=+Lassen+&soort=workshop&soort=gastles&niveau=havo&wereld=hitech_science"
        "&regio=utrecht&postcode=3511+ab&afstand=10&sorteer=afstand&page=3"
    )
    assert q == CatalogueQuery(
        text="Lassen",
        kinds=("gastles", "workshop"),  # the vocabulary's order, not the URL's
        levels=("havo",),
        worlds=("hitech_science",),
        regions=("utrecht",),
        postcode="3511AB",
        distance_km=10,
        sort="afstand",
        page=3,
    )
    assert q.notices == ()


def test_it_writes_the_same_query_string_whatever_the_order_of_the_url():
    one = query("soort=workshop&q=robot&soort=gastles&postcode=3511AB")
    two = query("postcode=3511ab&soort=gastles&soort=workshop&q=robot&afstand=25")
    assert one.query_string() == two.query_string()
    assert one.query_string() == ("q=robot&soort=gastles&soort=workshop&postcode=3511AB&afstand=25")


def test_its_query_string_reads_back_as_the_same_query():
    q = query(
        "q=las+robot&niveau=vwo&niveau=havo&regio=utrecht&postcode=1011&sorteer=nieuwste&page=2"
    )
    assert query(q.query_string()) == q


def test_its_search_string_leaves_out_page_and_sort():
    q = query("q=robot&soort=stage&sorteer=nieuwste&page=4")
    assert q.search_string == "q=robot&soort=stage"
    assert q.query_string(sort=False, page=1) == q.search_string
    assert q.query_string(page=5) == "q=robot&soort=stage&sorteer=nieuwste&page=5"


def test_it_takes_a_plain_mapping_too():
    q = CatalogueQuery.from_params({"q": "robot", "soort": ["stage", "gastles"]})
    assert q.kinds == ("stage", "gastles")
    assert q.text == "robot"


def test_a_postcode_alone_searches_within_the_default_distance():
    assert query("postcode=1011").distance_km == DISTANCE_DEFAULT_KM


def test_a_distance_without_a_postcode_is_dropped():
    q = query("afstand=10")
    assert q.distance_km is None
    assert q.query_string() == ""


@pytest.mark.parametrize(
    ("string", "expected", "notice"),
    [
        ("postcode=1011&afstand=abc", 25, "geen getal"),
        ("postcode=1011&afstand=-5", 1, "1 tot 300 km"),
        ("postcode=1011&afstand=0", 1, "1 tot 300 km"),
        ("postcode=1011&afstand=100000", 300, "1 tot 300 km"),
        ("postcode=1011&afstand=nan", 25, "geen getal"),
        ("postcode=1011&afstand=1e400", 25, "geen getal"),
        ("postcode=1011&afstand=12,4", 12, None),
    ],
)
def test_it_corrects_a_distance_it_cannot_use_and_says_so(string, expected, notice):
    q = query(string)
    assert q.distance_km == expected
    if notice:
        assert any(notice in text for text in q.notices)
    else:
        assert q.notices == ()


@pytest.mark.parametrize(
    ("string", "attribute"),
    [
        ("soort=vliegles", "kinds"),
        ("niveau=kleuterschool", "levels"),
        ("wereld=ruimtevaart", "worlds"),
        ("regio=<script>", "regions"),
    ],
)
def test_it_ignores_unknown_facet_values_with_a_notice(string, attribute):
    q = query(string)
    assert getattr(q, attribute) == ()
    assert any("Onbekende" in notice for notice in q.notices)


@pytest.mark.parametrize("postcode", ["XYZ", "0123AB", "12345", "1234ABC", "'; DROP TABLE x;--"])
def test_it_ignores_a_malformed_postcode_with_a_notice(postcode):
    q = CatalogueQuery.from_params({"postcode": postcode, "afstand": "10"})
    assert q.postcode == ""
    assert q.distance_km is None
    assert any("geen geldige postcode" in notice for notice in q.notices)


@pytest.mark.parametrize(
    ("page", "expected", "has_notice"),
    [("0", 1, False), ("-3", 1, True), ("abc", 1, True), ("2", 2, False), ("9" * 50, 1, True)],
)
def test_it_reads_the_page_number_forgivingly(page, expected, has_notice):
    q = query(f"page={page}")
    assert q.page == expected
    assert bool(q.notices) == has_notice


def test_it_shortens_a_very_long_text_and_says_so():
    q = CatalogueQuery.from_params({"q": "lassen " * 2000})
    assert len(q.text) <= 200
    assert len(q.words) == 1
    assert any("200 tekens" in notice for notice in q.notices)


def test_its_words_are_letters_and_digits_only_and_at_most_eight():
    assert text_words("laS&sen | !robot ():* 'x' 3D-printen") == [
        "las",
        "sen",
        "robot",
        "3d",
        "printen",
    ]
    assert len(text_words(" ".join(f"woord{n}" for n in range(20)))) == 8


def test_sort_on_distance_without_a_postcode_falls_back_with_a_notice():
    q = query("sorteer=afstand")
    assert q.sort == ""
    assert q.notices


def test_the_default_sort_follows_what_was_asked():
    assert query("q=robot").effective_sort == "relevantie"
    assert query("postcode=1011").effective_sort == "afstand"
    assert query("soort=stage").effective_sort == "nieuwste"


# --- full text, in Dutch --------------------------------------------------------------------------


@pytest.fixture
def welding(publish):
    """Offers about welding in the forms the tests search for."""
    for title in [
        "Lassen voor beginners",
        "Laswerk in de scheepsbouw",
        "Een dag met een lasser",
        "Gelast en gesoldeerd",
        "Lasapparaat leren bedienen",
        "Robots programmeren",
    ]:
        publish(title=title, description="Praktisch en leuk.")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Stemming: lassen/lasser/lassers share the stem "lass".
        ("lassen", {"Lassen voor beginners", "Een dag met een lasser"}),
        ("lassers", {"Een dag met een lasser"}),
        # The start of a word finds every form and compound that begins with it.
        (
            "las",
            {
                "Lassen voor beginners",
                "Laswerk in de scheepsbouw",
                "Een dag met een lasser",
                "Lasapparaat leren bedienen",
            },
        ),
        ("robot", {"Robots programmeren"}),
        ("ROBOTS", {"Robots programmeren"}),
        # Documented limits: no ge- prefix removal, no compound splitting.
        ("gelast", {"Gelast en gesoldeerd"}),
        ("laswerk", {"Laswerk in de scheepsbouw"}),
    ],
)
def test_dutch_stemming_and_prefixes_find_these_variants(welding, text, found):
    assert titles(search_offers(CatalogueQuery(text=text))) == found


def test_every_word_must_match(welding):
    assert titles(search_offers(CatalogueQuery(text="lassen beginners"))) == {
        "Lassen voor beginners"
    }
    assert not search_offers(CatalogueQuery(text="lassen robots")).exists()


@pytest.mark.parametrize(
    "text",
    [
        "&|!():*'",
        "lassen & | ! ( ) : * '",
        "'); DROP TABLE offers_offer; --",
        "las:* | robot",
        "!!!",
        "\\x00 \x00 lassen",
        "<script>alert(1)</script>",
    ],
)
def test_tsquery_and_sql_syntax_in_the_text_is_just_text(welding, text):
    result = catalogue_search(CatalogueQuery.from_params({"q": text}))
    assert result.total >= 0
    assert Offer.objects.count() == 6


def test_text_of_only_stop_words_finds_nothing_and_says_why(welding):
    result = catalogue_search(query("q=de+het"))
    assert result.total == 0
    assert any("te algemeen" in notice for notice in result.notices)


def test_a_title_match_ranks_above_a_company_match_above_a_description_match(publish):
    publish(title="Rondleiding", description="We laten onze robots zien.")
    publish(title="Excursie", organisation=CompanyFactory(name="Robotfabriek Noord"))
    publish(title="Robots bouwen", description="Een middag bouwen.")
    result = catalogue_search(query("q=robot"))
    assert [offer.title for offer in result.offers] == ["Robots bouwen", "Excursie", "Rondleiding"]


def test_renaming_a_company_updates_what_finds_its_offers(publish):
    company = CompanyFactory(name="Bakkerij De Korst")
    publish(title="Rondleiding", organisation=company)
    assert not search_offers(CatalogueQuery(text="kraanverhuur")).exists()

    company.name = "Kraanverhuur Holland"
    company.save()

    assert titles(search_offers(CatalogueQuery(text="kraanverhuur"))) == {"Rondleiding"}
    assert not search_offers(CatalogueQuery(text="bakkerij")).exists()


# --- filters --------------------------------------------------------------------------------------


def test_unpublished_offers_are_never_found(publish):
    publish(title="Zichtbaar robot")
    for status in (Offer.Status.DRAFT, Offer.Status.PAUSED, Offer.Status.ARCHIVED):
        publish(title=f"Verborgen robot {status}", status=status)
    assert titles(search_offers(CatalogueQuery(text="robot"))) == {"Zichtbaar robot"}
    result = catalogue_search(CatalogueQuery())
    assert result.total == 1
    assert sum(value.count for value in result.facets["soort"]) == 1
    assert sum(value.count for value in result.facets["wereld"]) == 1


@pytest.fixture
def mixed(publish, company_in, region_a, region_b):
    """Offers spread over kinds, levels, worlds and two regions."""
    amsterdam = company_in(1011)
    utrecht = company_in(3511)
    specs = [
        ("A1", OfferKind.GASTLES, [Level.HAVO], [World.ENERGY], amsterdam),
        ("A2", OfferKind.GASTLES, [Level.VWO, Level.HAVO], [World.HITECH], amsterdam),
        ("A3", OfferKind.STAGE, [Level.MBO_2], [World.ENERGY, World.DIGITAL], amsterdam),
        ("U1", OfferKind.WORKSHOP, [Level.HAVO], [World.DIGITAL], utrecht),
        ("U2", OfferKind.STAGE, [Level.VMBO_BB], [World.ENERGY], utrecht),
        ("U3", OfferKind.GASTLES, [Level.VWO], [World.HEALTH], utrecht),
    ]
    for title, kind, levels, worlds, company in specs:
        publish(title=title, kind=kind, levels=levels, worlds=worlds, organisation=company)


@pytest.mark.parametrize(
    ("string", "found"),
    [
        ("soort=gastles", {"A1", "A2", "U3"}),
        ("soort=gastles&soort=stage", {"A1", "A2", "A3", "U2", "U3"}),
        ("niveau=havo", {"A1", "A2", "U1"}),
        ("niveau=havo&niveau=vmbo_bb", {"A1", "A2", "U1", "U2"}),
        ("wereld=energie_water_veiligheid", {"A1", "A3", "U2"}),
        ("regio=utrecht", {"U1", "U2", "U3"}),
        ("regio=utrecht&regio=amsterdam", {"A1", "A2", "A3", "U1", "U2", "U3"}),
        ("soort=gastles&niveau=havo", {"A1", "A2"}),
        ("soort=stage&wereld=energie_water_veiligheid&regio=utrecht", {"U2"}),
        ("soort=gastles&niveau=havo&regio=utrecht", set()),
    ],
)
def test_filters_combine_or_within_a_facet_and_across_facets(mixed, string, found):
    assert titles(search_offers(query(string))) == found
    assert catalogue_search(query(string)).total == len(found)


ATTRIBUTE = {"soort": "kinds", "niveau": "levels", "wereld": "worlds", "regio": "regions"}


def _brute_force_count(q: CatalogueQuery, facet: str, value: str) -> int:
    """Count the facet value by hand: the query with this facet's selection replaced."""
    return search_offers(replace(q, **{ATTRIBUTE[facet]: (value,)})).count()


@pytest.mark.parametrize(
    "string",
    [
        "",
        "soort=gastles",
        "soort=gastles&niveau=havo",
        "niveau=havo&niveau=vwo&wereld=energie_water_veiligheid",
        "regio=utrecht&soort=stage",
        "q=robot",
    ],
)
def test_facet_counts_apply_every_other_filter(mixed, string):
    q = query(string)
    result = catalogue_search(q)
    for facet, values in result.facets.items():
        for value in values:
            assert value.count == _brute_force_count(q, facet, value.value), (facet, value)
            assert value.selected == (value.value in getattr(q, ATTRIBUTE[facet]))


def test_the_total_is_the_sum_of_the_selected_kinds(mixed):
    result = catalogue_search(query("soort=gastles&soort=workshop"))
    counts = {value.value: value.count for value in result.facets["soort"]}
    assert result.total == counts["gastles"] + counts["workshop"] == 4
    assert counts["stage"] == 2  # shown so the teacher can add it


def test_an_unknown_region_is_ignored_with_a_notice(mixed):
    result = catalogue_search(query("regio=atlantis&regio=utrecht"))
    assert result.query.regions == ("utrecht",)
    assert result.total == 3
    assert any("atlantis" in notice for notice in result.notices)


def test_facet_counts_are_current_after_an_offer_is_published(mixed, publish):
    assert catalogue_search(CatalogueQuery()).total == 6
    offer = publish(title="Nieuw", status=Offer.Status.DRAFT)
    assert catalogue_search(CatalogueQuery()).total == 6  # cached, and a draft changes nothing

    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.PUBLISHED)

    assert catalogue_search(CatalogueQuery()).total == 7


# --- distance -------------------------------------------------------------------------------------


@pytest.fixture
def spread(publish, company_in):
    for pc4, title in [
        (1011, "In Amsterdam"),
        (2011, "In Haarlem"),
        (3511, "In Utrecht"),
        (3011, "In Rotterdam"),
        (9711, "In Groningen"),
    ]:
        publish(title=title, organisation=company_in(pc4))


def test_distance_ordering_is_right_on_known_coordinates(spread):
    result = catalogue_search(query("postcode=1011AB&afstand=300&sorteer=afstand"))
    assert [(offer.title, round(offer.distance_km)) for offer in result.offers] == [
        ("In Amsterdam", 0),
        ("In Haarlem", 18),
        ("In Utrecht", 35),
        ("In Rotterdam", 58),
        ("In Groningen", 146),
    ]


@pytest.mark.parametrize(
    ("km", "found"),
    [
        (10, {"In Amsterdam"}),
        (25, {"In Amsterdam", "In Haarlem"}),
        (50, {"In Amsterdam", "In Haarlem", "In Utrecht"}),
        (100, {"In Amsterdam", "In Haarlem", "In Utrecht", "In Rotterdam"}),
    ],
)
def test_the_distance_filter_keeps_offers_within_the_radius(spread, km, found):
    assert titles(search_offers(query(f"postcode=1011&afstand={km}"))) == found


def test_the_distance_filter_combines_with_the_facets(spread):
    result = catalogue_search(query("postcode=1011&afstand=50&soort=gastles"))
    assert result.total == 3
    assert {value.value: value.count for value in result.facets["soort"]}["gastles"] == 3


def test_an_unknown_pc4_area_ignores_distance_with_a_notice(spread):
    result = catalogue_search(query("postcode=8888ZZ&afstand=10"))
    assert result.total == 5
    assert not result.origin_known
    assert all(offer.distance_km is None for offer in result.offers)
    assert any("8888ZZ" in notice for notice in result.notices)


def test_newest_first_is_the_default_without_text_or_postcode(publish):
    now = timezone.now()
    publish(title="Oud", published_at=now - timedelta(days=3))
    publish(title="Nieuw", published_at=now)
    publish(title="Midden", published_at=now - timedelta(days=1))
    assert [o.title for o in catalogue_search(CatalogueQuery()).offers] == [
        "Nieuw",
        "Midden",
        "Oud",
    ]


# --- pages ----------------------------------------------------------------------------------------


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(publish, settings):
    settings.CATALOGUE_PAGE_SIZE = 2
    for n in range(5):
        publish(title=f"Aanbod {n}")
    result = catalogue_search(query("page=99999"))
    assert result.page.number == result.query.page == 3
    assert len(result.offers) == 1
    assert any("laatste pagina" in notice for notice in result.notices)


def test_the_pages_together_hold_every_offer_once(publish, settings):
    settings.CATALOGUE_PAGE_SIZE = 3
    for n in range(7):
        publish(title=f"Aanbod {n}")
    seen = []
    for page in (1, 2, 3):
        seen += [o.title for o in catalogue_search(query(f"page={page}")).offers]
    assert sorted(seen) == sorted(f"Aanbod {n}" for n in range(7))


# --- "Bedoelde u …?" ------------------------------------------------------------------------------


def test_the_vocabulary_holds_words_of_published_offers_only(publish):
    publish(title="Lassen voor beginners", description="Met een lasapparaat.")
    publish(title="Geheim vliegtuig", status=Offer.Status.DRAFT)
    search_words_rebuild()
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"lassen", "beginners", "lasapparaat"} <= words
    assert "vliegtuig" not in words
    assert "met" in words and "een" in words
    assert not any(len(word) < 3 for word in words)


def test_the_hourly_task_rebuilds_the_vocabulary_and_a_repeat_does_no_harm(publish):
    publish(title="Robots programmeren")
    rebuild_search_words.delay()
    rebuild_search_words.delay()
    assert SearchWord.objects.filter(word="robots", documents=1).count() == 1


def test_a_misspelling_that_finds_nothing_gets_a_suggestion_that_does(welding):
    search_words_rebuild()
    result = catalogue_search(query("q=lasssen"))
    assert result.total == 0
    assert result.suggestion == "lassen"
    assert result.suggestion_query.query_string() == "q=lassen"


def test_no_suggestion_when_it_would_find_nothing_with_the_other_filters(welding):
    search_words_rebuild()
    result = catalogue_search(query("q=lasssen&soort=stage"))
    assert result.total == 0
    assert result.suggestion == ""


def test_no_suggestion_is_computed_when_the_text_finds_something(
    welding, django_assert_num_queries
):
    search_words_rebuild()
    catalogue_search(query("q=lassen"))  # warm the facet cache
    with django_assert_num_queries(3):  # version, regions, page rows
        result = catalogue_search(query("q=lassen"))
    assert result.total == 2
    assert result.suggestion == ""
