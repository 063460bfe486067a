"""/aanbod/: the catalogue page, with and without htmx."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers.models import Offer, OfferKind
from offers.services.search_words import search_words_rebuild
from techportal.choices import Level, World

from ..factories import CompanyFactory

URL = reverse("offers:catalogue")
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "resultaten"}


@pytest.fixture
def offers(publish, company_in, region_a, region_b):
    publish(
        title="Lassen voor beginners",
        kind=OfferKind.WORKSHOP,
        levels=[Level.VMBO_BB],
        worlds=[World.DESIGN],
        organisation=company_in(1011, name="Amsterdamse Laswerken"),
    )
    publish(
        title="Robots programmeren",
        kind=OfferKind.GASTLES,
        levels=[Level.HAVO, Level.VWO],
        worlds=[World.HITECH],
        organisation=company_in(3511, name="Utrechtse Robotica"),
    )
    publish(title="Nooit zichtbaar", status=Offer.Status.DRAFT)


def test_it_lists_published_offers_with_what_a_teacher_needs(client, offers):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 aanbiedingen gevonden" in html
    assert "Lassen voor beginners" in html
    assert "Amsterdamse Laswerken, Amsterdam" in html
    assert "vmbo basisberoepsgerichte leerweg (BB)" in html
    assert "Ontwerp, Productie &amp; Wereldhandel" in html
    assert "Op aanvraag" in html
    assert "Nooit zichtbaar" not in html
    offer = Offer.objects.get(title="Robots programmeren")
    assert f'href="{reverse("offers:detail", args=[offer.pk])}"' in html


def test_it_is_a_get_form_with_a_checkbox_and_count_per_facet_value(client, offers):
    html = client.get(URL).content.decode()
    assert 'method="get"' in html
    assert 'name="q"' in html and 'name="postcode"' in html and 'name="afstand"' in html
    assert 'type="checkbox" name="soort" value="workshop" id="soort-workshop">' in html
    assert 'id="aantal-soort-workshop">1<' in html
    assert '<label class="form-check-label" for="soort-workshop">Workshop <span' in html
    assert 'id="aantal-soort-stage">0<' in html
    assert 'id="aantal-regio-utrecht">1<' in html
    assert 'name="sorteer" form="catalogusfilter"' in html


def test_filters_in_the_url_are_applied_and_shown_ticked(client, offers):
    response = client.get(URL, {"soort": "gastles", "niveau": "havo"})
    html = response.content.decode()
    assert "1 aanbieding gevonden" in html
    assert "Robots programmeren" in html
    assert "Lassen voor beginners" not in html
    assert 'id="soort-gastles" checked' in html
    assert 'id="niveau-havo" checked' in html
    # A link per chosen filter takes it away again.
    assert f'href="{URL}?niveau=havo"' in html


def test_a_text_search_finds_by_the_start_of_a_word(client, offers):
    html = client.get(URL, {"q": "las"}).content.decode()
    assert "Lassen voor beginners" in html
    assert "Robots programmeren" not in html


def test_distance_is_shown_for_a_known_postcode(client, offers):
    html = client.get(URL, {"postcode": "1011 ab", "afstand": "50"}).content.decode()
    assert "2 aanbiedingen gevonden" in html
    assert html.index("Lassen voor beginners") < html.index("Robots programmeren")
    assert "35 km" in html
    assert 'value="1011AB"' in html


def test_the_text_is_shown_escaped(client, offers):
    evil = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    html = client.get(URL, {"q": evil}).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "1011AB", "afstand": "abc"}, "is geen getal"),
        ({"postcode": "1011AB", "afstand": "-5"}, "1 tot 300 km"),
        ({"postcode": "1011AB", "afstand": "100000"}, "1 tot 300 km"),
        ({"soort": "ruimtereis"}, "Onbekende soort genegeerd"),
        ({"niveau": "kleuter"}, "Onbekende niveau genegeerd"),
        ({"wereld": "<b>mars</b>"}, "Onbekende wereld genegeerd"),
        ({"regio": "atlantis"}, "Onbekende regio genegeerd"),
        ({"postcode": "XYZ"}, "geen geldige postcode"),
        ({"postcode": "8888ZZ"}, "kennen we niet"),
        ({"page": "99999"}, "dit is de laatste pagina"),
        ({"page": "abc"}, "Onbekend paginanummer"),
        ({"q": "robot " * 2000}, "langer dan 200 tekens"),
        ({"sorteer": "prijs"}, "Onbekende sortering"),
    ],
)
def test_bad_input_gives_a_sensible_page_with_a_dutch_message(client, offers, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert-info" role="status"' in html
    assert message in html


@pytest.mark.parametrize(
    "q",
    ["&|!():*'", "robot & (las | !x):*", "'; DROP TABLE offers_offer; --", "a" * 10_000, "\x00"],
)
def test_query_syntax_in_the_text_never_breaks_the_page(client, offers, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert Offer.objects.count() == 3


def test_page_zero_is_the_first_page(client, offers):
    response = client.get(URL, {"page": "0"})
    assert response.status_code == 200
    assert "2 aanbiedingen gevonden" in response.content.decode()


def test_nothing_found_says_so_and_suggests_a_spelling_that_finds_something(client, offers):
    search_words_rebuild()
    html = client.get(URL, {"q": "robots programeren"}).content.decode()
    assert "Geen aanbod gevonden" in html
    assert f'Bedoelde u <a href="{URL}?q=robots+programmeren"' in html


def test_nothing_found_without_a_suggestion_still_helps(client, offers):
    html = client.get(URL, {"q": "zzzzqqq"}).content.decode()
    assert "Geen aanbod gevonden" in html
    assert "Bedoelde u" not in html
    assert "Bekijk al het aanbod" in html


def test_it_pages_with_plain_links(client, publish, settings):
    settings.CATALOGUE_PAGE_SIZE = 2
    for n in range(5):
        publish(title=f"Aanbod nummer {n}")
    html = client.get(URL, {"page": "2"}).content.decode()
    assert f'href="{URL}?page=3" rel="next"' in html
    assert f'href="{URL}" rel="prev"' in html
    assert 'aria-current="page">2<' in html
    assert "3–4 van 5" in html


def test_it_includes_the_save_search_form_with_the_search_string(client, offers):
    response = client.get(URL, {"q": "robot", "page": "1", "sorteer": "nieuwste"})
    assert "offers/_save_search.html" in [t.name for t in response.templates]
    assert response.context["query"].search_string == "q=robot"


# --- with htmx ------------------------------------------------------------------------------------


def test_with_htmx_only_the_results_and_the_counts_are_sent(client, offers):
    response = client.get(URL, {"soort": "gastles", "q": "robot"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="catalogusfilter"' not in html  # the form, and the focused text box, stay
    assert "Robots programmeren" in html
    assert 'id="aantal-soort-gastles" hx-swap-oob="true">1<' in html
    assert 'id="aantal-resultaten" hx-swap-oob="innerHTML"' in html
    assert response["HX-Push-Url"] == f"{URL}?q=robot&soort=gastles"
    assert "HX-Request" in response["Vary"]


def test_with_htmx_a_history_restore_gets_the_full_page(client, offers):
    response = client.get(URL, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in response.content.decode()


def test_the_page_loads_htmx_and_its_script_from_the_project(client, offers):
    html = client.get(URL).content.decode()
    assert "django_htmx/htmx-2.min.js" in html
    assert "js/catalogue.js" in html
    assert "<script>" not in html  # no inline script (a CSP comes later)
    assert 'style="' not in html


# --- speed ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"q": "gastles", "postcode": "1011", "soort": "gastles"}])
def test_the_number_of_queries_does_not_grow_with_the_number_of_offers(
    client, publish, company_in, region_a, params
):
    """Each count is of a first search (facet counts not yet cached: adding offers drops them):
    the catalogue version, the regions, the PC4 centre, the facets, the page rows."""

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    companies = [company_in(1011), company_in(3511), CompanyFactory()]
    for _n in range(10):
        publish(organisation=companies[_n % 3])
    with_ten = page_queries()

    for n in range(190):
        publish(organisation=companies[n % 3], kind=list(OfferKind)[n % 7])
    with_two_hundred = page_queries()

    assert with_ten == with_two_hundred <= 5


def test_cached_facet_counts_save_a_query(client, offers, django_assert_num_queries):
    client.get(URL, {"soort": "gastles"})
    with django_assert_num_queries(3):  # the catalogue version, the regions, the page rows
        client.get(URL, {"soort": "gastles", "page": "1", "sorteer": "nieuwste"})
