"""/beheer/ for organisations: a coordinator sees only their own regions, from the outside."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import Contact, Organisation
from tests.factories import CompanyFactory, ContactFactory, CoordinatorFactory, SchoolFactory

pytestmark = pytest.mark.django_db

ORGANISATION_LIST = "/beheer/organisations/organisation/"
CONTACT_LIST = "/beheer/organisations/contact/"


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))





def test_the_admin_is_titled_for_techportal(admin_client):
    response = admin_client.get("/beheer/")
    assert "Techportal-beheer" in response.content.decode()


def test_a_coordinator_lists_only_organisations_of_their_region(
    coordinator_a_client, company_a, company_b
):
    page = coordinator_a_client.get(ORGANISATION_LIST).content.decode()
    assert "Amsterdamse Windtechniek" in page
    assert "Utrechtse Zonnepanelen" not in page


def test_a_coordinator_cannot_find_another_regions_organisation_by_search(
    coordinator_a_client, company_a, company_b
):
    page = coordinator_a_client.get(ORGANISATION_LIST, {"q": "Utrechtse"}).content.decode()
    assert "Utrechtse Zonnepanelen" not in page
    assert "0 organisaties" in page or "0 resultaten" in page


@pytest.mark.parametrize("action", ["change", "history", "delete"])
def test_a_coordinator_cannot_open_another_regions_organisation(
    coordinator_a_client, company_b, action
):
    url = f"{ORGANISATION_LIST}{company_b.pk}/{action}/"
    assert coordinator_a_client.get(url).status_code in (302, 403, 404)
    followed = coordinator_a_client.get(url, follow=True)
    assert "Utrechtse Zonnepanelen" not in followed.content.decode()


def test_a_coordinator_cannot_delete_another_regions_organisation(coordinator_a_client, company_b):
    coordinator_a_client.post(f"{ORGANISATION_LIST}{company_b.pk}/delete/", {"post": "yes"})
    assert Organisation.objects.filter(pk=company_b.pk).exists()


def contact_form(organisation, **fields) -> dict:
    return {
        "organisation": organisation.pk,
        "name": "Nieuwe Contactpersoon",
        "email": "nieuw@example.nl",
        "role": "",
        "phone": "",
    } | fields


def test_a_coordinator_cannot_attach_a_contact_to_another_regions_organisation(
    coordinator_a_client, company_a, company_b
):
    response = coordinator_a_client.post(f"{CONTACT_LIST}add/", contact_form(company_b))

    assert response.status_code == 200  # the form again, with an error
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_coordinator_cannot_move_a_contact_to_another_region(
    coordinator_a_client, company_a, company_b
):
    contact = ContactFactory(organisation=company_a)
    coordinator_a_client.post(
        f"{CONTACT_LIST}{contact.pk}/change/",
        contact_form(company_b, name=contact.name, email=contact.email),
    )
    contact.refresh_from_db()
    assert contact.organisation == company_a


def test_a_coordinator_may_add_a_contact_in_their_own_region(coordinator_a_client, company_a):
    response = coordinator_a_client.post(f"{CONTACT_LIST}add/", contact_form(company_a))
    assert response.status_code == 302
    assert Contact.objects.get().organisation == company_a


def organisation_form(**fields) -> dict:
    return {
        "kind": "company",
        "name": "Nieuw Bedrijf",
        "kvk_number": "4444 4444",
        "postcode": "1011 ab",
        "city": "Amsterdam",
        "street_address": "",
        "website": "",
        "vestigingscode": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    } | fields


def test_a_coordinator_may_add_an_organisation_in_their_region_writing_numbers_freely(
    coordinator_a_client, region_a
):
    response = coordinator_a_client.post(f"{ORGANISATION_LIST}add/", organisation_form())
    assert response.status_code == 302, response.content.decode()
    added = Organisation.objects.get(kvk_number="44444444")
    assert (added.postcode, added.region) == ("1011AB", region_a)


def test_a_coordinator_cannot_add_an_organisation_outside_their_regions(
    coordinator_a_client, region_b
):
    response = coordinator_a_client.post(
        f"{ORGANISATION_LIST}add/", organisation_form(postcode="3511 AB", city="Utrecht")
    )
    assert "Deze postcode ligt buiten uw regio" in response.content.decode()
    assert not Organisation.objects.filter(kvk_number="44444444").exists()


def test_the_organisation_autocomplete_is_scoped_too(coordinator_a_client, company_a, company_b):
    response = coordinator_a_client.get(
        "/beheer/autocomplete/",
        {
            "app_label": "organisations",
            "model_name": "contact",
            "field_name": "organisation",
            "term": "e",
        },
    )
    names = [result["text"] for result in response.json()["results"]]
    assert any("Amsterdamse Windtechniek" in name for name in names)
    assert not any("Utrechtse" in name for name in names)


def test_a_coordinator_cannot_change_another_regions_organisation_by_posting(
    coordinator_a_client, company_b
):
    coordinator_a_client.post(
        f"{ORGANISATION_LIST}{company_b.pk}/change/",
        {"kind": "company", "name": "Overgenomen", "kvk_number": "33333333", "postcode": "3511AB"},
    )
    company_b.refresh_from_db()
    assert company_b.name == "Utrechtse Zonnepanelen"


def test_a_coordinator_sees_only_contacts_of_their_region(
    coordinator_a_client, company_a, company_b
):
    ContactFactory(organisation=company_a, name="Anna Amsterdam")
    ContactFactory(organisation=company_b, name="Bram Utrecht")
    page = coordinator_a_client.get(CONTACT_LIST).content.decode()
    assert "Anna Amsterdam" in page
    assert "Bram Utrecht" not in page


def test_the_national_desk_sees_every_region(client, national_desk, company_a, company_b):
    grant(national_desk.user, "view_organisation")
    client.force_login(national_desk.user)
    page = client.get(ORGANISATION_LIST).content.decode()
    assert "Amsterdamse Windtechniek" in page and "Utrechtse Zonnepanelen" in page


def test_a_staff_user_who_is_no_coordinator_sees_no_organisations(client, outsider, company_a):
    outsider.is_staff = True
    outsider.save()
    grant(outsider, "view_organisation")
    client.force_login(outsider)
    assert "Amsterdamse Windtechniek" not in client.get(ORGANISATION_LIST).content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login(client, company_a):
    response = client.get(ORGANISATION_LIST)
    assert response.status_code == 302
    assert response.url.startswith("/beheer/login/")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        ORGANISATION_LIST,
        CONTACT_LIST,
        "/beheer/organisations/region/",
        "/beheer/organisations/coordinator/",
    ],
)
def test_admin_lists_use_a_constant_number_of_queries(admin_client, region_a, region_b, url):
    def add_rows(n):
        for _ in range(n):
            ContactFactory(organisation=CompanyFactory(postcode="1011AB"))
            SchoolFactory(postcode="3511AB")
            CoordinatorFactory(regions=[region_a, region_b])

    add_rows(2)
    few = count_queries(admin_client, url)
    add_rows(20)
    assert count_queries(admin_client, url) == few
    assert Organisation.objects.count() >= 44
