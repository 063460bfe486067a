"""Dutch identifiers are validated with clear Dutch messages and stored normalised."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from organisations.models import Contact, Organisation
from tests.factories import CompanyFactory, ContactFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def company(**fields) -> Organisation:
    values = {
        "kind": Organisation.Kind.COMPANY,
        "name": "Zaanse Lastechniek B.V.",
        "kvk_number": "12345678",
        "postcode": "1501AB",
        "city": "Zaandam",
    }
    return Organisation(**(values | fields))


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize(
    "kvk", ["1234567", "123456789", "1234567A", "abcdefgh", "１２３４５６７８"]
)
def test_a_kvk_number_must_be_exactly_eight_digits(kvk):
    assert errors_of(company(kvk_number=kvk))["kvk_number"] == [
        "Een KvK-nummer bestaat uit precies 8 cijfers, zoals 12345678."
    ]


def test_a_kvk_number_written_with_spaces_or_dots_is_stored_compact():
    organisation = company(kvk_number=" 1234 5678 ")
    organisation.full_clean()
    assert organisation.kvk_number == "12345678"


@pytest.mark.parametrize(
    "postcode", ["0123AB", "1234SA", "1234 SD", "1234SS", "12345", "1234", "ABCD12", "1234ABC"]
)
def test_an_invalid_postcode_is_refused_in_dutch(postcode):
    assert errors_of(company(postcode=postcode))["postcode"] == [
        "Vul een geldige postcode in: vier cijfers en twee letters, zoals 1234 AB."
    ]


@pytest.mark.parametrize("written", ["1234ab", " 1234 ab ", "1234 AB", "1234-ab"])
def test_a_postcode_is_stored_upper_case_without_space(written):
    organisation = company(postcode=written)
    organisation.full_clean()
    assert organisation.postcode == "1234AB"


def test_a_company_needs_a_kvk_number():
    assert "Een bedrijf heeft een KvK-nummer." in errors_of(company(kvk_number=None))["__all__"]


def test_the_database_refuses_a_company_without_kvk_number_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        company(kvk_number=None).save()


def test_two_organisations_cannot_share_a_kvk_number():
    CompanyFactory(kvk_number="87654321")
    assert "kvk_number" in errors_of(company(kvk_number="87654321"))


@pytest.mark.parametrize("code", ["12AB", "1AB01", "12AB1", "AB1201", "12AB0X", "12ABC01"])
def test_a_school_location_needs_a_six_character_vestigingscode(code):
    school = Organisation(kind=Organisation.Kind.SCHOOL, name="OBS De Klimop", vestigingscode=code)
    assert errors_of(school)["vestigingscode"][0].startswith("Een vestigingscode bestaat uit")


def test_a_vestigingscode_is_stored_upper_case_and_gives_the_brin():
    school = Organisation(
        kind=Organisation.Kind.SCHOOL, name="OBS De Klimop", vestigingscode="12ab01"
    )
    school.full_clean()
    assert (school.vestigingscode, school.brin) == ("12AB01", "12AB")


def test_a_school_location_needs_a_vestigingscode():
    school = Organisation(kind=Organisation.Kind.SCHOOL, name="OBS De Klimop")
    assert "Een schoollocatie heeft een vestigingscode." in errors_of(school)["__all__"]


def test_school_levels_and_worlds_accept_only_known_values():
    school = SchoolFactory.build(school_levels=["vmbo_tl", "gymnasium"], worlds=["ruimtevaart"])
    errors = errors_of(school)
    assert "school_levels" in errors and "worlds" in errors


def test_an_over_long_name_is_refused():
    assert "name" in errors_of(company(name="x" * 201))


def test_markup_in_a_name_is_kept_as_plain_text():
    organisation = company(name="<script>alert('x')</script> B.V.")
    organisation.full_clean()
    organisation.save()
    assert Organisation.objects.get(pk=organisation.pk).name == "<script>alert('x')</script> B.V."


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("020 123 4567", "+31201234567"),
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
    ],
)
def test_phone_numbers_are_stored_in_international_form(written, stored):
    contact = ContactFactory.build(organisation=CompanyFactory(), phone=written)
    contact.full_clean()
    assert contact.phone == stored


@pytest.mark.parametrize("phone", ["12", "bel me", "020 123 45", "0612345678901234"])
def test_an_invalid_phone_number_is_refused_in_dutch(phone):
    contact = ContactFactory.build(organisation=CompanyFactory(), phone=phone)
    assert errors_of(contact)["phone"] == [
        "Vul een geldig telefoonnummer in, zoals 020 123 4567 of 06 1234 5678."
    ]


def test_an_organisation_cannot_have_two_contacts_with_the_same_email_in_any_case():
    existing = ContactFactory(email="Jan@Example.nl")
    duplicate = Contact(organisation=existing.organisation, name="Ander", email="jan@example.NL")
    assert errors_of(duplicate)["__all__"] == [
        "Deze organisatie heeft al een contactpersoon met dit e-mailadres."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_every_write_path_stores_identifiers_normalised():
    organisation = company(postcode="1011 ab", kvk_number="1234 5678")
    organisation.save()  # no full_clean()
    Organisation.objects.filter(pk=organisation.pk).update(city="Zaandam")
    stored = Organisation.objects.values("postcode", "kvk_number").get(pk=organisation.pk)
    assert stored == {"postcode": "1011AB", "kvk_number": "12345678"}

    Organisation.objects.filter(pk=organisation.pk).update(postcode="1502 cd")
    assert Organisation.objects.get(kvk_number="1234-5678").postcode == "1502CD"


@pytest.mark.parametrize(
    ("column", "value"),
    [("postcode", "1011ab"), ("postcode", "0123AB"), ("kvk_number", "1234567X")],
)
def test_the_database_itself_refuses_identifiers_that_are_not_normalised(column, value):
    row = {"postcode": "1011AB", "kvk_number": "12345678"} | {column: value}
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO organisations_organisation (kind, name, kvk_number, postcode, city,"
            " street_address, website, school_levels, worlds, created_at, updated_at)"
            " VALUES ('company', 'Rauw', %s, %s, '', '', '', '{}', '{}', now(), now())",
            [row["kvk_number"], row["postcode"]],
        )
