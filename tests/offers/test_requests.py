"""A teacher requests an offer for a class; the company answers by a private link."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from matching.models import Match
from offers import queries
from offers.models import Offer, OfferRequest
from offers.services.requests import (
    offer_request_accept,
    offer_request_notify_company,
    offer_request_send_receipt,
)
from techportal.choices import Level
from tests.factories import CompanyFactory, CoordinatorFactory, SchoolFactory

from .requests_fixtures import (
    contact,
    published_offer,
    request_data,
    school,
    signed_ago,
    tampered,
    unique_address,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(company_a):
    contact(company_a, "anna@windtechniek.nl")
    return published_offer(company_a)


@pytest.fixture
def college(region_a):
    return school("Technisch College Amsterdam", "12AB01")


def request_url(offer: Offer) -> str:
    return reverse("offers:request", args=[offer.pk])


def post(client, offer, data, **extra):
    return client.post(request_url(offer), data, REMOTE_ADDR=unique_address(), **extra)


def submit(client, offer, data, capture):
    with capture(execute=True):
        return post(client, offer, data)


def link_in(body: str, name: str) -> str:
    """The path of the first link to `offers:<name>` in an email body."""
    prefix = reverse(f"offers:{name}", args=["TOKEN"]).split("TOKEN")[0]
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s\"<]+)", body)
    assert match, f"no {name} link in {body!r}"
    return match.group(1)


def summary(html: str) -> str:
    block = re.search(r'<div class="alert alert-danger".*?</div>', html, re.S)
    return unescape(block.group(0)) if block else ""


# --- the form ------------------------------------------------------------------------------------


def test_the_form_shows_the_offer_a_school_search_and_the_privacy_link(client, offer):
    response = client.get(request_url(offer))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Aanvragen: Gastles windenergie" in html
    assert 'name="school_zoek"' in html and "Zoek school" in html
    assert 'name="form_token"' in html
    assert reverse("privacy") in html
    assert "voor groepen tot 30 leerlingen" in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("status", ["draft", "paused", "archived"])
def test_an_offer_that_is_not_published_cannot_be_requested(client, company_a, college, status):
    offer = published_offer(company_a, status=status)

    assert client.get(request_url(offer)).status_code == 404
    assert post(client, offer, request_data(college.pk)).status_code == 404
    assert not OfferRequest.objects.exists()


def test_an_unknown_offer_id_is_not_found(client):
    assert client.get("/aanbod/999999/aanvragen/").status_code == 404
    assert client.get("/aanbod/99999999999999999999/aanvragen/").status_code == 404


def test_the_level_is_preselected_when_the_offer_has_one_level(client, company_a):
    offer = published_offer(company_a, levels=[Level.HAVO])

    html = client.get(request_url(offer)).content.decode()

    assert '<option value="havo" selected>' in html
    assert 'value="vwo"' not in html


def test_searching_without_javascript_shows_the_schools_and_keeps_what_was_typed(
    client, offer, college
):
    school("Technisch Lyceum Utrecht", "34CD01", postcode="3511AB", city="Utrecht")

    response = client.get(request_url(offer), {"school_zoek": "Technisch  Amsterdam"})

    html = response.content.decode()
    assert f'value="{college.pk}"' in html
    assert "Technisch College Amsterdam" in html
    assert "Technisch Lyceum Utrecht" not in html
    assert 'value="Technisch Amsterdam"' in html


# --- the school search ---------------------------------------------------------------------------


def search(client, text: str) -> str:
    response = client.get(reverse("offers:school_search"), {"school_zoek": text})
    assert response.status_code == 200
    return response.content.decode()


def test_schools_are_found_by_name_city_and_brin_with_the_exact_code_first(client, region_a):
    exact = school("Zuiderlicht College", "12AB02", city="Haarlem")
    sibling = school("Atheneum", "12AB01", city="Haarlem")
    other = school("Technisch College Noord", "56EF01", city="Zaandam")

    assert "Technisch College Noord" in search(client, "college noord")
    assert "Technisch College Noord" in search(client, "zaandam")
    by_brin = search(client, "12ab")
    assert f'value="{sibling.pk}"' in by_brin and f'value="{exact.pk}"' in by_brin
    assert f'value="{other.pk}"' not in by_brin
    by_code = search(client, "12 AB 02")
    assert by_code.index(f'value="{exact.pk}"') < by_code.index(f'value="{sibling.pk}"')


def test_a_company_or_network_is_never_offered_as_a_school(client, company_a):
    assert "Amsterdamse Windtechniek" not in search(client, "Windtechniek")


def test_the_search_shows_at_most_twenty_schools(client, region_a):
    for number in range(25):
        SchoolFactory(name=f"Montessori Lyceum {number:02d}")

    html = search(client, "montessori")

    assert html.count('type="radio"') == 20
    assert "Typ meer van de naam" in html


def test_a_short_search_finds_nothing_and_an_unknown_one_says_so(client, college):
    assert 'type="radio"' not in search(client, "t")
    assert "Geen school gevonden voor ‘Xylofoon’" in search(client, "Xylofoon")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "' OR 1=1; DROP TABLE offers_offer; --",
        "%_%",
        "nul\x00byte",
        "a" * 10_000,
        "🙂" * 50,
    ],
)
def test_hostile_searches_are_answered_calmly_and_escaped(client, college, text):
    html = search(client, text)

    assert "<script>alert" not in html
    assert 'type="radio"' not in html
    college.refresh_from_db()  # the schools table is still there


# --- a complete request, answered ----------------------------------------------------------------


def test_a_request_is_stored_and_the_company_coordinator_and_teacher_are_emailed(
    client, offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    response = submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)

    offer_request = OfferRequest.objects.get()
    assert response.status_code == 302
    token = response.url.rstrip("/").split("/")[-1]
    assert queries.offer_request_for_status_token(token) == offer_request
    assert offer_request.school == college
    assert offer_request.pupils == 24
    assert offer_request.status == OfferRequest.Status.REQUESTED
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {
        ("anna@windtechniek.nl",),
        (coordinator_a.user.email,),
        ("ilse.jansen@school.example.nl",),
    }
    to_company = by_recipient[("anna@windtechniek.nl",)]
    assert to_company.subject == (
        "Aanvraag van Technisch College Amsterdam voor Gastles windenergie"
    )
    assert to_company.reply_to == ["ilse.jansen@school.example.nl"]
    assert "3 vmbo-KB" in to_company.body
    link_in(to_company.body, "request_answer")
    to_coordinator = by_recipient[(coordinator_a.user.email,)]
    assert f"/beheer/offers/offerrequest/{offer_request.pk}/change/" in to_coordinator.body
    assert "anna@windtechniek.nl" in to_coordinator.body
    to_teacher = by_recipient[("ilse.jansen@school.example.nl",)]
    followed = client.get(link_in(to_teacher.body, "request_status"))
    assert followed.status_code == 200
    assert "Ilse Jansen" in followed.content.decode()
    offer_request.refresh_from_db()
    assert offer_request.company_notified_at and offer_request.coordinator_notified_at
    assert offer_request.teacher_notified_at


def test_the_teacher_follows_the_request_and_sees_the_acceptance(
    client, offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    response = submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    status_page = client.get(response.url)
    assert status_page.status_code == 200
    assert "Aangevraagd" in status_page.content.decode()
    assert "Aanvraag intrekken" in status_page.content.decode()
    answer_path = link_in(mail.outbox[0].body, "request_answer")
    mail.outbox.clear()

    answer_page = client.get(answer_path)
    assert answer_page.status_code == 200
    assert "Accepteren" in answer_page.content.decode()
    day = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(
            answer_path,
            {"decision": "accepteren", "date": day.isoformat(), "message": "Tot dan!"},
        )

    assert answered.status_code == 302
    match = Match.objects.get()
    assert (match.offer, match.school, match.status) == (offer, college, Match.Status.CONFIRMED)
    assert (match.pupils, match.date, match.teacher_email) == (
        24,
        day,
        "ilse.jansen@school.example.nl",
    )
    assert match.request.status == OfferRequest.Status.ACCEPTED
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(["ilse.jansen@school.example.nl", coordinator_a.user.email])
    to_teacher = next(m for m in mail.outbox if m.to == ["ilse.jansen@school.example.nl"])
    assert to_teacher.subject == "Uw aanvraag voor Gastles windenergie is geaccepteerd"
    assert "Tot dan!" in to_teacher.body
    assert "Geaccepteerd" in client.get(response.url).content.decode()
    assert "Accepteren</button>" not in client.get(answer_path).content.decode()


def test_a_decline_needs_a_message_which_the_teacher_receives(
    client, offer, college, django_capture_on_commit_callbacks
):
    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    offer_request = OfferRequest.objects.get()
    answer_path = reverse(
        "offers:request_answer", args=[queries.request_answer_token(offer_request)]
    )
    mail.outbox.clear()

    refused = client.post(answer_path, {"decision": "afwijzen", "message": "   "})
    assert refused.status_code == 400
    assert "Schrijf de docent kort waarom het niet lukt." in summary(refused.content.decode())
    offer_request.refresh_from_db()
    assert offer_request.status == OfferRequest.Status.REQUESTED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_path, {"decision": "afwijzen", "message": "Helaas vol dit jaar."})

    offer_request.refresh_from_db()
    assert offer_request.status == OfferRequest.Status.DECLINED
    assert not Match.objects.exists()
    (to_teacher,) = mail.outbox
    assert "Helaas vol dit jaar." in to_teacher.body
    assert "helaas niet aannemen" in to_teacher.body


def test_a_second_answer_is_refused_politely(
    client, offer, college, django_capture_on_commit_callbacks
):
    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    offer_request = OfferRequest.objects.get()
    answer_path = reverse(
        "offers:request_answer", args=[queries.request_answer_token(offer_request)]
    )
    client.post(answer_path, {"decision": "accepteren"})

    response = client.post(answer_path, {"decision": "afwijzen", "message": "Toch niet."})

    assert response.status_code == 409
    assert "Deze aanvraag is al beantwoord of ingetrokken." in response.content.decode()
    offer_request.refresh_from_db()
    assert offer_request.status == OfferRequest.Status.ACCEPTED
    assert Match.objects.count() == 1


def test_the_answer_form_refuses_a_date_in_the_past_and_an_unknown_decision(
    client, offer, college, django_capture_on_commit_callbacks
):
    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    answer_path = reverse(
        "offers:request_answer", args=[queries.request_answer_token(OfferRequest.objects.get())]
    )

    past = client.post(answer_path, {"decision": "accepteren", "date": "2001-01-01"})
    forged = client.post(answer_path, {"decision": "<script>", "message": "x"})
    script = client.post(answer_path, {"decision": "afwijzen", "message": "<script>x</script>"})

    assert past.status_code == forged.status_code == script.status_code == 400
    assert "Deze datum ligt in het verleden." in past.content.decode()
    assert "Kies ‘Accepteren’ of ‘Afwijzen’." in forged.content.decode()
    assert "<script>x" not in script.content.decode()
    assert not Match.objects.exists()


def test_the_teacher_can_withdraw_while_no_answer_came_and_the_company_hears_of_it(
    client, offer, college, django_capture_on_commit_callbacks
):
    response = submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = client.post(response.url)

    assert withdrawn.status_code == 302
    offer_request = OfferRequest.objects.get()
    assert offer_request.status == OfferRequest.Status.WITHDRAWN
    (to_company,) = mail.outbox
    assert to_company.to == ["anna@windtechniek.nl"]
    assert "ingetrokken" in to_company.body
    token = queries.request_answer_token(offer_request)
    assert client.post(answer_path(token), {"decision": "accepteren"}).status_code == 409
    assert not Match.objects.exists()


def test_an_answered_request_cannot_be_withdrawn(
    client, offer, college, django_capture_on_commit_callbacks
):
    response = submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    offer_accept = OfferRequest.objects.get()
    offer_request_accept(offer_request=offer_accept)

    refused = client.post(response.url)

    assert refused.status_code == 409
    assert "al beantwoord" in refused.content.decode()
    offer_accept.refresh_from_db()
    assert offer_accept.status == OfferRequest.Status.ACCEPTED


def test_the_request_form_and_the_withdraw_button_need_their_csrf_token(
    offer, college, offer_request
):
    strict = Client(enforce_csrf_checks=True)

    sent = strict.post(request_url(offer), request_data(college.pk), REMOTE_ADDR=unique_address())
    withdrawn = strict.post(status_path(queries.request_status_token(offer_request)))

    assert sent.status_code == withdrawn.status_code == 403
    assert OfferRequest.objects.count() == 1
    offer_request.refresh_from_db()
    assert offer_request.status == OfferRequest.Status.REQUESTED


# --- who gets told -------------------------------------------------------------------------------


def test_without_a_contact_the_coordinator_is_told_nobody_at_the_company_was_emailed(
    client, company_a, college, coordinator_a, django_capture_on_commit_callbacks
):
    offer = published_offer(company_a)

    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([coordinator_a.user.email, "ilse.jansen@school.example.nl"])
    to_coordinator = next(m for m in mail.outbox if m.to == [coordinator_a.user.email])
    assert "geen contactpersoon" in to_coordinator.body


def test_a_region_without_a_coordinator_goes_to_the_national_desk(
    client, offer, college, region_a, national_desk, django_capture_on_commit_callbacks
):
    CoordinatorFactory(user__username="inactive-a", regions=[region_a], is_active=False)

    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)

    assert [national_desk.user.email] in [message.to for message in mail.outbox]


def test_emails_are_sent_once_however_often_the_task_runs(
    client, offer, college, django_capture_on_commit_callbacks
):
    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    offer_request = OfferRequest.objects.get()
    sent = len(mail.outbox)

    assert offer_request_notify_company(request_id=offer_request.pk) is False
    assert offer_request_send_receipt(request_id=offer_request.pk) is False
    assert len(mail.outbox) == sent


def test_more_pupils_than_the_group_size_is_allowed_and_flagged_to_the_company(
    client, offer, college, django_capture_on_commit_callbacks
):
    response = submit(
        client, offer, request_data(college.pk, pupils="55"), django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    to_company = next(m for m in mail.outbox if m.to == ["anna@windtechniek.nl"])
    assert "meer leerlingen dan de groepsgrootte van 30" in to_company.body


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"school": None}, "Zoek uw school en kies die uit de lijst."),
        ({"school": ""}, "Zoek uw school en kies die uit de lijst."),
        ({"school": "999999"}, "Zoek uw school en kies die uit de lijst."),
        ({"school": "abc"}, "Zoek uw school en kies die uit de lijst."),
        ({"school": "99999999999999999999"}, "Zoek uw school en kies die uit de lijst."),
        ({"school": "1 OR 1=1"}, "Zoek uw school en kies die uit de lijst."),
        ({"teacher_name": ""}, "Vul dit veld in."),
        ({"teacher_name": "x" * 151}, "niet meer dan 150 tekens"),
        ({"teacher_email": ""}, "Vul dit veld in."),
        ({"teacher_email": "ilse@"}, "Voer een geldig e-mailadres in."),
        ({"teacher_email": "a" * 250 + "@x.nl"}, "niet meer dan 254 tekens"),
        ({"group": ""}, "Vul dit veld in."),
        ({"group": "3" * 51}, "niet meer dan 50 tekens"),
        ({"level": ""}, "Kies het niveau van de klas."),
        ({"level": "havo"}, "Kies een van de niveaus uit de lijst."),
        ({"pupils": ""}, "Vul het aantal leerlingen in."),
        ({"pupils": "0"}, "Vul ten minste 1 leerling in."),
        ({"pupils": "501"}, "Vul hoogstens 500 leerlingen in."),
        ({"pupils": "abc"}, "Vul het aantal leerlingen in als getal, zoals 24."),
        ({"pupils": "2.5"}, "Vul het aantal leerlingen in als getal, zoals 24."),
        ({"preferred_period": ""}, "Vul dit veld in."),
        ({"preferred_period": "p" * 201}, "niet meer dan 200 tekens"),
        ({"message": "m" * 2001}, "niet meer dan 2000 tekens"),
        ({"consent": None}, "Ga akkoord met de privacyverklaring"),
        ({"form_token": ""}, "Dit formulier is onvolledig."),
        ({"form_token": "1' OR '1'='1"}, "Dit formulier is onvolledig."),
    ],
)
def test_bad_input_is_refused_with_a_clear_dutch_error_and_nothing_is_stored(
    client, offer, college, changes, message
):
    response = post(client, offer, request_data(college.pk, **changes))

    assert response.status_code == 400
    assert message in summary(response.content.decode())
    assert not OfferRequest.objects.exists()
    assert not mail.outbox


def test_a_company_id_is_no_school(client, offer, college, company_a):
    response = post(client, offer, request_data(company_a.pk))

    assert response.status_code == 400
    assert "Zoek uw school en kies die uit de lijst." in summary(response.content.decode())
    assert not OfferRequest.objects.exists()


@pytest.mark.parametrize("field", ["teacher_name", "group", "preferred_period", "message"])
@pytest.mark.parametrize(
    "value", ['<script>alert("x")</script>', "<b>vet</b>", "javascript:alert(1)"]
)
def test_markup_in_a_text_field_is_refused_and_shown_escaped(client, offer, college, field, value):
    response = post(client, offer, request_data(college.pk, **{field: value}))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Gebruik hier gewone tekst" in summary(html)
    if "<" in value:
        assert value not in html
        assert escape(value) in html
    assert not OfferRequest.objects.exists()


def test_sql_like_text_is_stored_as_plain_text(client, offer, college):
    response = post(
        client, offer, request_data(college.pk, group="3'; DROP TABLE offers_offer; --")
    )

    assert response.status_code == 302
    assert OfferRequest.objects.get().group == "3'; DROP TABLE offers_offer; --"


def test_after_an_error_the_chosen_school_stays_chosen(client, offer, college):
    response = post(client, offer, request_data(college.pk, pupils="0"))

    html = response.content.decode()
    assert re.search(rf'value="{college.pk}"\s+checked', html)
    assert 'href="#school-zoek"' not in html  # the school was fine


def test_a_missing_school_links_the_summary_to_the_search_box(client, offer, college):
    html = post(client, offer, request_data(college.pk, school=None)).content.decode()

    assert 'href="#school-zoek"' in html
    assert 'id="school-zoek"' in html


def test_a_filled_in_honeypot_stores_nothing(client, offer, college):
    response = post(client, offer, request_data(college.pk, fax="+31 20 123 4567"))

    assert response.status_code == 400
    assert "Laat het verborgen veld leeg." in summary(response.content.decode())
    assert not OfferRequest.objects.exists()


def test_the_same_form_sent_twice_makes_one_request(
    client, offer, college, django_capture_on_commit_callbacks
):
    data = request_data(college.pk)

    first = submit(client, offer, data, django_capture_on_commit_callbacks)
    mails = len(mail.outbox)
    second = submit(client, offer, data, django_capture_on_commit_callbacks)

    assert first.status_code == second.status_code == 302
    # Both lead to the one request (the signed links may differ in their timestamp).
    first_token, second_token = (r.url.rstrip("/").rsplit("/", 1)[1] for r in (first, second))
    assert queries.offer_request_for_status_token(first_token) == OfferRequest.objects.get()
    assert queries.offer_request_for_status_token(second_token) == OfferRequest.objects.get()
    assert len(mail.outbox) == mails


def test_the_third_request_from_one_address_within_the_hour_is_refused(
    client, offer, college, settings
):
    settings.OFFER_REQUEST_RATE_LIMIT = "2/h"
    address = unique_address()
    for _ in range(2):
        response = client.post(request_url(offer), request_data(college.pk), REMOTE_ADDR=address)
        assert response.status_code == 302

    response = client.post(request_url(offer), request_data(college.pk), REMOTE_ADDR=address)

    assert response.status_code == 429
    assert "Te veel aanvragen tegelijk" in response.content.decode()
    assert OfferRequest.objects.count() == 2


# --- private links -------------------------------------------------------------------------------


@pytest.fixture
def offer_request(client, offer, college, django_capture_on_commit_callbacks):
    submit(client, offer, request_data(college.pk), django_capture_on_commit_callbacks)
    return OfferRequest.objects.get()


def status_path(token: str) -> str:
    return reverse("offers:request_status", args=[token])


def answer_path(token: str) -> str:
    return reverse("offers:request_answer", args=[token])


def test_private_pages_are_not_cached_indexed_or_referred(client, offer_request):
    for path in (
        status_path(queries.request_status_token(offer_request)),
        answer_path(queries.request_answer_token(offer_request)),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex"
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("make", ["tampered", "expired", "other_salt", "garbage"])
def test_a_tampered_expired_or_foreign_link_is_not_found(client, offer_request, make, settings):
    status_token = queries.request_status_token(offer_request)
    answer_token = queries.request_answer_token(offer_request)
    old = settings.OFFER_REQUEST_LINK_MAX_AGE + 60
    tokens = {
        "tampered": (tampered(status_token), tampered(answer_token)),
        "expired": (
            signed_ago(offer_request.pk, salt=queries.TEACHER_LINK_SALT, seconds=old),
            signed_ago(
                [offer_request.pk, offer_request.offer.organisation_id],
                salt=queries.COMPANY_LINK_SALT,
                seconds=old,
            ),
        ),
        "other_salt": (answer_token, status_token),
        "garbage": ("<script>", "1' OR '1'='1"),
    }[make]

    assert client.get(status_path(tokens[0])).status_code == 404
    assert client.post(status_path(tokens[0])).status_code == 404
    assert client.get(answer_path(tokens[1])).status_code == 404
    assert client.post(answer_path(tokens[1]), {"decision": "accepteren"}).status_code == 404
    offer_request.refresh_from_db()
    assert offer_request.status == OfferRequest.Status.REQUESTED


def test_a_link_just_within_its_age_still_works(client, offer_request, settings):
    recent = settings.OFFER_REQUEST_LINK_MAX_AGE - 60
    token = signed_ago(offer_request.pk, salt=queries.TEACHER_LINK_SALT, seconds=recent)

    assert client.get(status_path(token)).status_code == 200


def test_a_company_cannot_answer_a_request_for_another_companys_offer(
    client, offer_request, company_b, region_b
):
    offer_b = published_offer(company_b, title="Zonnepanelen op het dak")
    other_school = school("Utrechts Lyceum", "34CD01", postcode="3511AB", city="Utrecht")
    request_b = OfferRequest.objects.create(
        offer=offer_b,
        school=other_school,
        teacher_name="Piet",
        teacher_email="piet@example.nl",
        group="4 havo",
        level=Level.HAVO,
        pupils=20,
        preferred_period="voorjaar",
    )
    company_a_id = offer_request.offer.organisation_id
    # Company A's genuine link works for its own request only...
    assert client.get(answer_path(queries.request_answer_token(offer_request))).status_code == 200
    # ...and a correctly signed link naming B's request with A as the company gives nothing.
    forged = signing.dumps([request_b.pk, company_a_id], salt=queries.COMPANY_LINK_SALT)
    assert client.get(answer_path(forged)).status_code == 404
    assert client.post(answer_path(forged), {"decision": "accepteren"}).status_code == 404
    request_b.refresh_from_db()
    assert request_b.status == OfferRequest.Status.REQUESTED
    assert not Match.objects.exists()


def test_a_link_stops_working_once_the_offer_belongs_to_another_company(
    client, offer_request, region_a
):
    token = queries.request_answer_token(offer_request)
    Offer.objects.filter(pk=offer_request.offer_id).update(
        organisation=CompanyFactory(name="Nieuwe Eigenaar B.V.")
    )

    assert client.get(answer_path(token)).status_code == 404
    assert client.post(answer_path(token), {"decision": "accepteren"}).status_code == 404
    assert not Match.objects.exists()
