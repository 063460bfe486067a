"""Events in a real browser: a teacher opens an event, registers a class, and later cancels it,
which hands the places to the class waiting in line."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Registration, Workshop
from techportal.choices import Level
from tests.e2e.conftest import open_pet_event
from tests.events.conftest import register
from tests.factories import CompanyFactory, SchoolFactory, UserFactory


@pytest.fixture
def pet_event(db, region_a):
    from events.models import OrganiserStaff

    event, (early, _later) = open_pet_event(region_a, 50, 50)
    OrganiserStaff.objects.create(
        user=UserFactory(username="organisator"), organiser=event.organiser
    )
    Workshop.objects.create(
        event=event,
        title="Bouw een windmolen",
        host=CompanyFactory(name="Amsterdamse Windtechniek"),
        capacity_per_round=30,
    )
    SchoolFactory(
        name="Basisschool De Windroos",
        vestigingscode="12AB00",
        postcode="1012AB",
        school_levels=[Level.PO],
    )
    return event, early


def test_a_teacher_registers_a_class_and_cancels_which_promotes_the_waiting_class(site, pet_event):
    event, early = pet_event
    other_school = SchoolFactory(name="OBS Het Anker", vestigingscode="13CD00")
    register(early, other_school, pupils=25, teacher_email="eerste@school.example.nl")

    site.goto_path(f"/evenementen/{event.slug}/")
    expect(site.get_by_role("heading", level=1)).to_have_text("PET-event Amsterdam")
    expect(site.locator("main")).to_contain_text("Bouw een windmolen")
    expect(site.get_by_role("link", name=re.compile("Zet in mijn agenda"))).to_be_visible()
    expect(site.locator("#programma + table")).to_contain_text("nog 25 plaatsen vrij")

    # Submitting nothing shows the error summary, in Dutch, and stores nothing.
    site.get_by_role("button", name="Klas inschrijven").click()
    expect(site.locator("#foutmeldingen")).to_contain_text("Kies een van de tijdvakken.")
    assert Registration.objects.count() == 1

    site.get_by_label(re.compile("Zoek uw school")).fill("Windroos")
    site.get_by_role("radio", name=re.compile("Basisschool De Windroos")).check()
    site.get_by_role("radio", name=re.compile(r"09:00–10:30")).check()
    site.get_by_label(re.compile(r"^\s*Uw naam")).fill("Ilse Jansen")
    site.get_by_label(re.compile(r"^\s*Uw e-mailadres")).fill("ilse@windroos.example.nl")
    site.get_by_label(re.compile(r"^\s*Klas of groep")).fill("groep 7")
    site.get_by_label(re.compile(r"^\s*Aantal leerlingen")).fill("25")
    site.get_by_label(re.compile("Toegankelijkheid of vervoer")).fill("We komen met de bus.")
    site.get_by_role("checkbox", name=re.compile("privacyverklaring")).check()
    site.get_by_role("button", name="Klas inschrijven").click()

    expect(site.get_by_role("heading", level=1)).to_have_text("Uw inschrijving")
    expect(site.locator("main")).to_contain_text("Bevestigd")
    mine = Registration.objects.get(teacher_email="ilse@windroos.example.nl")
    assert (mine.slot, mine.pupils, mine.level, mine.status) == (early, 25, "po", "confirmed")
    confirmation = next(m for m in mail.outbox if m.to == ["ilse@windroos.example.nl"])
    assert confirmation.attachments[0][0] == f"{event.slug}.ics"
    status_path = site.url.split("//", 1)[1].split("/", 1)[1]

    # A third class finds the slot full and waits in line.
    waiting = register(early, other_school, pupils=20, teacher_email="wacht@school.example.nl")
    assert waiting.status == Registration.Status.WAITLISTED

    site.goto_path(f"/{status_path}")
    site.get_by_role("button", name="Inschrijving annuleren").click()
    expect(site.locator("main")).to_contain_text("U heeft deze inschrijving geannuleerd")
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
