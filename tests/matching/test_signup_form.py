"""The aanmeldformulier at /aanmelden/: what it refuses, what it stores, and how often."""

import datetime
import ipaddress
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from matching import queries
from matching.models import SignUp
from offers.models import Location, Offer, OfferKind
from organisations.models import Contact, Organisation
from techportal.choices import Level, World
from tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = "/aanmelden/"

REQUIRED = "Dit veld is verplicht."
MARKUP = "Gebruik hier gewone tekst, zonder HTML-code of scripts (zoals <b> of <script>)."
KVK = "Een KvK-nummer bestaat uit precies 8 cijfers, zoals 12345678."
POSTCODE = "Vul een geldige postcode in: vier cijfers en twee letters, zoals 1234 AB."
EMAIL = "Voer een geldig e-mailadres in."
PHONE = "Vul een geldig telefoonnummer in, zoals 020 123 4567 of 06 1234 5678."
NUL = "Null-tekens zijn niet toegestaan."
SCRIPT = "<script>alert('xss')</script>"
LONG = 10_000


def too_long(limit: int) -> str:
    return f"Zorg dat deze waarde niet meer dan {limit} tekens bevat (het zijn er nu {LONG})."


def not_a_choice(value: str) -> str:
    return f"Selecteer een geldige keuze. {value} is geen beschikbare keuze."


def changed(data: dict, changes: dict) -> dict:
    """The form data with `changes` applied; a change to None leaves the field out."""
    result = data | changes
    return {name: value for name, value in result.items() if value is not None}


def unique_address() -> str:
    """An IP address no other test (or earlier run) has posted from: its own rate-limit count."""
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


# --- reading the re-rendered page --------------------------------------------------------------


def errors_next_to(html: str, field: str) -> list[str]:
    """The messages (as HTML) shown under one field of the form."""
    block = re.search(
        rf'<div id="id_{re.escape(field)}_error" class="invalid-feedback">(.*?)</div>', html, re.S
    )
    return re.findall(r"<strong>(.*?)</strong>", block.group(1), re.S) if block else []


def error_summary(html: str) -> list[tuple[str, str]]:
    """(link target, message as HTML) for each line of the summary at the top of the page."""
    box = re.search(r'<div [^>]*id="foutmeldingen"[^>]*>(.*?)</div>', html, re.S)
    if box is None:
        return []
    lines = []
    for item in re.findall(r"<li>(.*?)</li>", box.group(1), re.S):
        line = re.fullmatch(r'<a href="#([^"]*)" class="alert-link">[^<]*</a>: (.*)', item, re.S)
        lines.append(line.groups() if line else ("", item))
    return lines


def assert_refused(response, field: str, message: str) -> None:
    """A 400 with `message` under `field` and in the summary, linked to it; no other errors."""
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in errors_next_to(html, field)
    summary = error_summary(html)
    # A group of checkboxes or radio buttons is linked through its first option.
    links = {f"id_{field}", f"id_{field}_0"}
    assert any(target in links and text == escape(message) for target, text in summary), summary
    assert {target.removesuffix("_0") for target, _text in summary} == {f"id_{field}"}
    assert html.count('class="invalid-feedback"') == 1


# --- bad input ---------------------------------------------------------------------------------

