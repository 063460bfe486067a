"""Hostile input against the catalogue (/aanbod/ GET, also as htmx asks it) and saved searches
(/aanbod/bewaren/ POST and GET). The catalogue never refuses: it ignores what it cannot use and
says so in a Dutch notice. See tests/techportal/hostile.py for the values and the checks.
"""

from functools import partial
from urllib.parse import urlencode

import pytest
from django import forms
from django.http import QueryDict
from django.utils.html import escape

from offers.forms import SaveSearchForm
from offers.models import SavedSearch
from offers.search import CatalogueQuery
from offers.services import saved_searches
from organisations.models import PostcodeArea
from tests.factories import CompanyFactory, OfferFactory

from .hostile import (
    AT_ONCE,
    CHOICE,
    CORE,
    NUMBER,
    ONE_FIELD,
    POSTCODE,
    SHORT,
    STRUCTURAL,
    TEXT,
    Tables,
    assert_get_stores_nothing,
    assert_other_methods_not_allowed,
    assert_safe,
    assert_too_long_refused,
    attack,
    each,
    encode,
    get_query,
    prefixed,
    rotation,
    structural_attack,
)

pytestmark = pytest.mark.django_db

CATALOGUE = "/aanbod/"
SAVE = "/aanbod/bewaren/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "resultaten"}

# The catalogue's parameters and the kinds of value each takes.
PARAMS: dict[str, forms.Field | set[str]] = {
    "q": {TEXT},
    "soort": {CHOICE},
    "niveau": {CHOICE},
    "wereld": {CHOICE},
    "regio": {CHOICE, TEXT},
    "postcode": {POSTCODE},
    "afstand": {NUMBER},
    "sorteer": {CHOICE},
    "page": {NUMBER},
}
CATALOGUE_ROTATION = rotation(PARAMS)


@pytest.fixture(autouse=True)
def offers(region_a):
    """Two published offers near a known PC4 centre, so results, counts and distances show."""
    PostcodeArea.objects.create(pc4=1011, latitude=52.373, longitude=4.902, place="Amsterdam")
    company = CompanyFactory(name="Amsterdamse <Las> & Co", postcode="1011AB")
    return [
        OfferFactory(organisation=company, status="published", title=title)
        for title in ("Gastles lassen", "Bedrijfsbezoek 'robots' & \"lasers\"")
    ]


def assert_notices_shown(response, params) -> None:
    """Every notice the query's parser gave (input it ignored or corrected) is on the page."""
    body = response.content.decode()
    for notice in CatalogueQuery.from_params(QueryDict(encode(params))).notices:
        assert escape(notice) in body, notice


def search_safely(client, params, payload: str, *, htmx: bool = True) -> None:
    """The page (and, with `htmx`, its results region as htmx asks for it) shows the search
    safely, says what it ignored, and stores nothing."""
    tables = Tables()
    for headers in ({}, HTMX) if htmx else ({},):
        response = get_query(client, CATALOGUE, params, **headers)
        assert_safe(response, payload)
        assert response.status_code == 200
        assert_notices_shown(response, params)
    tables.assert_unchanged()


def test_a_hostile_value_in_one_parameter_never_breaks_the_search(client, subtests):
    each(
        subtests,
        CATALOGUE_ROTATION,
        lambda case: search_safely(
            client, {case.field: case.hostile.value}, case.hostile.value, htmx=False
        ),
    )


def test_hostile_values_in_every_parameter_at_once_never_break_the_search(client, subtests):
    each(
        subtests,
        AT_ONCE,
        lambda hostile: search_safely(client, dict.fromkeys(PARAMS, hostile.value), hostile.value),
    )


def test_every_parameter_sent_sixty_times_is_answered_with_a_notice(client, subtests):
    def check(hostile):
        params = [(name, hostile.value) for name in PARAMS for _ in range(60)]
        assert CatalogueQuery.from_params(QueryDict(encode(params))).notices
        search_safely(client, params, hostile.value, htmx=False)

    each(subtests, [hostile for hostile in AT_ONCE if hostile in SHORT], check)


def test_hostile_htmx_headers_are_harmless(client):
    response = client.get(
        CATALOGUE,
        {"q": "lassen"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="<script>alert(1)</script>",
        HTTP_HX_CURRENT_URL="javascript:alert(1)",
        HTTP_HX_HISTORY_RESTORE_REQUEST="\x00",
    )

    assert_safe(response, "<script>alert(1)</script>")
    assert response.status_code == 200


# --- saving a search -----------------------------------------------------------------------------

SAVE_FIELDS = prefixed(SaveSearchForm())
SAVE_ROTATION = rotation(SAVE_FIELDS, ONE_FIELD)


def valid_save() -> dict:
    return {"email": "docent@school.nl", "query": "q=lassen&soort=gastles", "fax": ""}


def saved_and_shown_safely(client, payload: str):
    def check(response, tables: Tables) -> None:
        assert tables.new_rows()["offers_savedsearch"] == 1
        assert_safe(client.get(response["Location"]), payload)
        token = saved_searches.confirm_token(SavedSearch.objects.get())
        assert_safe(client.get(f"/aanbod/bewaren/bevestigen/{token}/"), payload)

    return check


def test_a_hostile_value_in_the_save_form_is_refused_cleanly_or_stored_normalised(
    client, attack_each_field
):
    accepted = partial(saved_and_shown_safely, client)
    attack_each_field(SAVE, valid_save, SAVE_FIELDS, SAVE_ROTATION, accepted=accepted)


def test_a_hostile_value_inside_the_saved_search_is_stored_as_the_catalogue_writes_it(
    client, django_capture_on_commit_callbacks, subtests
):
    def check(case):
        value = case.hostile.value
        query = urlencode({case.field: value}, errors="surrogatepass")
        response = attack(
            client,
            django_capture_on_commit_callbacks,
            SAVE,
            valid_save() | {"query": query},
            payload=value,
            refuse=False,
            accepted=saved_and_shown_safely(client, value),
        )
        if response.status_code == 302:  # what is stored is what the catalogue makes of it
            stored = SavedSearch.objects.get().query
            assert stored == CatalogueQuery.from_params(QueryDict(query)).search_string

    each(subtests, rotation(PARAMS, CORE), check)


def test_every_save_field_one_character_too_long_is_refused(client):
    assert_too_long_refused(client, SAVE, valid_save(), SAVE_FIELDS)


def test_a_hostile_value_in_every_save_field_is_refused_cleanly(attack_every_field):
    attack_every_field(SAVE, SAVE_FIELDS)


def test_a_malformed_save_is_refused_cleanly(client, subtests):
    each(subtests, STRUCTURAL, lambda a: structural_attack(client, SAVE, valid_save(), a))


def test_the_check_your_email_page_shows_any_search_safely(client, subtests):
    def check(hostile):
        tables = Tables()
        for query in (hostile.value, urlencode({"q": hostile.value}, errors="surrogatepass")):
            response = get_query(client, SAVE, {"zoekopdracht": query})
            assert_safe(response, hostile.value)
            assert response.status_code == 200
        tables.assert_unchanged()

    each(subtests, AT_ONCE, check)


def test_the_save_form_sent_by_get_stores_nothing(client):
    assert_get_stores_nothing(client, SAVE, valid_save())


def test_other_methods_on_the_save_form_are_not_allowed(client):
    assert_other_methods_not_allowed(client, SAVE)
