"""The Content-Security-Policy in a real browser: no page, public or in /beheer/, does anything
the policy blocks (an inline script or style, eval, something from another site), not even
after its scripts ran (htmx swaps, the admin's autocomplete, inlines and calendars)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from events.models import Workshop
from events.queries import registration_status_token
from matching.match_queries import match_token
from matching.queries import status_token
from offers.models import OfferRequest
from offers.queries import request_answer_token, request_status_token
from organisations.models import Coordinator
from tests.e2e.conftest import open_pet_event
from tests.events.conftest import register
from tests.factories import (
    ContactFactory,
    MatchFactory,
    SchoolFactory,
    SignUpFactory,
    UserFactory,
)
from tests.matching.impact_fixtures import impact_world
from tests.offers.requests_fixtures import published_offer
from tests.otp import PASSWORD, VerifiedClient, current_code

# Recorded by the page itself from the first moment (Playwright's init scripts are not
# subject to the page's policy); read before each navigation, which starts a new list.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ` +
  `${e.sourceFile || location.pathname}:${e.lineNumber} ${e.sample || ""}`.trim()));
"""


class PolicyWatch:
    """Fails a test with every violation, per page, from the page's events and the console."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("load")
        return self.page.evaluate("window.__csp || []") + self.console

    def visit(self, path: str) -> None:
        response = self.page.goto_path(path)
        assert "'self'" in response.headers["content-security-policy"], path
        self.assert_clean(path)

    def assert_clean(self, where: str) -> None:
        found = self.violations()
        assert not found, f"{where}: {found}"
        assert self.page.evaluate("document.querySelector('style') === null"), where


@pytest.fixture
def watch(site) -> PolicyWatch:
    return PolicyWatch(site)


@pytest.fixture
def world(db, region_a, region_b, company_a, company_b, coordinator_a):
    """One of every kind of page: an offer with a request, an event, a sign-up, a match."""
    impact_world(region_a, region_b, company_a, company_b, first_year=2024)
    offer = published_offer(company_a, title="Gastles windenergie")
    ContactFactory(organisation=company_a)
    school = SchoolFactory(name="Amsterdams Vakcollege", vestigingscode="12XY00")
    offer_request = OfferRequest.objects.create(
        offer=offer,
        school=school,
        teacher_name="Ilse Jansen",
        teacher_email="ilse@school.example.nl",
        group="3 vmbo-KB",
        level=offer.levels[0],
        pupils=24,
    )
    event, (slot,) = open_pet_event(region_a, 50)
    Workshop.objects.create(event=event, title="Bouw een windmolen", capacity_per_round=30)
    registration = register(slot, SchoolFactory(name="Basisschool De Windroos"))
    signup = SignUpFactory(organisation=company_a, coordinator=coordinator_a)
    match = MatchFactory(offer=offer, school=school)
    return {
        "offer": offer,
        "offer_request": offer_request,
        "event": event,
        "registration": registration,
        "signup": signup,
        "match": match,
        "organisation": company_a,
    }


def log_in_as_superuser(site, live_server) -> None:
    """Skip the login form (tested below): a verified session, as its cookie."""
    client = VerifiedClient()
    client.force_login(UserFactory(username="baas", is_staff=True, is_superuser=True))
    site.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


# --- the watch itself ----------------------------------------------------------------------------


def test_the_watch_sees_an_inline_script_being_blocked(site, watch):
    site.goto_path("/privacy/")
    site.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        "document.head.appendChild(s)"
    )

    assert any("script-src" in v for v in watch.violations())
    assert site.evaluate("window.x === undefined")


# --- public pages --------------------------------------------------------------------------------


def test_no_public_page_breaks_the_policy(site, watch, world):
    for path in [
        "/",
        "/privacy/",
        "/toegankelijkheid/",
        "/impact/",
        "/aanmelden/",
        "/evenementen/",
        f"/evenementen/{world['event'].slug}/",
        f"/aanbod/{world['offer'].pk}/",
        f"/aanmelden/status/{status_token(world['signup'])}/",
        f"/match/{match_token(world['match'], 'company')}/",
        f"/aanvraag/{request_status_token(world['offer_request'])}/",
        f"/aanvraag/antwoord/{request_answer_token(world['offer_request'])}/",
        f"/evenementen/inschrijving/{registration_status_token(world['registration'])}/",
        "/bestaat-niet/",
    ]:
        watch.visit(path)


def test_htmx_swaps_in_the_catalogue_and_the_school_picker_stay_within_the_policy(
    site, watch, world
):
    watch.visit("/aanbod/")
    site.get_by_label("Zoek op trefwoord").fill("wind")
    expect(site.locator("#resultaten")).to_contain_text("Gastles windenergie")
    watch.assert_clean("/aanbod/ after a search")

    watch.visit(f"/aanbod/{world['offer'].pk}/aanvragen/")
    site.locator("#school-zoek").fill("Vakcollege")
    expect(site.locator("#school-keuzes")).to_contain_text("Amsterdams Vakcollege")
    watch.assert_clean("the request form after a school search")


# --- the login and the second factor -------------------------------------------------------------


def test_the_login_and_second_factor_pages_stay_within_the_policy(site, watch, coordinator_a):
    watch.visit("/beheer/login/")
    site.get_by_label("Gebruikersnaam").fill("coordinator-a")
    site.get_by_label("Wachtwoord").fill(PASSWORD)
    site.get_by_role("button", name="Aanmelden").click()

    expect(site.locator("svg.otp-qr")).to_be_visible()  # setting up the app
    watch.assert_clean("the set-up page")
    device = TOTPDevice.objects.get(user=coordinator_a.user)
    site.get_by_label("Code").fill(current_code(device))
    site.get_by_role("button", name="Bevestigen").click()

    expect(site.locator(".backup-codes li")).to_have_count(10)
    watch.assert_clean("the backup codes")
    site.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    expect(site.locator("#content-main")).to_be_visible()
    watch.assert_clean("the admin's index after the second factor")


# --- /beheer/ ------------------------------------------------------------------------------------


def test_the_admins_pages_and_their_scripts_stay_within_the_policy(
    site, live_server, watch, world, coordinator_a
):
    log_in_as_superuser(site, live_server)
    signup, organisation = world["signup"], world["organisation"]
    coordinator = Coordinator.objects.get(pk=coordinator_a.pk)

    for path in [
        "/beheer/",
        "/beheer/impact/?van=2024-08-01&tot=2025-07-31",
        "/beheer/matching/match/",
        "/beheer/offers/offerrequest/",
        f"/beheer/matching/signup/{signup.pk}/change/",
        f"/beheer/organisations/organisation/{organisation.pk}/delete/",
        "/beheer/auth/user/add/",
    ]:
        watch.visit(path)

    # A change form with inlines: add a row.
    watch.visit(f"/beheer/organisations/organisation/{organisation.pk}/change/")
    site.locator(".add-row a").first.click()
    watch.assert_clean("an organisation after adding a contact row")

    # Autocomplete (select2) and the two-box picker of the coordinator form.
    watch.visit(f"/beheer/organisations/coordinator/{coordinator.pk}/change/")
    site.locator(".select2-selection").first.click()
    site.locator(".select2-search__field").fill("coord")
    expect(site.locator(".select2-results__option").first).to_be_visible()
    site.keyboard.press("Escape")
    expect(site.locator(".selector")).to_be_visible()
    watch.assert_clean("the coordinator form after an autocomplete search")

    # Date and time widgets, and inlines of time slots and workshops: open the calendar.
    watch.visit(f"/beheer/events/event/{world['event'].pk}/change/")
    site.locator("#calendarlink0").click()
    expect(site.locator("#calendarbox0")).to_be_visible()
    watch.assert_clean("an event's form with its calendar open")

    # A changelist action that asks for input first: the intermediate page.
    watch.visit("/beheer/matching/signup/")
    site.locator(f"input.action-select[value='{signup.pk}']").check()
    site.locator("select[name=action]").select_option("decline")
    site.locator("button[name=index]").first.click()
    expect(site.get_by_role("heading", level=1)).to_have_text("Aanmeldingen afwijzen")
    watch.assert_clean("the decline action's intermediate page")
