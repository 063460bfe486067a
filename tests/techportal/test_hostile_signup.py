"""Hostile input against the aanmeldformulier (/aanmelden/), with its offer details.

Never a server error, a Dutch error summary when refused with every table untouched, and every
value escaped wherever it comes back: the re-rendered form, the thank-you and status pages and
the emails of an accepted sign-up. See tests/techportal/hostile.py for the values and checks.
"""

from functools import partial

import pytest

from matching import queries
from matching.forms import OfferDetailsForm, SignUpForm
from matching.models import SignUp
from offers.models import OfferKind
from tests.matching.conftest import signup_form_data

from .hostile import (
    EXTRA_FIELDS,
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
    multiple_fields,
    post_form,
    prefixed,
    rotation,
    structural_attack,
)

pytestmark = pytest.mark.django_db

URL = "/aanmelden/"
FIELDS = prefixed(SignUpForm()) | prefixed(OfferDetailsForm(kind=OfferKind.GASTLES))
MULTIPLE = multiple_fields(FIELDS)
REQUIRED = [name for name, field in FIELDS.items() if field.required]

ROTATION = rotation(FIELDS, ONE_FIELD)


def valid_data() -> dict:
    """A complete, valid sign-up offering one guest lesson and asking for an event workshop."""
    return signup_form_data() | {"wants_event_workshop": "on"}


@pytest.fixture(autouse=True)
def routed_to(coordinator_a):
    """A coordinator for the postcode, so an accepted sign-up is routed and emailed."""
    return coordinator_a


def stored_and_shown_safely(client, payload: str):
    """For an accepted sign-up: one of each row, and its pages escape the value."""

    def check(response, tables: Tables) -> None:
        new = tables.new_rows()
        assert new["matching_signup"] == 1, new
        assert new["organisations_organisation"] == 1 and new["organisations_contact"] == 1, new
        assert new["offers_offer"] == 1, new
        signup = SignUp.objects.get()
        assert_safe(client.get(response["Location"]), payload)
        assert_safe(client.get(f"/aanmelden/status/{queries.status_token(signup)}/"), payload)

    return check


def test_a_hostile_value_in_one_field_is_refused_cleanly_or_stored_intact(
    client, attack_each_field
):
    accepted = partial(stored_and_shown_safely, client)
    attack_each_field(URL, valid_data, FIELDS, ROTATION, accepted=accepted, multiple=MULTIPLE)


def test_a_hostile_value_in_every_field_at_once_is_refused_cleanly(attack_every_field):
    # The kind stays valid, so the guest lesson's details are validated too.
    kind = {"kinds": [OfferKind.GASTLES.value]}
    attack_every_field(URL, FIELDS, multiple=MULTIPLE, fixed=kind)


def test_every_field_one_character_too_long_is_refused_with_its_own_error(client):
    assert_too_long_refused(client, URL, valid_data(), FIELDS)


def test_every_text_field_at_its_longest_is_stored_whole(client):
    longest = at_max_length(FIELDS)

    response = post_form(client, URL, valid_data() | longest)

    assert response.status_code == 302
    signup = SignUp.objects.select_related("organisation", "contact").get()
    assert len(signup.organisation.name) == len(longest["company_name"]) == 200
    assert signup.message == longest["message"]
    assert signup.offers.get().description == longest["gastles-description"]


# --- structure -----------------------------------------------------------------------------------


def test_an_empty_post_names_every_required_field_in_dutch(client):
    tables = Tables()

    response = post_form(client, URL, {})

    assert_refused(response, tables)
    # Every required field of the main form has its line (no kind chosen: no details asked).
    named = {error.field_id.removeprefix("id_") for error in response.context["errors"]}
    named = {name.removesuffix("_0") for name in named}
    assert named >= {name for name in REQUIRED if "-" not in name}


def test_a_malformed_request_is_refused_cleanly(client, subtests):
    def check(attack_):
        response = structural_attack(client, URL, valid_data(), attack_)
        if attack_.name == "extra-unknown-fields":
            assert response.status_code == 302
            signup = SignUp.objects.get()
            assert signup.reference != EXTRA_FIELDS["reference"]
            assert signup.status == SignUp.Status.RECEIVED
            assert signup.offers.get().status == "draft"

    each(subtests, STRUCTURAL, check)


def test_the_valid_form_sent_by_get_stores_nothing(client):
    assert_get_stores_nothing(client, URL, valid_data())


def test_other_methods_are_not_allowed(client):
    assert_other_methods_not_allowed(client, URL)
