"""Hostile input against the rest of the public site: the language switch (/i18n/setlang/), the
/beheer/ login form, /impact/ and the other plain pages, and every private link (forged tokens;
the withdraw, cancel and unsubscribe buttons). See tests/techportal/hostile.py for the checks.
"""

import datetime
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import signing
from django.test import Client
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from events import queries as event_queries
from events.models import Registration
from matching import queries as signup_queries
from matching.match_queries import match_token
from offers import queries as offer_queries
from offers.models import OfferRequest, SavedSearch
from offers.services import saved_searches
from organisations.models import Organisation
from techportal.choices import Level
from tests.events.conftest import make_event
from tests.factories import MatchFactory, SchoolFactory, SignUpFactory
from tests.offers.requests_fixtures import published_offer

from .hostile import (
    AT_ONCE,
    CORE,
    EXTRA_FIELDS,
    TEXT,
    URL,
    Tables,
    assert_dutch,
    assert_refused,
    assert_safe,
    body_of,
    each,
    get_query,
    post_form,
    rotation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_active_language():
    # LanguageMiddleware leaves the language of the last request active on this thread.
    with translation.override(translation.get_language()):
        yield


# --- the language switch -------------------------------------------------------------------------

SETLANG_ROTATION = rotation({"language": {TEXT}, "next": {URL, TEXT}})


def test_a_hostile_language_or_next_never_leaves_the_site_nor_sets_an_odd_cookie(subtests):
    def check(case):
        client = Client()  # a fresh cookie jar for each case
        tables = Tables()
        data = {"language": "en", "next": "/aanbod/"} | {case.field: case.hostile.value}
        response = post_form(client, "/i18n/setlang/", data, HTTP_REFERER="javascript:alert(1)")
        assert_safe(response, case.hostile.value)
        assert response.status_code == 302
        assert url_has_allowed_host_and_scheme(response["Location"], {"testserver"})
        cookie = response.cookies.get("django_language")
        assert cookie is None or cookie.value in {"nl", "en"}
        tables.assert_unchanged()

    each(subtests, SETLANG_ROTATION, check)


# --- the /beheer/ login form ---------------------------------------------------------------------

LOGIN_ROTATION = rotation({"username": {TEXT, URL}, "password": {TEXT}, "next": {URL}}, CORE)


def test_a_hostile_login_is_refused_in_dutch_and_only_logged(coordinator_a, subtests):
    def check(case):
        client = Client()
        tables = Tables()  # leaves out django-axes' log of failed logins: that is its job
        data = {"username": "coordinator-a", "password": "fout", "next": "/beheer/"}
        data |= {case.field: case.hostile.value}
        response = post_form(client, "/beheer/login/", data)
        assert_safe(response, case.hostile.value)
        assert response.status_code == 200, response.status_code
        body = body_of(response)
        assert 'class="errornote"' in body  # Django's admin shows its errors there, in Dutch
        assert_dutch(body)
        assert not response.wsgi_request.user.is_authenticated
        tables.assert_unchanged()

    each(subtests, LOGIN_ROTATION, check)


def test_an_over_long_username_is_refused_before_anything_is_logged(coordinator_a, subtests):
    # Django's login form did not check the username's length: a 1 MB username reached
    # django-axes' failure log (255 characters) and the server error page.
    def check(length):
        client = Client()
        response = post_form(client, "/beheer/login/", {"username": "x" * length, "password": "p"})
        assert response.status_code == 200
        assert "niet meer dan 150 tekens" in body_of(response)
        assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()

    each(subtests, [151, 256, 1_000_000], check)


def test_the_login_page_shows_a_hostile_next_escaped(subtests):
    def check(hostile):
        response = get_query(Client(), "/beheer/login/", {"next": hostile.value})
        assert_safe(response, hostile.value)
        assert response.status_code == 200

    each(subtests, AT_ONCE, check)


# --- plain pages with parameters they do not take ------------------------------------------------


@pytest.fixture
def event(region_a):
    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER, name="Techniekpact", postcode="1012LG", city="Amsterdam"
    )
    date = datetime.date.today() + datetime.timedelta(days=30)
    return make_event(organiser=organiser, region=region_a, date=date)


@pytest.fixture
def pages(company_a, event) -> list[str]:
    offer = published_offer(company_a, title="Gastles <lassen> & 'meer'")
    return [
        "/",
        "/privacy/",
        "/impact/",
        f"/aanbod/{offer.pk}/",
        "/evenementen/feed.ics",
        f"/evenementen/{event.slug}.ics",
        "/evenementen/",
    ]


def test_pages_ignore_hostile_parameters(client, pages, subtests):
    names = ["jaar", "regio", "periode", "q", "page", "format", "lang", "next"]

    def check(hostile):
        tables = Tables()
        for path in pages:
            response = get_query(client, path, dict.fromkeys(names, hostile.value))
            assert_safe(response, hostile.value)
            assert response.status_code == 200, (path, response.status_code)
        tables.assert_unchanged()

    each(subtests, AT_ONCE[::2], check)


