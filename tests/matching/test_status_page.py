"""The company's private pages: the thank-you page after a submit and the status link."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from matching import queries
from matching.services import signup_decline, signup_route

pytestmark = pytest.mark.django_db


def status_page(client, token: str):
    return client.get(reverse("matching:status", args=[token]))


def thanks_page(client, token: str):
    return client.get(reverse("matching:thanks", args=[token]))


def signed_ago(value: object, *, salt: str, seconds: int) -> str:
    """A token as `signing.dumps` makes it, but signed `seconds` ago."""

    class EarlierSigner(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - seconds)

    return EarlierSigner(salt=salt).sign_object(value)


def tampered(token: str) -> str:
    """The token with the last character of its signature changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def with_other_number(token: str, salt: str, pk: int) -> str:
    """Another sign-up's number, with the signature and timestamp of `token`."""
    other_payload = signing.dumps(pk, salt=salt).split(":")[0]
    return ":".join([other_payload, *token.split(":")[1:]])


# --- the status page ---------------------------------------------------------------------------


def test_the_status_page_shows_the_status_reference_and_offers(client, received_signup):
    response = status_page(client, queries.status_token(received_signup))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Uw aanmelding {received_signup.reference}" in html
    assert "Zaanse Lastechniek B.V." in html
    assert "<strong>Ontvangen</strong>" in html
    assert "We zoeken de coördinator van uw regio." in html
    assert "Gastles lassen — Gastles" in html
    assert "Concept" in html


def test_the_status_page_is_kept_out_of_search_engines_and_caches(client, received_signup):
    response = status_page(client, queries.status_token(received_signup))

    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_once_routed_the_status_page_names_the_coordinator(client, received_signup, coordinator_a):
    signup_route(signup_id=received_signup.pk)

    response = status_page(client, queries.status_token(received_signup))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Doorgestuurd</strong>" in html
    assert f"Uw coördinator is <strong>{coordinator_a}</strong>." in html
    assert "(regio Amsterdam)" in html
    assert "We zoeken de coördinator" not in html


def test_a_declined_signup_shows_the_reason_as_text(client, received_signup):
    signup_decline(signup=received_signup, reason="Geen <b>scholen</b> in de buurt.", actor=None)

    response = status_page(client, queries.status_token(received_signup))

    html = response.content.decode()
    assert "<strong>Afgewezen</strong>" in html
    assert "Geen &lt;b&gt;scholen&lt;/b&gt; in de buurt." in html


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda signup, token: tampered(token), id="changed-signature"),
        pytest.param(
            lambda signup, token: with_other_number(token, queries.STATUS_LINK_SALT, signup.pk + 1),
            id="other-signup-number",
        ),
        pytest.param(lambda signup, token: queries.thanks_token(signup), id="thanks-token"),
        pytest.param(lambda signup, token: signing.dumps(signup.pk), id="unsalted"),
        pytest.param(lambda signup, token: str(signup.pk), id="bare-number"),
        pytest.param(lambda signup, token: "niet-een-link", id="garbage"),
    ],
)
def test_a_tampered_status_link_is_not_found(client, received_signup, forge):
    token = forge(received_signup, queries.status_token(received_signup))

    assert status_page(client, token).status_code == 404


def test_a_status_link_for_a_signup_that_does_not_exist_is_not_found(client, db):
    token = signing.dumps(2_000_000_000, salt=queries.STATUS_LINK_SALT)

    assert status_page(client, token).status_code == 404


def test_a_status_link_that_names_no_number_is_not_found(client, received_signup):
    token = signing.dumps(str(received_signup.pk), salt=queries.STATUS_LINK_SALT)

    assert status_page(client, token).status_code == 404


@pytest.mark.parametrize(("age", "status"), [(3600 - 60, 200), (3600 + 60, 404)])
def test_a_status_link_works_until_it_expires(client, received_signup, settings, age, status):
    settings.SIGNUP_STATUS_LINK_MAX_AGE = 3600
    token = signed_ago(received_signup.pk, salt=queries.STATUS_LINK_SALT, seconds=age)

    assert status_page(client, token).status_code == status


def test_a_status_link_expires_after_the_default_half_year(client, received_signup):
    token = signed_ago(received_signup.pk, salt=queries.STATUS_LINK_SALT, seconds=181 * 24 * 3600)

    assert status_page(client, token).status_code == 404


# --- the thank-you page ------------------------------------------------------------------------


def test_the_thanks_page_shows_the_reference_and_where_the_confirmation_goes(
    client, received_signup
):
    response = thanks_page(client, queries.thanks_token(received_signup))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"onder kenmerk <strong>{received_signup.reference}</strong>" in html
    assert "<strong>jan.de.vries@example.nl</strong>" in html


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda signup: tampered(queries.thanks_token(signup)), id="changed-signature"),
        pytest.param(lambda signup: queries.status_token(signup), id="status-token"),
        pytest.param(
            lambda signup: signed_ago(
                signup.pk, salt=queries.THANKS_LINK_SALT, seconds=queries.THANKS_LINK_MAX_AGE + 60
            ),
            id="older-than-a-day",
        ),
        pytest.param(lambda signup: signup.reference, id="reference"),
        pytest.param(lambda signup: "niet-een-link", id="garbage"),
    ],
)
def test_a_thanks_page_with_a_bad_token_is_not_found(client, received_signup, forge):
    assert thanks_page(client, forge(received_signup)).status_code == 404


@pytest.mark.parametrize("name", ["matching:status", "matching:thanks"])
def test_the_private_pages_only_answer_get(client, received_signup, name):
    token = queries.status_token(received_signup)

    assert client.post(reverse(name, args=[token])).status_code == 405
