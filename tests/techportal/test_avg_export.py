"""The export of one person's data (AVG inzage and overdraagbaarheid): machine-readable JSON
with every row that holds their data, grouped by kind, with the register's purposes."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from techportal.privacy.export import dumps, person_export
from techportal.privacy.person import person_find

from .avg_fixtures import EMAIL, NAME, login_records, person_everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(company_a, company_b, coordinator_a, region_a, django_capture_on_commit_callbacks):
    rows = person_everywhere(
        company=company_a,
        other_company=company_b,
        coordinator=coordinator_a,
        region=region_a,
        capture=django_capture_on_commit_callbacks,
    )
    login_records(EMAIL)
    return rows


def exported(email: str) -> dict:
    """The export as the person receives it: JSON text, read back."""
    return json.loads(dumps(person_export(person_find(email))))


def ids(data: dict, kind: str) -> list[int]:
    return [row["id"] for row in data["gegevens"][kind]["rijen"]]


def test_the_export_holds_every_row_with_their_data_grouped_by_kind(person):
    data = exported(EMAIL.upper())  # an address matches whatever its case

    assert ids(data, "contacts") == [person.contact.pk]
    assert ids(data, "signups") == [person.signup.pk]
    assert ids(data, "offer_requests") == [person.offer_request.pk]
    assert sorted(ids(data, "matches")) == sorted(
        [person.request_match.pk, person.proposed_match.pk]
    )
    assert ids(data, "registrations") == [person.registration.pk]
    assert ids(data, "saved_searches") == [person.saved_search.pk]
    assert len(ids(data, "log_entries")) == 2

    contact = data["gegevens"]["contacts"]["rijen"][0]
    assert (contact["name"], contact["email"], contact["phone"]) == (NAME, EMAIL, "+31687654329")
    signup = data["gegevens"]["signups"]["rijen"][0]
    assert signup["reference"] == person.signup.reference
    assert signup["decline_reason"] == "Sorry Fenna, dit past niet in de regio."
    assert [note["notitie"] for note in signup["notities"]] == ["Fenna belde: ze komt in maart."]
    assert any(EMAIL in step["toelichting"] for step in signup["historie"])
    registration = data["gegevens"]["registrations"]["rijen"][0]
    assert registration["remarks"] == "Fenna komt met de bus; bel 06-87654329."


def test_each_kind_carries_the_purpose_legal_basis_and_retention_of_the_register(person):
    data = exported(EMAIL)

    email = data["gegevens"]["offer_requests"]["doelen"]["teacher_email"]
    assert email["doel"].startswith("De aanvraag doorsturen")
    assert email["grondslag"].startswith("toestemming")
    assert email["bewaartermijn_dagen"] == 730
    assert "730 dagen" in email["bewaartermijn"]
    assert set(data["gegevens"]["contacts"]["doelen"]) == {"name", "role", "email", "phone"}
    assert data["gegevens"]["contacts"]["model"] == "organisations.Contact"


def test_someone_unknown_gets_an_empty_export(db):
    data = exported("niemand@voorbeeld.nl")

    assert (data["e-mailadres"], data["gegevens"]) == ("niemand@voorbeeld.nl", {})


def test_the_command_writes_the_export_to_a_file(person, tmp_path):
    path = tmp_path / "fenna.json"

    call_command("avg_export", EMAIL, "--output", str(path))

    data = json.loads(path.read_text(encoding="utf-8"))
    assert ids(data, "contacts") == [person.contact.pk]
    assert NAME in path.read_text(encoding="utf-8")  # UTF-8, not \u-escaped


def test_the_command_prints_the_export_without_a_file(person, capsys):
    call_command("avg_export", EMAIL)

    assert ids(json.loads(capsys.readouterr().out), "saved_searches") == [person.saved_search.pk]


def test_the_command_refuses_an_address_that_is_not_one(db):
    with pytest.raises(CommandError, match="geen geldig e-mailadres"):
        call_command("avg_export", "niet-een-adres")