BAD_INPUT = [
    # empty required fields
    *[
        pytest.param({field: ""}, field, REQUIRED, id=f"{field}-empty")
        for field in (
            "company_name",
            "kvk_number",
            "street_address",
            "postcode",
            "city",
            "contact_name",
            "contact_email",
            "contact_phone",
            "gastles-description",
        )
    ],
    pytest.param({"company_name": "   "}, "company_name", REQUIRED, id="company_name-only-spaces"),
    pytest.param(
        {"gastles-levels": None},
        "gastles-levels",
        "Kies ten minste één onderwijsniveau.",
        id="no-level",
    ),
    pytest.param({"gastles-location": None}, "gastles-location", REQUIRED, id="no-location"),
    pytest.param(
        {"gastles-availability": None}, "gastles-availability", REQUIRED, id="no-availability"
    ),
    # KvK numbers
    pytest.param({"kvk_number": "1234567"}, "kvk_number", KVK, id="kvk-7-digits"),
    pytest.param({"kvk_number": "123456789"}, "kvk_number", KVK, id="kvk-9-digits"),
    pytest.param({"kvk_number": "1234567A"}, "kvk_number", KVK, id="kvk-with-a-letter"),
    pytest.param({"kvk_number": "KvK 1234"}, "kvk_number", KVK, id="kvk-letters"),
    pytest.param({"kvk_number": "１２３４５６７８"}, "kvk_number", KVK, id="kvk-full-width-digits"),
    # postcodes
    pytest.param({"postcode": "0123 AB"}, "postcode", POSTCODE, id="postcode-leading-zero"),
    pytest.param({"postcode": "1234 SA"}, "postcode", POSTCODE, id="postcode-unused-letters"),
    pytest.param({"postcode": "12345"}, "postcode", POSTCODE, id="postcode-five-digits"),
    # email addresses, phone numbers, websites
    pytest.param({"contact_email": "jan.de.vries"}, "contact_email", EMAIL, id="email-no-at"),
    pytest.param(
        {"contact_email": "jan de vries@example.nl"}, "contact_email", EMAIL, id="email-spaces"
    ),
    pytest.param({"contact_email": "jan@example"}, "contact_email", EMAIL, id="email-no-tld"),
    pytest.param({"contact_phone": "12345"}, "contact_phone", PHONE, id="phone-too-short"),
    pytest.param({"contact_phone": "bel me maar"}, "contact_phone", PHONE, id="phone-words"),
    pytest.param(
        {"website": "niet een website"}, "website", "Voer een geldige URL in.", id="website"
    ),
    # 10,000 characters
    *[
        pytest.param({field: "x" * LONG}, field, too_long(limit), id=f"{field}-10000-chars")
        for field, limit in (
            ("company_name", 200),
            ("street_address", 200),
            ("city", 100),
            ("contact_name", 150),
            ("contact_role", 100),
            ("message", 2000),
            ("gastles-title", 200),
            ("gastles-description", 2000),
            ("kvk_number", 32),
            ("postcode", 32),
            ("contact_phone", 32),
        )
    ],
    pytest.param(
        {"contact_email": "x" * (LONG - 11) + "@example.nl"},
        "contact_email",
        too_long(254),
        id="contact_email-10000-chars",
    ),
    # other markup than a script
    pytest.param({"company_name": "<b>Vet</b> B.V."}, "company_name", MARKUP, id="bold-tag"),
    pytest.param(
        {"company_name": "<img src=x onerror=alert(1)>"}, "company_name", MARKUP, id="img-tag"
    ),
    pytest.param({"city": "< script>"}, "city", MARKUP, id="tag-with-space"),
    pytest.param({"contact_name": "<!-- Jan -->"}, "contact_name", MARKUP, id="html-comment"),
    pytest.param({"message": "&#60;script&#62;"}, "message", MARKUP, id="character-reference"),
    pytest.param(
        {"gastles-description": "Zie javascript:alert(1)"},
        "gastles-description",
        MARKUP,
        id="javascript-url",
    ),
    # NUL bytes
    pytest.param({"company_name": "Lastechniek\x00 B.V."}, "company_name", NUL, id="nul-name"),
    pytest.param({"contact_name": "Jan\x00"}, "contact_name", NUL, id="nul-contact"),
    pytest.param({"kvk_number": "1234\x005678"}, "kvk_number", NUL, id="nul-kvk"),
    pytest.param(
        {"gastles-description": "Lassen\x00"}, "gastles-description", NUL, id="nul-description"
    ),
    # forged choices
    pytest.param(
        {"kinds": ["ruimtevaart"]}, "kinds", not_a_choice("ruimtevaart"), id="forged-kind"
    ),
    pytest.param(
        {"kinds": [OfferKind.GASTLES.value, "ruimtevaart"]},
        "kinds",
        not_a_choice("ruimtevaart"),
        id="forged-kind-next-to-a-real-one",
    ),
    pytest.param({"worlds": ["ruimte"]}, "worlds", not_a_choice("ruimte"), id="forged-world"),
    pytest.param(
        {"gastles-levels": ["universiteit"]},
        "gastles-levels",
        not_a_choice("universiteit"),
        id="forged-level",
    ),
    pytest.param(
        {"gastles-location": "maan"}, "gastles-location", not_a_choice("maan"), id="forged-location"
    ),
    pytest.param(
        {"gastles-availability": "altijd"},
        "gastles-availability",
        not_a_choice("altijd"),
        id="forged-availability",
    ),
    # no offer, no consent
    pytest.param({"kinds": None}, "kinds", "Kies ten minste één soort aanbod.", id="no-offer"),
    pytest.param(
        {"consent": None},
        "consent",
        "Ga akkoord met de privacyverklaring, anders kunnen we u niet helpen.",
        id="no-consent",
    ),
    # group size and period
    pytest.param(
        {"gastles-group_size": "0"},
        "gastles-group_size",
        "Zorg ervoor dat deze waarde minstens 1 is.",
        id="group-of-none",
    ),
    pytest.param(
        {"gastles-group_size": "1001"},
        "gastles-group_size",
        "Zorg ervoor dat deze waarde hoogstens 1000 is.",
        id="group-too-big",
    ),
    pytest.param(
        {"gastles-group_size": "een klas"},
        "gastles-group_size",
        "Voer een geheel getal in.",
        id="group-in-words",
    ),
    pytest.param(
        {"gastles-availability": "periode", "gastles-available_from": "2027-02-01"},
        "gastles-available_until",
        "Vul de einddatum in.",
        id="period-without-end",
    ),
    pytest.param(
        {
            "gastles-availability": "periode",
            "gastles-available_from": "2027-06-30",
            "gastles-available_until": "2027-02-01",
        },
        "gastles-available_until",
        "De einddatum ligt vóór de begindatum.",
        id="period-backwards",
    ),
    pytest.param(
        {
            "gastles-availability": "periode",
            "gastles-available_from": "2027-02-31",
            "gastles-available_until": "2027-06-30",
        },
        "gastles-available_from",
        "Voer een geldige datum in.",
        id="period-impossible-date",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_gets_a_dutch_error_at_the_field_and_in_the_summary_and_stores_nothing(
    client, form_data, stored, changes, field, message
):
    before = stored()

    response = client.post(URL, changed(form_data, changes))

    assert_refused(response, field, message)
    assert stored() == before


TEXT_FIELDS = [
    ("company_name", MARKUP),
    ("street_address", MARKUP),
    ("city", MARKUP),
    ("contact_name", MARKUP),
    ("contact_role", MARKUP),
    ("message", MARKUP),
    ("gastles-title", MARKUP),
    ("gastles-description", MARKUP),
    ("kvk_number", KVK),
    ("postcode", POSTCODE),
    ("contact_phone", PHONE),
    ("contact_email", EMAIL),
    ("website", "Voer een geldige URL in."),
]


@pytest.mark.parametrize(("field", "message"), TEXT_FIELDS, ids=[f for f, _m in TEXT_FIELDS])
def test_a_script_in_any_text_field_is_refused_and_shown_back_escaped(
    client, form_data, stored, field, message
):
    before = stored()

    response = client.post(URL, form_data | {field: SCRIPT})

    assert_refused(response, field, message)
    html = response.content.decode()
    assert escape(SCRIPT) in html
    assert SCRIPT not in html
    assert stored() == before


def test_a_form_without_its_csrf_token_gets_the_dutch_explanation_and_stores_nothing(
    form_data, stored
):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(URL, form_data)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Het formulier kon niet worden verzonden" in html
    assert "Uw gegevens zijn niet opgeslagen." in html
    assert '<html lang="nl">' in html
    assert stored() == {"SignUp": 0, "Organisation": 0, "Contact": 0, "Offer": 0}


def test_the_same_form_with_its_csrf_token_goes_through(form_data):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(URL, form_data | {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert SignUp.objects.count() == 1


def test_a_filled_in_honeypot_stores_nothing(client, form_data, stored):
    before = stored()

    response = client.post(URL, form_data | {"fax": "+31 20 123 4567"})

    assert response.status_code == 400
    assert (
        "id_fax",
        "Dit formulier kon niet worden verzonden. Laat het verborgen veld leeg.",
    ) in error_summary(response.content.decode())
    assert stored() == before


@pytest.mark.parametrize("token", ["", "geen-uuid", "1' OR '1'='1"])
def test_a_forged_form_token_stores_nothing(client, form_data, stored, token):
    before = stored()

    response = client.post(URL, form_data | {"form_token": token})

    assert response.status_code == 400
    assert stored() == before


def test_every_error_is_shown_at_once_and_counted_in_the_summary(client, stored):
    response = client.post(URL, {"kinds": [OfferKind.GASTLES.value]})

    assert response.status_code == 400
    html = response.content.decode()
    summary = error_summary(html)
    assert f"Er zijn {len(summary)} fouten in het formulier" in html
    targets = [target for target, _message in summary]
    assert targets == [
        "id_company_name",
        "id_kvk_number",
        "id_street_address",
        "id_postcode",
        "id_city",
        "id_contact_name",
        "id_contact_email",
        "id_contact_phone",
        "id_consent",
        "id_form_token",
        "id_gastles-description",
        "id_gastles-levels_0",
        "id_gastles-availability_0",
        "id_gastles-location_0",
    ]
    # Each link goes to an element of the page; no details are asked of kinds not chosen.
    for target in targets:
        assert f'id="{target}"' in html
    assert html.count('class="invalid-feedback"') == len(set(targets)) - 1  # the token is hidden
    assert stored() == {"SignUp": 0, "Organisation": 0, "Contact": 0, "Offer": 0}


# --- rate limit --------------------------------------------------------------------------------


def test_the_third_submit_within_the_hour_from_one_address_is_refused(
    client, form_data, settings, stored
):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    address = unique_address()
    for _ in range(2):
        fresh = form_data | {"form_token": str(uuid.uuid4())}
        assert client.post(URL, fresh, REMOTE_ADDR=address).status_code == 302
    before = stored()

    response = client.post(URL, form_data | {"form_token": str(uuid.uuid4())}, REMOTE_ADDR=address)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Te veel aanmeldingen tegelijk" in html
    assert "Uw laatste aanmelding is daarom niet opgeslagen." in html
    assert stored() == before
    # Someone else can still sign up.
    fresh = form_data | {"form_token": str(uuid.uuid4())}
    assert client.post(URL, fresh, REMOTE_ADDR=unique_address()).status_code == 302


def test_opening_the_form_is_not_rate_limited(client, form_data, settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    address = unique_address()

    for _ in range(3):
        assert client.get(URL, REMOTE_ADDR=address).status_code == 200
    for _ in range(2):
        fresh = form_data | {"form_token": str(uuid.uuid4())}
        assert client.post(URL, fresh, REMOTE_ADDR=address).status_code == 302
    client.post(URL, form_data | {"form_token": str(uuid.uuid4())}, REMOTE_ADDR=address)

    assert client.get(URL, REMOTE_ADDR=address).status_code == 200


# --- a valid submit ----------------------------------------------------------------------------


@pytest.fixture
def two_offers(form_data) -> dict:
    """The form data offering a guest lesson (on request) and an internship (in a period)."""
    return form_data | {
        "kinds": [OfferKind.GASTLES.value, OfferKind.STAGE.value],
        "stage-title": "Meeloopstage lasser",
        "stage-description": "Een week meelopen in de werkplaats.",
        "stage-levels": [Level.MBO_2.value],
        "stage-group_size": "",
        "stage-availability": "periode",
        "stage-available_from": "2027-02-01",
        "stage-available_until": "2027-06-30",
        "stage-location": Location.COMPANY.value,
        "wants_event_workshop": "on",
        "message": "Bel gerust na 14 uur.",
    }


def test_a_valid_submit_thanks_the_company_with_its_reference_and_queues_routing(
    client, two_offers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(URL, two_offers)

    assert response.status_code == 302
    assert response.url.startswith("/aanmelden/bedankt/")
    signup = SignUp.objects.get()
    assert signup.status == SignUp.Status.RECEIVED
    assert re.fullmatch(rf"TP-{signup.received_at.year}-\d{{5}}", signup.reference)
    assert signup.coordinator is None
    assert len(callbacks) == 1  # routing, once the sign-up is committed

    thanks = client.get(response.url)
    assert thanks.status_code == 200
    html = thanks.content.decode()
    assert f"<strong>{signup.reference}</strong>" in html
    assert "jan.de.vries@example.nl" in html


def test_a_valid_submit_stores_the_company_and_contact_normalised(client, two_offers):
    client.post(URL, two_offers)

    signup = SignUp.objects.select_related("organisation", "contact").get()
    company, contact = signup.organisation, signup.contact
    assert company.kind == Organisation.Kind.COMPANY
    assert company.name == "Zaanse Lastechniek B.V."
    assert company.kvk_number == "12345678"
    assert (company.street_address, company.postcode, company.city) == (
        "Industrieweg 12",
        "1011AB",
        "Amsterdam",
    )
    assert company.website == "https://www.zaanselastechniek.nl"
    assert company.worlds == [World.ENERGY]
    assert (contact.name, contact.role, contact.email, contact.phone) == (
        "Jan de Vries",
        "HR-adviseur",
        "jan.de.vries@example.nl",
        "+31201234567",
    )
    assert contact.organisation == company
    assert signup.postcode == "1011AB"
    assert signup.wants_event_workshop is True
    assert signup.message == "Bel gerust na 14 uur."
    assert signup.consent_at is not None


def test_each_chosen_kind_becomes_a_draft_offer_with_its_details(client, two_offers):
    client.post(URL, two_offers)

    signup = SignUp.objects.get()
    guest_lesson = signup.offers.get(kind=OfferKind.GASTLES)
    internship = signup.offers.get(kind=OfferKind.STAGE)
    assert guest_lesson.status == Offer.Status.DRAFT
    assert guest_lesson.title == "Gastles bij Zaanse Lastechniek B.V."
    assert guest_lesson.description.startswith("Een lasser vertelt over zijn vak")
    assert guest_lesson.levels == [Level.VMBO_BB, Level.VMBO_KB]
    assert guest_lesson.group_size == 30
    assert guest_lesson.on_request is True
    assert (guest_lesson.available_from, guest_lesson.available_until) == (None, None)
    assert guest_lesson.location == Location.SCHOOL
    assert guest_lesson.worlds == [World.ENERGY]
    assert guest_lesson.organisation == signup.organisation

    assert internship.status == Offer.Status.DRAFT
    assert internship.title == "Meeloopstage lasser"
    assert internship.levels == [Level.MBO_2]
    assert internship.group_size is None
    assert internship.on_request is False
    assert (internship.available_from, internship.available_until) == (
        datetime.date(2027, 2, 1),
        datetime.date(2027, 6, 30),
    )
    assert internship.location == Location.COMPANY


def test_details_of_a_kind_that_is_not_ticked_are_ignored(client, form_data):
    form_data |= {
        "stage-description": "Ingevuld maar niet aangevinkt.",
        "stage-group_size": "veel",
        "stage-title": SCRIPT,
    }

    response = client.post(URL, form_data)

    assert response.status_code == 302
    assert list(Offer.objects.values_list("kind", flat=True)) == [OfferKind.GASTLES]


def test_dates_of_an_offer_on_request_are_not_stored(client, form_data):
    form_data |= {
        "gastles-available_from": "2027-02-01",
        "gastles-available_until": "2027-06-30",
    }

    client.post(URL, form_data)

    offer = Offer.objects.get()
    assert offer.on_request is True
    assert (offer.available_from, offer.available_until) == (None, None)


def test_sql_in_a_text_field_is_stored_verbatim_as_text(client, form_data):
    sql = "Robert'); DROP TABLE organisations_organisation;--"
    form_data |= {
        "company_name": sql,
        "contact_name": sql,
        "message": sql,
        "gastles-description": sql,
    }

    response = client.post(URL, form_data)

    assert response.status_code == 302
    signup = SignUp.objects.select_related("organisation", "contact").get()
    assert signup.organisation.name == sql
    assert signup.contact.name == sql
    assert signup.message == sql
    assert signup.offers.get().description == sql
    assert signup.offers.get().title == f"Gastles bij {sql}"
    assert Organisation.objects.filter(name=sql).count() == 1
    # ...and shown back as text on the company's status page.
    status = client.get(reverse("matching:status", args=[queries.status_token(signup)]))
    assert escape(sql) in status.content.decode()


# --- duplicates --------------------------------------------------------------------------------


def test_the_same_form_submitted_twice_is_one_signup(client, form_data):
    first = client.post(URL, form_data)
    second = client.post(URL, form_data)

    assert first.status_code == second.status_code == 302
    signup = SignUp.objects.get()
    assert Offer.objects.count() == 1
    for response in (first, second):
        assert signup.reference in client.get(response.url).content.decode()


def test_a_known_company_and_contact_are_reused_not_duplicated(client, form_data, stored):
    company = CompanyFactory(kvk_number="12345678", name="Zaanse Lastechniek")
    contact = ContactFactory(organisation=company, email="Jan.de.Vries@Example.NL")
    before = stored()

    response = client.post(
        URL,
        form_data | {"kvk_number": "1234 5678", "contact_email": "jan.de.vries@example.nl"},
    )

    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert signup.organisation == company
    assert signup.contact == contact
    assert stored() == before | {"SignUp": 1, "Offer": 1}
    assert Contact.objects.get().email == "Jan.de.Vries@Example.NL"


def test_two_forms_from_one_company_are_two_signups_of_the_same_company(client, form_data):
    client.post(URL, form_data)
    client.post(URL, form_data | {"form_token": str(uuid.uuid4()), "kvk_number": "12.34.56.78"})

    assert SignUp.objects.count() == 2
    assert Organisation.objects.count() == 1
    assert Contact.objects.count() == 1
    assert len(set(SignUp.objects.values_list("reference", flat=True))) == 2