# --- private links -------------------------------------------------------------------------------


@pytest.fixture
def links(company_a, event) -> dict[str, str]:
    """A valid token of each kind of private link, and the path it goes into."""
    offer = published_offer(company_a)
    school = SchoolFactory(name="Technisch College", vestigingscode="12AB01")
    offer_request = OfferRequest.objects.create(
        offer=offer,
        school=school,
        teacher_name="Ilse",
        teacher_email="ilse@school.example.nl",
        group="3B",
        level=Level.VMBO_KB,
        pupils=20,
        preferred_period="Voorjaar",
    )
    signup = SignUpFactory(organisation=company_a)
    match = MatchFactory()
    saved = SavedSearch.objects.create(email="docent@school.nl", query="q=lassen")
    slot = event.slots.create(starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=50)
    registration = Registration.objects.create(
        event=event,
        slot=slot,
        school=school,
        teacher_name="Ilse",
        teacher_email="ilse@school.example.nl",
        group="groep 7",
        level=Level.PO,
        pupils=20,
        status=Registration.Status.CONFIRMED,
    )
    return {
        "/aanmelden/bedankt/{}/": signup_queries.thanks_token(signup),
        "/aanmelden/status/{}/": signup_queries.status_token(signup),
        "/match/{}/": match_token(match, "company"),
        "/aanvraag/{}/": offer_queries.request_status_token(offer_request),
        "/aanvraag/antwoord/{}/": offer_queries.request_answer_token(offer_request),
        "/evenementen/inschrijving/{}/": event_queries.registration_status_token(registration),
        "/aanbod/bewaren/bevestigen/{}/": saved_searches.confirm_token(saved),
        "/aanbod/bewaren/afmelden/{}/": saved_searches.unsubscribe_token(saved),
    }


def forged_tokens(valid: str, other: str) -> dict[str, str]:
    """Ways to forge a link's token, given a valid one and a valid one of another kind."""
    return {
        "tampered": valid[:-1] + ("A" if valid[-1] != "A" else "B"),
        "of-another-kind": other,
        "signed-with-another-key": signing.dumps(1, key="not-the-secret-key", salt="x"),
        "sql": "%27%20OR%201%3D1%20--",
        "nul": "%00",
        "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "lone-surrogate": "%ED%A0%80",
        "10k": "a" * 10_000,
        "compressed-garbage": ".eJzLSM3JyVcozy_KSQEAGgQEXQ:1abc:def",
    }


@dataclass(frozen=True)
class Forged:
    path: str  # with {} for the token
    name: str
    token: str

    def __str__(self) -> str:
        return f"{self.path.format('…')} {self.name}"


def test_a_forged_private_link_is_not_found_and_changes_nothing(client, links, subtests):
    kinds = list(links.items())
    cases = []
    for index, (path, token) in enumerate(kinds):
        other = kinds[(index + 1) % len(kinds)][1]
        forged = forged_tokens(token, other)
        cases += [Forged(path, name, value) for name, value in forged.items()]

    def check(case):
        tables = Tables()
        url = case.path.format(case.token)
        response = client.get(url)
        assert_safe(response, "<script>alert(1)</script>")
        assert response.status_code == 404
        assert "Deze pagina bestaat niet" in body_of(response)
        posted = post_form(client, url, {"decision": "accepteren", "undo": "1"} | EXTRA_FIELDS)
        assert_safe(posted, "<script>alert(1)</script>")
        assert posted.status_code in {404, 405}
        tables.assert_unchanged()

    each(subtests, cases, check)


def test_the_withdraw_button_ignores_hostile_fields(client, links, subtests):
    path = "/aanvraag/{}/".format(links["/aanvraag/{}/"])

    def check(hostile):
        data = dict.fromkeys(["status", "message", "id"], hostile.value)
        response = post_form(client, path, data)
        assert_safe(response, hostile.value)
        assert response.status_code == 302
        assert OfferRequest.objects.get().status == OfferRequest.Status.WITHDRAWN
        tables = Tables()
        again = post_form(client, path, {})
        assert_refused(again, tables, status=409)

    each(subtests, AT_ONCE, check)


def test_the_unsubscribe_link_refuses_an_unknown_command_in_dutch(client, links, subtests):
    path = "/aanbod/bewaren/afmelden/{}/".format(links["/aanbod/bewaren/afmelden/{}/"])

    def check(hostile):
        tables = Tables()
        response = post_form(client, path, {"List-Unsubscribe": hostile.value})
        assert_safe(response, hostile.value)
        assert response.status_code == 400
        assert "Onbekende opdracht." in body_of(response)
        tables.assert_unchanged()
        # `undo` with any value restores the one search, once.
        response = post_form(client, path, {"undo": hostile.value})
        assert_safe(response, hostile.value)
        assert response.status_code == 200
        assert SavedSearch.objects.count() == 1

    each(subtests, AT_ONCE, check)

