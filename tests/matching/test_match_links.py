"""The private page of a match, one link per side: the form that fits, bad input, bad links."""

import datetime

import pytest
from django.core import mail, signing
from django.utils import timezone

from matching.match_queries import LINK_SALTS, match_token
from matching.models import Match
from tests.factories import (
    CarriedOutMatchFactory,
    ConfirmedMatchFactory,
    ContactFactory,
    MatchFactory,
)
from tests.offers.requests_fixtures import signed_ago, tampered

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(match: Match, side: str) -> str:
    return f"/match/{match_token(match, side)}/"


def answer(**changes) -> dict:
    return {"stap": "antwoord", "decision": "bevestigen", "date": "", "reason": ""} | changes


def report(**changes) -> dict:
    data = {
        "stap": "uitvoering",
        "date": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "pupils": "26",
        "rating": "",
        "evaluation": "",
    }
    return data | changes


def evaluation(**changes) -> dict:
    return {"stap": "evaluatie", "rating": "4", "evaluation": "Fijne samenwerking."} | changes


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_match_and_is_private(client):
    match = MatchFactory(offer__title="Gastles <windenergie>", school__name="Lyceum & Co")

    response = client.get(url(match, "company"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Gastles &lt;windenergie&gt;" in html and "Lyceum &amp; Co" in html
    assert "Voorgesteld" in html and match.offer.organisation.name in html
    assert 'value="bevestigen"' in html and 'value="afwijzen"' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(
    "make_token",
    [
        lambda match: tampered(match_token(match, "company")),
        lambda match: signed_ago(
            [match.pk, "company"], salt=LINK_SALTS["company"], seconds=181 * 24 * 3600
        ),
        lambda match: signing.dumps([match.pk, "school"], salt=LINK_SALTS["company"]),
        lambda match: signing.dumps([match.pk, "coordinator"], salt="matching.match.coordinator"),
        lambda match: signing.dumps(match.pk, salt=LINK_SALTS["company"]),
        lambda match: signing.dumps([match.pk, "company"], salt="offers.request.answer"),
        lambda match: signing.dumps([match.pk + 1000, "company"], salt=LINK_SALTS["company"]),
        lambda match: "' OR 1=1 --",
    ],
    ids=["tampered", "expired", "wrong-side", "no-side", "no-list", "other-salt", "gone", "sql"],
)
def test_a_bad_link_is_not_found(client, make_token):
    match = MatchFactory()

    assert client.get(f"/match/{make_token(match)}/").status_code == 404
    assert client.post(f"/match/{make_token(match)}/", answer()).status_code == 404


# --- confirming and declining --------------------------------------------------------------------


def test_both_sides_confirm_through_their_links(client, django_capture_on_commit_callbacks):
    match = MatchFactory()
    ContactFactory(organisation=match.offer.organisation, email="anna@bedrijf.example.nl")
    planned = (TODAY() + datetime.timedelta(days=14)).isoformat()

    response = client.post(url(match, "company"), answer(date=planned))
    assert response.status_code == 302
    waiting = client.get(url(match, "company")).content.decode()
    assert "We wachten nog op de school" in waiting and 'value="bevestigen"' not in waiting

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(match, "school"), answer())

    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED and str(match.date) == planned
    assert len(mail.outbox) == 2
    assert "Heeft het plaatsgevonden?" in client.get(url(match, "school")).content.decode()


def test_a_side_declines_with_a_reason(client):
    match = MatchFactory()

    response = client.post(url(match, "school"), answer(decision="afwijzen", reason="Te ver weg"))

    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.cancelled_by, match.cancel_reason) == (
        "cancelled",
        "school",
        "Te ver weg",
    )
    assert "Deze match is geannuleerd" in client.get(url(match, "company")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (answer(decision=""), "Kies ‘Bevestigen’ of ‘Afwijzen’"),
        (answer(decision="misschien"), "Kies ‘Bevestigen’ of ‘Afwijzen’"),
        (answer(decision="afwijzen", reason=""), "Schrijf kort waarom het niet lukt"),
        (answer(decision="afwijzen", reason="x" * 1001), "niet meer dan 1000 tekens"),
        (
            answer(decision="afwijzen", reason="<script>alert('x')</script>"),
            "zonder HTML-code of scripts",
        ),
        (answer(date="31-02-2030"), "Vul een geldige datum in"),
        (answer(date="2030-01-01'; DROP TABLE matching_match; --"), "Vul een geldige datum in"),
        (answer(date="2001-01-01"), "in het verleden"),
    ],
    ids=["empty", "unknown", "no-reason", "too-long", "markup", "no-date", "sql", "past"],
)
def test_a_bad_answer_is_refused_in_dutch_and_nothing_changes(client, data, message):
    match = MatchFactory()

    response = client.post(url(match, "company"), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="foutmeldingen"' in html
    assert "<script>alert" not in html
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED and match.company_confirmed_at is None


def test_the_echoed_reason_is_escaped(client):
    match = MatchFactory()

    response = client.post(
        url(match, "company"), answer(decision="afwijzen", reason="<b>nee</b> & dus")
    )

    assert response.status_code == 400
    assert "&lt;b&gt;nee&lt;/b&gt; &amp; dus" in response.content.decode()


def test_a_second_answer_is_refused_politely(client):
    match = MatchFactory()
    client.post(url(match, "company"), answer())

    again = client.post(url(match, "company"), answer(decision="afwijzen", reason="Toch niet"))

    assert again.status_code == 409
    assert "Deze stap is al gezet" in again.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED


def test_an_answer_after_a_cancellation_is_refused_politely(client, coordinator_a):
    from matching.services import match_cancel

    match = MatchFactory()
    match_cancel(match=match, reason="Bedrijf gestopt", actor=coordinator_a.user)

    response = client.post(url(match, "school"), answer())

    assert response.status_code == 409
    assert "Bedrijf gestopt" in response.content.decode()


# --- reporting and evaluating --------------------------------------------------------------------


def test_a_side_reports_the_match_carried_out_with_an_evaluation(client):
    match = ConfirmedMatchFactory()

    response = client.post(
        url(match, "company"), report(rating="5", evaluation="Leuke klas, goede vragen.")
    )

    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.pupils) == (Match.Status.CARRIED_OUT, 26)
    assert (match.company_rating, match.company_evaluation) == (5, "Leuke klas, goede vragen.")
    page = client.get(url(match, "company")).content.decode()
    assert "Uw waardering: 5 van 5" in page
    assert "Uw evaluatie" in client.get(url(match, "school")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (report(date="", pupils=""), "Vul de datum in"),
        (report(pupils=""), "Vul het aantal leerlingen in"),
        (report(pupils="twintig"), "als een getal"),
        (report(pupils="0"), "tussen 1 en 500"),
        (report(pupils="501"), "tussen 1 en 500"),
        (report(pupils="9" * 400), "tussen 1 en 500"),
        (report(pupils="1; DELETE FROM matching_match"), "als een getal"),
        (report(date="morgen"), "Vul een geldige datum in"),
        (report(date="x" * 5000), "Vul een geldige datum in"),
        (report(date=(timezone.localdate() + datetime.timedelta(days=3)).isoformat()), "toekomst"),
        (report(date="2001-05-05"), "meer dan een jaar terug"),
        (report(evaluation="Prima"), "ook een waardering"),
        (report(rating="7"), "waardering van 1 tot 5"),
        (report(rating="4", evaluation="<img src=x onerror=alert(1)>"), "zonder HTML-code"),
        (report(rating="4", evaluation="x" * 1001), "niet meer dan 1000 tekens"),
    ],
)
def test_a_bad_report_is_refused_in_dutch_and_nothing_changes(client, data, message):
    match = ConfirmedMatchFactory()

    response = client.post(url(match, "school"), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="foutmeldingen"' in html
    assert "<img src=x" not in html
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED and match.teacher_evaluated_at is None


def test_both_evaluations_close_the_match(client):
    match = CarriedOutMatchFactory()

    assert client.post(url(match, "company"), evaluation()).status_code == 302
    assert client.post(url(match, "school"), evaluation(rating="5")).status_code == 302

    match.refresh_from_db()
    assert match.status == Match.Status.CLOSED
    assert "Deze match is afgesloten" in client.get(url(match, "school")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (evaluation(rating=""), "Kies een waardering van 1 tot 5"),
        (evaluation(rating="0"), "Kies een waardering van 1 tot 5"),
        (evaluation(rating="1 OR 1=1"), "Kies een waardering van 1 tot 5"),
        (evaluation(evaluation="x" * 1001), "niet meer dan 1000 tekens"),
        (evaluation(evaluation="<script>x</script>"), "zonder HTML-code"),
    ],
)
def test_a_bad_evaluation_is_refused_in_dutch(client, data, message):
    match = CarriedOutMatchFactory()

    response = client.post(url(match, "company"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    match.refresh_from_db()
    assert match.company_evaluated_at is None


def test_a_form_for_a_step_already_taken_is_refused_politely(client):
    match = CarriedOutMatchFactory()

    stale_report = client.post(url(match, "company"), report())
    forged_step = client.post(url(match, "company"), evaluation(stap="antwoord"))

    assert stale_report.status_code == 409 and forged_step.status_code == 409
    match.refresh_from_db()
    assert match.company_evaluated_at is None


def test_a_second_evaluation_is_refused_politely(client):
    match = CarriedOutMatchFactory()
    client.post(url(match, "company"), evaluation())

    again = client.post(url(match, "company"), evaluation(rating="1"))

    assert again.status_code == 409
    match.refresh_from_db()
    assert match.company_rating == 4
