"""/beheer/: export and erasure of a person, as actions on contact persons and on the page
/beheer/privacy/persoon/. Only superusers (the privacy officer) may use either."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from organisations.models import Contact
from techportal.privacy.placeholders import ERASED_NAME
from tests.conftest import login_as_coordinator
from tests.factories import ContactFactory, SignUpFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "fenna.zwartkruis@voorbeeld-avg.nl"
CHANGELIST = reverse("admin:organisations_contact_changelist")
PAGE = reverse("privacy_person")


@pytest.fixture
def contact(company_a):
    return ContactFactory(organisation=company_a, name="Fenna Zwartkruis", email=EMAIL)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="privacy", is_staff=True, is_superuser=True))
    return client


def act(client, action: str, contact: Contact, **extra):
    return client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [contact.pk], "index": 0, **extra}
    )


# --- the actions on contact persons ----------------------------------------------------------


def test_a_superuser_confirms_the_erasure_on_an_intermediate_page(superuser_client, contact):
    page = act(superuser_client, "erase_personal_data", contact)

    assert page.status_code == 200
    assert "Persoonsgegevens wissen" in page.content.decode()
    assert EMAIL in page.content.decode()
    assert Contact.objects.get(pk=contact.pk).name == "Fenna Zwartkruis"  # nothing yet


def test_the_erasure_needs_the_confirmation_box(superuser_client, contact):
    page = act(superuser_client, "erase_personal_data", contact, apply="1")

    assert "Vink aan dat u begrijpt dat wissen definitief is." in page.content.decode()
    assert Contact.objects.get(pk=contact.pk).email == EMAIL


def test_a_confirmed_erasure_anonymises_the_contact(superuser_client, contact):
    response = act(superuser_client, "erase_personal_data", contact, apply="1", confirm="on")

    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()  # no sign-up: deleted
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("zijn gewist" in message for message in messages)


def test_the_export_action_downloads_json(superuser_client, contact):
    response = act(superuser_client, "export_personal_data", contact)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["gegevens"]["contacts"]["rijen"][0]["email"] == EMAIL


def test_a_coordinator_is_not_offered_the_actions_and_cannot_force_them(
    client, coordinator_a, contact
):
    login_as_coordinator(client, coordinator_a)

    listing = client.get(CHANGELIST).content.decode()
    forced_erase = act(client, "erase_personal_data", contact, apply="1", confirm="on")
    forced_export = act(client, "export_personal_data", contact)

    assert "erase_personal_data" not in listing
    assert "export_personal_data" not in listing
    assert Contact.objects.get(pk=contact.pk).email == EMAIL
    assert "application/json" not in forced_export.get("Content-Type", "")
    assert forced_erase.status_code != 500


# --- /beheer/privacy/persoon/ ------------------------------------------------------------------


def test_the_page_counts_what_it_finds_for_an_address(superuser_client, contact):
    page = superuser_client.get(PAGE, {"email": EMAIL.upper()})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Contactpersoon van een bedrijf" in html
    assert "Download als JSON" in html


def test_the_page_downloads_the_export(superuser_client, contact):
    response = superuser_client.get(PAGE, {"email": EMAIL, "export": "json"})

    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["gegevens"]["contacts"]["rijen"][0]["id"] == contact.pk


def test_the_page_says_when_nothing_is_known(superuser_client, db):
    page = superuser_client.get(PAGE, {"email": "niemand@voorbeeld.nl"})

    assert "Over dit e-mailadres staat niets in Techportal." in page.content.decode()


def test_the_page_refuses_an_address_that_is_not_one(superuser_client, db):
    page = superuser_client.get(PAGE, {"email": "niemand"})

    assert "Vul een geldig e-mailadres in" in page.content.decode()


def test_erasing_on_the_page_needs_the_confirmation(superuser_client, contact):
    refused = superuser_client.post(PAGE, {"email": EMAIL})

    assert refused.status_code == 400
    assert Contact.objects.get(pk=contact.pk).email == EMAIL


def test_erasing_on_the_page_erases_and_shows_that_nothing_is_left(superuser_client, contact):
    other = SignUpFactory(contact__email=EMAIL, contact__name="Fenna Zwartkruis").contact

    response = superuser_client.post(PAGE, {"email": EMAIL, "confirm": "on"}, follow=True)

    html = response.content.decode()
    assert "zijn gewist" in html
    assert "Over dit e-mailadres staat niets in Techportal." in html
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Contact.objects.get(pk=other.pk).name == ERASED_NAME  # on a sign-up: anonymised


def test_coordinators_get_403_and_visitors_the_login(client, coordinator_a, contact):
    assert client.get(PAGE).status_code == 302

    login_as_coordinator(client, coordinator_a)

    assert client.get(PAGE, {"email": EMAIL}).status_code == 403
    assert client.post(PAGE, {"email": EMAIL, "confirm": "on"}).status_code == 403
    assert Contact.objects.get(pk=contact.pk).email == EMAIL


def test_the_admin_index_links_the_page_for_superusers_only(client, coordinator_a):
    login_as_coordinator(client, coordinator_a)
    assert PAGE not in client.get(reverse("admin:index")).content.decode()

    client.force_login(UserFactory(username="privacy", is_staff=True, is_superuser=True))

    assert PAGE in client.get(reverse("admin:index")).content.decode()
