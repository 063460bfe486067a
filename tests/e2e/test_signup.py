"""The aanmeldformulier in a real browser, with JavaScript on."""

import re

from playwright.sync_api import expect

from matching.models import SignUp
from offers.models import Offer, OfferKind


def labelled(scope, label: str):
    """The field with this label; required fields have a `*` after it."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def fill_in_company_and_contact(site) -> None:
    labelled(site, "Naam van het bedrijf").fill("Zaanse Lastechniek B.V.")
    labelled(site, "KvK-nummer").fill("1234 5678")
    labelled(site, "Adres").fill("Industrieweg 12")
    labelled(site, "Postcode").fill("1011 ab")
    labelled(site, "Plaats").fill("Amsterdam")
    labelled(site, "Uw naam").fill("Jan de Vries")
    labelled(site, "E-mailadres").fill("jan.de.vries@example.nl")
    labelled(site, "Telefoonnummer").fill("020 123 4567")


def submit(site) -> None:
    site.get_by_role("button", name="Aanmelding versturen").click()


def test_a_company_fills_in_the_form_and_sees_its_reference(site, coordinator_a):
    site.goto_path("/aanmelden/")
    guest_lesson = site.locator("#details-gastles")
    internship = site.locator("#details-stage")
    expect(guest_lesson).to_be_hidden()
    expect(internship).to_be_hidden()

    fill_in_company_and_contact(site)
    site.get_by_role("checkbox", name="Gastles", exact=True).check()
    expect(guest_lesson).to_be_visible()
    expect(internship).to_be_hidden()

    labelled(guest_lesson, "Omschrijving").fill("Een lasser vertelt over zijn vak.")
    guest_lesson.get_by_label("havo", exact=True).check()
    period = guest_lesson.locator("[data-period]")
    expect(guest_lesson.get_by_label("Op aanvraag")).to_be_checked()
    expect(period).to_be_hidden()
    guest_lesson.get_by_label("In een bepaalde periode").check()
    expect(period).to_be_visible()
    guest_lesson.get_by_label("Op aanvraag").check()
    expect(period).to_be_hidden()
    site.get_by_role("checkbox", name=re.compile("^Ik ga akkoord met de privacyverklaring")).check()
    submit(site)

    expect(site).to_have_url(re.compile(r"/aanmelden/bedankt/[^/]+/$"))
    expect(site.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw aanmelding")
    signup = SignUp.objects.get()
    expect(site.locator(".lead")).to_contain_text(f"onder kenmerk {signup.reference}")
    offer = Offer.objects.get()
    assert (offer.kind, offer.levels, offer.on_request) == (OfferKind.GASTLES, ["havo"], True)


def test_submitting_the_empty_form_shows_the_error_summary_with_focus(site):
    site.goto_path("/aanmelden/")

    submit(site)

    summary = site.locator("#foutmeldingen")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(
        re.compile(r"^Er zijn \d+ fouten in het formulier$")
    )
    expect(summary).to_contain_text("Kies ten minste één soort aanbod.")
    expect(site.locator(".offer-details")).to_have_count(len(OfferKind))
    for details in site.locator(".offer-details").all():
        expect(details).to_be_hidden()
    # A line of the summary takes you to its field.
    summary.get_by_role("link", name="Naam van het bedrijf").click()
    expect(labelled(site, "Naam van het bedrijf")).to_be_focused()
    assert SignUp.objects.count() == 0


def test_after_an_error_the_ticked_kind_stays_open_and_the_form_can_be_sent(site, coordinator_a):
    site.goto_path("/aanmelden/")
    fill_in_company_and_contact(site)
    site.get_by_role("checkbox", name="Gastles", exact=True).check()
    site.get_by_role("checkbox", name=re.compile("^Ik ga akkoord met de privacyverklaring")).check()
    submit(site)

    summary = site.locator("#foutmeldingen")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Gastles: Omschrijving")
    guest_lesson = site.locator("#details-gastles")
    expect(guest_lesson).to_be_visible()
    expect(site.locator("#details-stage")).to_be_hidden()
    expect(labelled(site, "Naam van het bedrijf")).to_have_value("Zaanse Lastechniek B.V.")

    labelled(guest_lesson, "Omschrijving").fill("Een lasser vertelt over zijn vak.")
    guest_lesson.get_by_label("vwo", exact=True).check()
    submit(site)

    expect(site.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw aanmelding")
    assert SignUp.objects.count() == 1
