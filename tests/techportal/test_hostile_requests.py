"""Hostile input against a teacher's request for an offer and the company's answer to it:
/aanbod/<id>/aanvragen/ (GET with the school search, POST), /aanbod/scholen/ and
/aanvraag/antwoord/<token>/. See tests/techportal/hostile.py for the values and the checks.
"""

import datetime
from functools import partial

import pytest
from django import forms
from django.utils import timezone

from offers import queries
from offers.forms import AnswerForm, OfferRequestForm
from offers.models import Offer, OfferRequest
from tests.factories import CompanyFactory, SchoolFactory
from tests.offers.requests_fixtures import contact, published_offer, request_data, school

from .hostile import (
    AT_ONCE,
    ONE_FIELD,
    STRUCTURAL,
    Tables,
    assert_get_stores_nothing,
    assert_other_methods_not_allowed,
    assert_refused,
    assert_safe,
    assert_too_long_refused,
    at_max_length,
    each,
    get_query,
    multiple_fields,
    post_form,
    prefixed,
    rotation,
    structural_attack,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(company_a, coordinator_a):
    contact(company_a, "anna@windtechniek.nl")
    return published_offer(company_a)


@pytest.fixture
def college(region_a):
    return school("Technisch College Amsterdam", "12AB01")


def request_url(offer: Offer) -> str:
    return f"/aanbod/{offer.pk}/aanvragen/"


# --- the request form ----------------------------------------------------------------------------

# The school search box posts along with the form (the picker without JavaScript).
REQUEST_FIELDS: dict[str, forms.Field | set[str]] = {
    **prefixed(OfferRequestForm(offer=Offer(levels=[]))),
    "school_zoek": forms.CharField(max_length=100, required=False),
}
REQUEST_MULTIPLE = multiple_fields(REQUEST_FIELDS)
REQUEST_ROTATION = rotation(REQUEST_FIELDS, ONE_FIELD)


def request_stored_and_shown_safely(client, payload: str):
    def check(response, tables: Tables) -> None:
        assert tables.new_rows()["offers_offerrequest"] == 1
        offer_request = OfferRequest.objects.get()
        assert_safe(client.get(response["Location"]), payload)  # the teacher's page
        answer = f"/aanvraag/antwoord/{queries.request_answer_token(offer_request)}/"
        assert_safe(client.get(answer), payload)  # the company's page

    return check


def test_a_hostile_value_in_one_request_field_is_refused_cleanly_or_stored_intact(
    client, attack_each_field, offer, college
):
    attack_each_field(
        request_url(offer),
        lambda: request_data(college.pk),
        REQUEST_FIELDS,
        REQUEST_ROTATION,
        accepted=partial(request_stored_and_shown_safely, client),
        multiple=REQUEST_MULTIPLE,
        free={"school_zoek"},
    )


def test_a_hostile_value_in_every_request_field_at_once_is_refused_cleanly(
    attack_every_field, offer, college
):
    attack_every_field(request_url(offer), REQUEST_FIELDS, multiple=REQUEST_MULTIPLE)


def test_a_forged_school_id_is_refused_in_dutch(client, offer, college, company_a, subtests):
    forged_ids = {
        "a-company": str(company_a.pk),
        "no-such-school": str(college.pk + 10_000),
        "one-or-one": f"{college.pk} OR 1=1",
        "negative": "-1",
        "list": f"{college.pk},{college.pk}",
        "bigint-overflow": "+9223372036854775808",
    }

    def check(name):
        tables = Tables()
        forged = forged_ids[name]
        response = post_form(client, request_url(offer), request_data(college.pk, school=forged))
        assert_safe(response, forged)
        assert_refused(response, tables)
        messages = " ".join(str(error.message) for error in response.context["errors"])
        assert "Zoek uw school en kies die uit de lijst." in messages

    each(subtests, forged_ids, check)


def test_every_request_field_one_character_too_long_is_refused(client, offer, college):
    fields = {name: field for name, field in REQUEST_FIELDS.items() if name != "school_zoek"}
    assert_too_long_refused(client, request_url(offer), request_data(college.pk), fields)


def test_every_answer_field_one_character_too_long_is_refused(client, answer_url):
    assert_too_long_refused(client, answer_url, valid_answer(), ANSWER_FIELDS)


def test_every_text_field_at_its_longest_is_stored_whole(client, offer, college):
    longest = at_max_length(REQUEST_FIELDS)

    response = post_form(client, request_url(offer), request_data(college.pk) | longest)

    assert response.status_code == 302
    stored = OfferRequest.objects.get()
    assert (stored.teacher_name, stored.group, stored.message) == (
        longest["teacher_name"],
        longest["group"],
        longest["message"],
    )


def test_a_school_of_another_region_may_request(client, offer, region_b):
    # Teachers anywhere may ask for any offer: the region only decides who coordinates it.
    elsewhere = SchoolFactory(name="Utrechts Lyceum", vestigingscode="34CD01", postcode="3511AB")

    response = post_form(client, request_url(offer), request_data(elsewhere.pk))

    assert response.status_code == 302
    assert OfferRequest.objects.get().school == elsewhere


FORGED_OFFER_PATHS = [
    "/aanbod/99999999999999999999/aanvragen/",
    "/aanbod/9223372036854775808/aanvragen/",
    "/aanbod/0/aanvragen/",
    "/aanbod/-1/aanvragen/",
    "/aanbod/1%00/aanvragen/",
    "/aanbod/1%20OR%201=1/aanvragen/",
    "/aanbod/99999999999999999999/",
    "/aanbod/%3Cscript%3E/",
]


def test_a_forged_offer_in_the_address_is_not_found(client, offer, college, subtests):
    def check(path):
        tables = Tables()
        for response in (client.get(path), post_form(client, path, request_data(college.pk))):
            assert_safe(response)
            assert response.status_code == 404
            assert "Deze pagina bestaat niet" in response.content.decode()
        tables.assert_unchanged()

    each(subtests, FORGED_OFFER_PATHS, check)


def test_an_offer_not_published_cannot_be_requested_by_its_id(client, company_a, college):
    for status in (Offer.Status.DRAFT, Offer.Status.PAUSED, Offer.Status.ARCHIVED):
        hidden = published_offer(company_a, status=status)
        tables = Tables()

        response = post_form(client, request_url(hidden), request_data(college.pk))

        assert response.status_code == 404
        tables.assert_unchanged()


def test_a_malformed_request_form_post_is_refused_cleanly(client, offer, college, subtests):
    def check(attack_):
        response = structural_attack(client, request_url(offer), request_data(college.pk), attack_)
        if attack_.name == "extra-unknown-fields":
            assert response.status_code == 302
            assert OfferRequest.objects.get().status == OfferRequest.Status.REQUESTED

    each(subtests, STRUCTURAL, check)


def test_the_request_form_sent_by_get_stores_nothing(client, offer, college):
    assert_get_stores_nothing(client, request_url(offer), request_data(college.pk))


def test_other_methods_on_the_request_form_are_not_allowed(client, offer):
    assert_other_methods_not_allowed(client, request_url(offer))


# --- the school search (GET, on the form and on its own for htmx) --------------------------------


def test_a_hostile_school_search_answers_calmly(client, offer, college, subtests):
    def check(hostile):
        tables = Tables()
        searches = [
            ("/aanbod/scholen/", {"school_zoek": hostile.value}),
            (request_url(offer), {"school_zoek": hostile.value}),
        ]
        if len(hostile.value) <= 1_000:  # sent 30 times
            searches.append(("/aanbod/scholen/", [("school_zoek", hostile.value)] * 30))
        for path, params in searches:
            response = get_query(client, path, params)
            assert_safe(response, hostile.value)
            assert response.status_code == 200
        tables.assert_unchanged()

    each(subtests, AT_ONCE, check)


# --- the company's answer ------------------------------------------------------------------------


@pytest.fixture
def answer_url(offer, college):
    offer_request = OfferRequest.objects.create(
        offer=offer,
        school=college,
        teacher_name="Ilse Jansen",
        teacher_email="ilse.jansen@school.example.nl",
        group="3 vmbo-KB",
        level="vmbo_kb",
        pupils=24,
        preferred_period="Na de herfstvakantie",
    )
    return f"/aanvraag/antwoord/{queries.request_answer_token(offer_request)}/"


def valid_answer() -> dict:
    date = timezone.localdate() + datetime.timedelta(days=14)
    return {"decision": AnswerForm.ACCEPT, "date": date.isoformat(), "message": "Graag!"}


ANSWER_FIELDS = prefixed(AnswerForm())
ANSWER_ROTATION = rotation(ANSWER_FIELDS, ONE_FIELD)


def answered_and_shown_safely(client, payload: str):
    def check(response, tables: Tables) -> None:
        offer_request = OfferRequest.objects.get()
        assert offer_request.status != OfferRequest.Status.REQUESTED
        assert_safe(client.get(response["Location"]), payload)
        status = f"/aanvraag/{queries.request_status_token(offer_request)}/"
        assert_safe(client.get(status), payload)  # the teacher reads the answer

    return check


def test_a_hostile_value_in_the_answer_is_refused_cleanly_or_stored_intact(
    client, attack_each_field, answer_url
):
    accepted = partial(answered_and_shown_safely, client)
    attack_each_field(answer_url, valid_answer, ANSWER_FIELDS, ANSWER_ROTATION, accepted=accepted)


def test_a_hostile_value_in_every_answer_field_is_refused_cleanly(attack_every_field, answer_url):
    attack_every_field(answer_url, ANSWER_FIELDS)


def test_a_malformed_answer_is_refused_cleanly(client, answer_url, subtests):
    each(subtests, STRUCTURAL, lambda a: structural_attack(client, answer_url, valid_answer(), a))


def test_another_companys_answer_link_does_not_open_this_request(client, answer_url, region_b):
    # The company in the signed link must still own the offer: forge the company's id.
    other = CompanyFactory(name="Ander Bedrijf", kvk_number="87654321")
    offer_request = OfferRequest.objects.get()
    offer_request.offer.organisation = other
    offer_request.offer.save()
    tables = Tables()

    response = post_form(client, answer_url, valid_answer())

    assert response.status_code == 404
    tables.assert_unchanged()
