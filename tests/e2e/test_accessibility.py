"""Accessibility in a real browser: axe-core's WCAG 2.1 A/AA rules find nothing serious or
critical on any public page or form (error states included), no page scrolls sideways at 320 or
1280 pixels wide, the error summary takes focus after a failed submit and leads to its fields,
and the sign-up form and a class registration can be sent with the keyboard alone.

Each test visits one group of pages with its own data; run with `-s` to see the table of
violations per page (moderate and minor ones are counted, not failed).
"""

import datetime
import re
from typing import NamedTuple

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Registration, TimeSlot, Workshop
from events.queries import registration_status_token
from matching.impact.figures import Period
from matching.match_queries import match_token
from matching.models import SignUp
from matching.queries import status_token, thanks_token
from offers.models import Offer, OfferKind, OfferRequest
from offers.queries import request_answer_token, request_status_token
from offers.services import requests as request_services
from offers.services import saved_searches
from organisations.models import PostcodeArea
from techportal.choices import Level, World
from tests.e2e.conftest import open_pet_event
from tests.events.conftest import make_event, register
from tests.factories import (
    CarriedOutMatchFactory,
    CompanyFactory,
    ConfirmedMatchFactory,
    ContactFactory,
    MatchFactory,
    OfferFactory,
    SchoolFactory,
    SignUpFactory,
)
from tests.matching.impact_fixtures import impact_world

from .axe import Audit

# --- shared steps --------------------------------------------------------------------------------

# Long words and addresses, as real data has them: they must wrap at 320 pixels wide.
LONG_COMPANY = "Zaanse Lastechniekonderhoudsbedrijvencombinatie B.V."
LONG_TITLE = "Workshop constructiewerkplaatsveiligheidsinstructies voor beginners"
LONG_SCHOOL = "Scholengemeenschap Techniekonderwijsvernieuwingscentrum Zaanstreek"
LONG_EMAIL = "jan.de.vries-van-der-lastechniek@zaanselastechniekonderhoudsbedrijven.example.nl"
LONG_URL = (
    "https://www.zaanselastechniekonderhoudsbedrijven.example.nl/over-ons/gastlessen-en-stages"
)


@pytest.fixture
def audit():
    return Audit()


def labelled(scope, label: str):
    """The field with this label; required fields have a `*` after it."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def error_summary_leads_to_its_fields(page, *, every_link: bool = True) -> None:
    """After a failed submit the summary has focus; each of its links moves focus to its field
    (Enter on it), and the keyboard alone goes from the summary to the first one (Tab, Enter).
    """
    summary = page.locator("#foutmeldingen")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() > 0
    if every_link:
        for index in range(links.count()):
            link = links.nth(index)
            target = link.get_attribute("href")
            assert target and target.startswith("#"), target
            link.focus()
            page.keyboard.press("Enter")
            expect(page.locator(target)).to_be_focused()
        summary.focus()
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(links.first.get_attribute("href") or "")).to_be_focused()


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never got focus with {key}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def visit(site, audit: Audit, name: str, path: str, *, shows: str) -> None:
    """Open `path`, make sure it is the page meant (its main part shows `shows`), audit it."""
    site.goto_path(path)
    text = site.locator("main, #content").first.inner_text()
    assert shows in text, f"{name}: {path} does not show {shows!r}"
    audit.check(site, name)


# --- the audit itself -----------------------------------------------------------------------------


def test_the_audit_reports_broken_rules_and_sideways_scrolling(page):
    page.set_content(
        '<html lang="nl"><head><title>Fout</title></head><body><main>'
        '<img src="data:,"><input type="text"><pre>' + "x" * 60 + "</pre>"
        "</main></body></html>"
    )
    audit = Audit()

    report = audit.check(page, "faulty")

    assert {violation.id for _width, violation in report.blocking()} >= {"image-alt", "label"}
    assert list(report.overflow) == [320]
    with pytest.raises(AssertionError, match="faulty @320px: scrolls sideways"):
        audit.assert_clean()


# --- the site's general pages --------------------------------------------------------------------


@pytest.fixture
def impact_figures(db, region_a, region_b, company_a, company_b):
    this_year = Period.school_year(timezone.localdate())
    impact_world(region_a, region_b, company_a, company_b, first_year=this_year.start.year)


def test_the_general_pages_pass_axe_and_fit_320px(site, audit, impact_figures):
    for name, path, shows in [
        ("home", "/", "Voor scholen en docenten"),
        ("privacy", "/privacy/", "Privacyverklaring"),
        ("impact", "/impact/", "Amsterdam"),
        ("404", "/bestaat-niet/", "Deze pagina bestaat niet"),
        ("beheer login", "/beheer/login/?next=/beheer/", "Wachtwoord"),
    ]:
        visit(site, audit, name, path, shows=shows)

    # The login form's error state: a wrong password.
    site.get_by_label("Gebruikersnaam").fill("coordinator-a")
    site.get_by_label("Wachtwoord").fill("niet het wachtwoord")
    site.keyboard.press("Enter")
    expect(site.locator(".errornote")).to_be_visible()
    audit.check(site, "beheer login, wrong password")

    # A form sent without its CSRF cookie (it expired, or the browser blocks cookies).
    site.goto_path("/aanmelden/")
    site.context.clear_cookies()
    site.get_by_role("button", name="Aanmelding versturen").click()
    expect(site.get_by_role("heading", level=1)).to_have_text(
        "Het formulier kon niet worden verzonden"
    )
    audit.check(site, "csrf failure")

    audit.assert_clean()


def test_the_accessibility_statement_passes_axe_and_fits_320px(site, audit):
    try:
        path = reverse("accessibility")
    except NoReverseMatch:
        pytest.skip("/toegankelijkheid/ does not exist yet (another part of this issue adds it)")
    visit(site, audit, "toegankelijkheid", path, shows="Toegankelijkheidsverklaring")
    audit.assert_clean()


# --- the aanmeldformulier ------------------------------------------------------------------------


def test_the_signup_pages_pass_axe_and_fit_320px(site, audit, region_a):
    site.goto_path("/aanmelden/")
    audit.check(site, "aanmelden")

    site.get_by_role("button", name="Aanmelding versturen").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "aanmelden, sent empty")
    error_summary_leads_to_its_fields(site)

    labelled(site, "Naam van het bedrijf").fill("Zaanse Lastechniek B.V.")
    labelled(site, "KvK-nummer").fill("12")
    labelled(site, "Postcode").fill("postcode")
    labelled(site, "Website").fill("niet een website")
    labelled(site, "E-mailadres").fill("jan@")
    labelled(site, "Telefoonnummer").fill("12")
    site.get_by_role("checkbox", name="Gastles", exact=True).check()
    labelled(site.locator("#details-gastles"), "Omschrijving").fill("<b>Lassen</b>")
    site.get_by_role("button", name="Aanmelding versturen").click()
    expect(site.locator("#foutmeldingen")).to_contain_text("KvK-nummer")
    audit.check(site, "aanmelden, invalid values")
    error_summary_leads_to_its_fields(site)

    signup = SignUpFactory(
        organisation=CompanyFactory(name=LONG_COMPANY), contact__email=LONG_EMAIL
    )
    OfferFactory(signup=signup, title=LONG_TITLE)
    thanks = reverse("matching:thanks", args=[thanks_token(signup)])
    visit(site, audit, "aanmelden, thank you", thanks, shows=LONG_EMAIL)
    status = reverse("matching:status", args=[status_token(signup)])
    visit(site, audit, "aanmelden, status", status, shows=LONG_TITLE)

    audit.assert_clean()


# --- the catalogue, an offer, its request and saved searches -------------------------------------


@pytest.fixture
def catalogue(db, region_a):
    """Enough published offers for two pages, a school, and a request of one offer."""
    PostcodeArea.objects.create(pc4=1011, latitude=52.373, longitude=4.902, place="Amsterdam")
    welder = CompanyFactory(name=LONG_COMPANY, postcode="1011AB", website=LONG_URL)
    ContactFactory(organisation=welder, email="info@lasbedrijf.example.nl")
    published = {"status": Offer.Status.PUBLISHED, "published_at": timezone.now()}
    welding = OfferFactory(
        organisation=welder,
        kind=OfferKind.WORKSHOP,
        title=LONG_TITLE,
        description="Leerlingen lassen hun eerste naad.",
        levels=[Level.VMBO_BB, Level.VMBO_KB],
        worlds=[World.DESIGN],
        group_size=20,
        **published,
    )
    for number in range(24):
        OfferFactory(
            organisation=welder,
            title=f"Rondleiding werkplaats {number}",
            levels=[Level.HAVO],
            **published,
        )
    school = SchoolFactory(name="Zaanlands Techniek College", city="Zaandam")
    offer_request = OfferRequest.objects.create(
        offer=welding,
        school=school,
        teacher_name="Fenna de Boer",
        teacher_email=LONG_EMAIL,
        group="2 vmbo-BB",
        level=Level.VMBO_BB,
        pupils=24,
        preferred_period="Na de herfstvakantie",
        message="De klas werkt aan een project over lassen.",
    )
    return welding, offer_request


def test_the_catalogue_pages_pass_axe_and_fit_320px(site, audit, catalogue):
    offer, offer_request = catalogue
    visit(site, audit, "aanbod", "/aanbod/", shows="25 aanbiedingen gevonden")
    # The next page with the keyboard: htmx swaps the results, focus goes to their heading.
    tab_to(site, "a[rel=next]")
    site.keyboard.press("Enter")
    expect(site).to_have_url(re.compile(r"[?&]page=2"))
    expect(site.get_by_role("heading", name="Resultaten")).to_be_focused()
    audit.check(site, "aanbod, page 2")
    # A filter ticked with the keyboard keeps its focus while the results change.
    tab_to(site, "#niveau-havo", backwards=True)
    site.keyboard.press("Space")
    expect(site).to_have_url(re.compile(r"niveau=havo"))
    expect(site.locator("#aantal-resultaten")).to_have_text("24 aanbiedingen gevonden")
    expect(site.locator("#niveau-havo")).to_be_focused()

    for name, path, shows in [
        (
            "aanbod, filtered",
            f"/aanbod/?q=workshop&niveau=vmbo_bb&wereld={World.DESIGN.value}&postcode=1011AB",
            "1 aanbieding gevonden",
        ),
        ("aanbod, no results", "/aanbod/?q=zzzzqqq", "Geen aanbod gevonden"),
        ("offer detail", f"/aanbod/{offer.pk}/", "Interesse voor uw klas?"),
        ("request form", f"/aanbod/{offer.pk}/aanvragen/", "1. Uw school"),
    ]:
        visit(site, audit, name, path, shows=shows)

    site.get_by_role("button", name="Aanvraag versturen").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "request form, sent empty")
    error_summary_leads_to_its_fields(site)

    # The company's page, its error state (declining needs a reason), and the teacher's page.
    answer = reverse("offers:request_answer", args=[request_answer_token(offer_request)])
    visit(site, audit, "request answer", answer, shows=LONG_EMAIL)
    site.get_by_role("button", name="Afwijzen").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "request answer, decline without reason")
    error_summary_leads_to_its_fields(site)

    status = reverse("offers:request_status", args=[request_status_token(offer_request)])
    visit(site, audit, "request status", status, shows="Aanvraag intrekken")
    # Answered while the teacher looked: withdrawing is refused.
    request_services.offer_request_accept(offer_request=offer_request, message="Graag!", date=None)
    site.get_by_role("button", name="Aanvraag intrekken").click()
    expect(site.get_by_role("alert")).to_be_visible()
    audit.check(site, "request status, withdraw refused")

    # Saving a search: its form's error state, the "check your email" page, confirm, unsubscribe.
    site.goto_path("/aanbod/?q=lassen")
    site.get_by_label("Uw e-mailadres").fill("docent@school")
    site.get_by_role("button", name="Zoekopdracht bewaren").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "save search, invalid email")
    error_summary_leads_to_its_fields(site)
    labelled(site, "Uw e-mailadres").fill("docent@school.example.nl")
    site.get_by_role("button", name="Zoekopdracht bewaren").click()
    expect(site.get_by_role("heading", level=1)).to_have_text("Bevestig uw e-mailadres")
    audit.check(site, "save search, sent")

    saved = saved_searches.saved_search_create(email="docent@school.example.nl", query="q=lassen")
    confirm = reverse("offers:confirm_search", args=[saved_searches.confirm_token(saved)])
    visit(site, audit, "save search, confirmed", confirm, shows="Uw zoekopdracht is bewaard")
    unsubscribe = reverse("offers:unsubscribe", args=[saved_searches.unsubscribe_token(saved)])
    visit(site, audit, "save search, unsubscribed", unsubscribe, shows="U bent afgemeld")
    site.get_by_role("button", name="Ongedaan maken").click()
    expect(site.get_by_role("heading", level=1)).to_have_text("Uw zoekopdracht is weer bewaard")
    audit.check(site, "save search, restored")

    audit.assert_clean()


# --- events --------------------------------------------------------------------------------------


class Events(NamedTuple):
    event: Event
    full_event: Event
    confirmed: Registration
    waiting: Registration


@pytest.fixture
def events(db, region_a) -> Events:
    """An open PET event with two slots, the first full (a waiting list); a Tech Your Talent
    event with no place left at all; and a school."""
    event, (full, _second) = open_pet_event(region_a, 25, 50)
    Workshop.objects.create(
        event=event,
        title="Bouw een windmolen",
        description="In groepjes bouwen de leerlingen een werkende windmolen.",
        host=CompanyFactory(name="Amsterdamse Windtechniek"),
        capacity_per_round=30,
    )
    school = SchoolFactory(
        name="Basisschool De Windroos",
        vestigingscode="12AB00",
        postcode="1012AB",
        school_levels=[Level.PO],
    )
    confirmed = register(full, school, pupils=25, teacher_email=LONG_EMAIL)
    waiting = register(full, school, pupils=20, teacher_email="wacht@school.example.nl")
    assert waiting.status == Registration.Status.WAITLISTED

    full_event = make_event(
        organiser=event.organiser,
        region=region_a,
        date=timezone.localdate() + datetime.timedelta(days=40),
        kind=Event.Kind.TECH_YOUR_TALENT,
        title="Tech Your Talent Zaanstreek",
        slug="tech-your-talent-zaanstreek",
        levels=[Level.VMBO_BB, Level.VMBO_KB],
    )
    only_slot = TimeSlot.objects.create(
        event=full_event, starts_at=datetime.time(9), ends_at=datetime.time(12), capacity=20
    )
    register(only_slot, school, pupils=20, level=Level.VMBO_BB)
    return Events(event, full_event, confirmed, waiting)


def test_the_event_pages_pass_axe_and_fit_320px(site, audit, events):
    event = events.event
    for name, path, shows in [
        ("evenementen", "/evenementen/", "Vol — aanmelden voor de wachtlijst kan nog"),
        (
            "evenementen, filtered",
            "/evenementen/?regio=amsterdam&soort=pet&niveau=po",
            "1 evenement",
        ),
        ("evenementen, no results", "/evenementen/?soort=werkconferentie", "Geen evenementen"),
        (
            "full event (waiting list only)",
            f"/evenementen/{events.full_event.slug}/",
            "vol, u komt op de wachtlijst",
        ),
        ("event detail with a full slot", f"/evenementen/{event.slug}/", "nog 50 plaatsen vrij"),
    ]:
        visit(site, audit, name, path, shows=shows)

    site.get_by_role("button", name="Klas inschrijven").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "event registration, sent empty")
    error_summary_leads_to_its_fields(site)

    labelled(site, "Uw e-mailadres").fill("ilse@")
    labelled(site, "Aantal leerlingen").fill("-3")
    site.get_by_label(re.compile("Zoek uw school")).fill("Windroos")
    expect(site.get_by_role("radio", name=re.compile("De Windroos"))).to_be_visible()
    audit.check(site, "event registration, schools found")
    site.get_by_role("button", name="Klas inschrijven").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "event registration, invalid values")
    error_summary_leads_to_its_fields(site)

    for registration, shows in [(events.confirmed, "Bevestigd"), (events.waiting, "op plaats 1")]:
        path = reverse("events:registration_status", args=[registration_status_token(registration)])
        visit(site, audit, f"registration status, {shows}", path, shows=shows)

    audit.assert_clean()


# --- a match's private page, both sides and each step --------------------------------------------


def test_the_match_pages_pass_axe_and_fit_320px(site, audit, db):
    proposed = MatchFactory(offer__title=LONG_TITLE, school__name=LONG_SCHOOL)
    confirmed = ConfirmedMatchFactory(offer__title="Bedrijfsbezoek windpark")
    carried_out = CarriedOutMatchFactory(offer__title="Workshop zonnepanelen")

    for side in ("company", "school"):
        path = reverse("matching:match", args=[match_token(proposed, side)])
        visit(site, audit, f"match {side}, answer", path, shows=LONG_SCHOOL)
        site.get_by_role("button", name="Afwijzen").click()
        expect(site.locator("#foutmeldingen")).to_be_visible()
        audit.check(site, f"match {side}, decline without reason")
        error_summary_leads_to_its_fields(site)

    path = reverse("matching:match", args=[match_token(confirmed, "company")])
    visit(site, audit, "match company, carried out", path, shows="Heeft het plaatsgevonden?")
    site.get_by_role("button", name="Uitvoering melden").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "match company, carried out sent empty")
    error_summary_leads_to_its_fields(site)

    path = reverse("matching:match", args=[match_token(carried_out, "school")])
    visit(site, audit, "match school, evaluation", path, shows="Uw evaluatie")
    site.get_by_role("button", name="Evaluatie versturen").click()
    expect(site.locator("#foutmeldingen")).to_be_visible()
    audit.check(site, "match school, evaluation sent empty")
    error_summary_leads_to_its_fields(site)

    audit.assert_clean()


# --- the keyboard alone --------------------------------------------------------------------------


def test_a_company_signs_up_with_the_keyboard_alone(site, coordinator_a):
    site.goto_path("/aanmelden/")

    type_into(site, "#id_company_name", "Zaanse Lastechniek B.V.")
    type_into(site, "#id_kvk_number", "12345678")
    type_into(site, "#id_street_address", "Industrieweg 12")
    type_into(site, "#id_postcode", "1011 AB")
    type_into(site, "#id_city", "Amsterdam")
    type_into(site, "#id_contact_name", "Jan de Vries")
    type_into(site, "#id_contact_email", "jan.de.vries@example.nl")
    type_into(site, "#id_contact_phone", "020 123 4567")
    tab_to(site, "input[name=kinds][value=gastles]")
    site.keyboard.press("Space")
    # The guest lesson's details open below the kinds; the form goes on there.
    type_into(site, "#id_gastles-description", "Een lasser vertelt over zijn vak.")
    tab_to(site, "input[name='gastles-levels'][value=havo]")
    site.keyboard.press("Space")
    tab_to(site, "#id_consent")
    site.keyboard.press("Space")
    # Back up to check a field once more (Shift+Tab), then on to the button.
    tab_to(site, "#id_message", backwards=True)
    tab_to(site, "[data-submit]")
    site.keyboard.press("Enter")

    expect(site.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw aanmelding")
    signup = SignUp.objects.get()
    assert signup.organisation.name == "Zaanse Lastechniek B.V."
    assert signup.contact.email == "jan.de.vries@example.nl"
    offer = signup.offers.get()
    assert (offer.kind, offer.levels) == (OfferKind.GASTLES, ["havo"])


def test_a_teacher_registers_a_class_with_the_keyboard_alone(site, events):
    site.goto_path(f"/evenementen/{events.event.slug}/")

    # A failed submit first: the summary takes focus and its first link leads to the school.
    tab_to(site, "[data-submit]")
    site.keyboard.press("Enter")
    error_summary_leads_to_its_fields(site, every_link=False)
    expect(site.locator("#school-zoek")).to_be_focused()

    site.keyboard.type("Windroos")
    school = site.get_by_role("radio", name=re.compile("Basisschool De Windroos"))
    expect(school).to_be_visible()  # found while typing
    tab_to(site, "input[name=school]")
    site.keyboard.press("Space")
    # The radios of the slots: the first is full, the arrow key moves to the second.
    tab_to(site, "input[name=slot]")
    site.keyboard.press("ArrowDown")
    type_into(site, "#id_teacher_name", "Ilse Jansen")
    type_into(site, "#id_teacher_email", "ilse@windroos.example.nl")
    type_into(site, "#id_group", "groep 7")
    type_into(site, "#id_pupils", "25")
    tab_to(site, "#id_consent")
    site.keyboard.press("Space")
    tab_to(site, "[data-submit]")
    site.keyboard.press("Enter")

    expect(site.get_by_role("heading", level=1)).to_have_text("Uw inschrijving")
    mine = Registration.objects.get(teacher_email="ilse@windroos.example.nl")
    assert (mine.school.name, mine.slot.starts_at, mine.pupils) == (
        "Basisschool De Windroos",
        datetime.time(10, 45),
        25,
    )
    assert mine.status == Registration.Status.CONFIRMED
