"""`manage.py loaddemo`: realistic Dutch demo data that a second run leaves alone."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.demo import OUT_OF_REGION_KVK_NUMBERS
from organisations.models import Contact, Coordinator, Organisation, PostcodeRange, Region
from organisations.queries import coordinators_for_postcode
from organisations.services import coordinator_group_ensure
from techportal.choices import Level, World
from tests.factories import CompanyFactory, OfferFactory, PostcodeRangeFactory, RegionFactory
from tests.otp import VERIFY, code_login, password_login

pytestmark = pytest.mark.django_db

User = get_user_model()

REGION_SLUGS = {
    "zaanstreek-waterland",
    "noord-holland-noord",
    "amsterdam",
    "utrecht",
    "zuidwest-drenthe",
}


def loaddemo(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("loaddemo", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def output(debug) -> str:
    return loaddemo()[0]


def printed_password(output: str) -> str:
    found = re.search(r"wachtwoord voor allemaal: (\S+)", output)
    assert found, output
    return found.group(1)


def logs_in(username: str, password: str) -> bool:
    """The /beheer/ login form takes the password and asks for the second factor next."""
    response = password_login(Client(), username, password)
    return response.status_code == 302 and response.url.startswith(VERIFY)


def otp_code(username: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("otp_code", username, stdout=out, stderr=err)
    return out.getvalue().strip()


def snapshot() -> dict[str, list[dict]]:
    """Every row the demo touches, as plain values."""
    return {
        "regions": list(Region.objects.order_by("pk").values()),
        "ranges": list(PostcodeRange.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "user_groups": list(User.groups.through.objects.order_by("pk").values()),
        "coordinators": list(Coordinator.objects.order_by("pk").values()),
        "coordinator_regions": list(Coordinator.regions.through.objects.order_by("pk").values()),
        "group_permissions": list(Group.permissions.through.objects.order_by("pk").values()),
    }


def without_updated_at(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {
        table: [{k: v for k, v in row.items() if k != "updated_at"} for row in values]
        for table, values in rows.items()
    }


# --- what it loads ----------------------------------------------------------------------------


def test_loads_at_least_five_regions_each_with_postcode_ranges(output):
    regions = Region.objects.prefetch_related("postcode_ranges")
    assert len(regions) >= 5
    assert {region.slug for region in regions} >= REGION_SLUGS
    assert all(region.postcode_ranges.all() for region in regions)


def test_loads_thirty_companies_covering_all_seven_worlds(output):
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    assert companies.count() >= 30
    assert {world for company in companies for world in company.worlds} == set(World.values)
    assert all(company.contacts.count() in (1, 2) for company in companies)


def test_loads_thirty_school_locations_covering_every_level(output):
    schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)
    assert schools.count() >= 30
    assert {level for school in schools for level in school.school_levels} == set(Level.values)
    assert all(school.region_id for school in schools)


def test_every_company_except_the_deliberately_out_of_region_ones_has_a_region(output):
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    without_region = {c.kvk_number for c in companies if c.region_id is None}
    assert without_region  # the national desk has work
    assert without_region == OUT_OF_REGION_KVK_NUMBERS
    desk = Coordinator.objects.get(is_national_desk=True)
    for company in companies.filter(kvk_number__in=OUT_OF_REGION_KVK_NUMBERS):
        assert list(coordinators_for_postcode(company.postcode)) == [desk]


def test_every_region_has_one_active_coordinator_and_there_is_a_national_desk(output):
    for region in Region.objects.all():
        coordinators = region.coordinators.filter(is_active=True, user__is_active=True)
        assert len(coordinators) == 1, region
        assert not coordinators[0].is_national_desk
    desk = Coordinator.objects.get(is_national_desk=True)
    assert desk.user.username == "landelijke-desk"
    assert not desk.regions.exists()


def test_stored_identifiers_go_through_the_field_normalisers(output):
    organisations = Organisation.objects.all()
    assert all(re.fullmatch(r"[1-9]\d{3}[A-Z]{2}", o.postcode) for o in organisations)
    companies = organisations.filter(kind=Organisation.Kind.COMPANY)
    assert all(re.fullmatch(r"\d{8}", c.kvk_number) for c in companies)
    schools = organisations.filter(kind=Organisation.Kind.SCHOOL)
    assert all(re.fullmatch(r"\d{2}[A-Z]{2}\d{2}", s.vestigingscode) for s in schools)
    assert all(re.fullmatch(r"\+31\d{9}", c.phone) for c in Contact.objects.all())


def test_contact_details_are_invented_on_example_domains_and_test_numbers(output):
    for contact in Contact.objects.all():
        assert contact.email.endswith(".example.nl"), contact
        # 06-1234 xxxx, or an area code followed by 123.
        assert re.fullmatch(r"\+31(61234\d{4}|\d{2}123\d{4}|\d{3}123\d{3})", contact.phone)
    for organisation in Organisation.objects.all():
        assert urlsplit(organisation.website).hostname.endswith(".example.nl"), organisation
    assert all(user.email.endswith("@example.com") for user in User.objects.all())


# --- idempotence ------------------------------------------------------------------------------


def test_running_twice_leaves_counts_and_field_values_unchanged(output):
    before = snapshot()
    loaddemo()
    after = snapshot()
    assert {table: len(rows) for table, rows in after.items()} == {
        table: len(rows) for table, rows in before.items()
    }
    assert without_updated_at(after) == without_updated_at(before)


def test_a_second_run_writes_nothing_and_says_so(output, django_assert_max_num_queries):
    before = snapshot()
    with django_assert_max_num_queries(50):  # a few per table and group, not one per row
        second, _ = loaddemo()
    assert snapshot() == before  # updated_at included: no row was saved
    summary = second.split("Demo-logins")[0]
    assert "niets veranderd" in summary
    assert "nieuw" not in summary and "bijgewerkt" not in summary


def test_a_second_run_restores_demo_values_that_were_edited_by_hand(output):
    company = Organisation.objects.get(kvk_number="90562198")
    Organisation.objects.filter(pk=company.pk).update(city="Elders", worlds=[])
    company.contacts.update(name="Iemand Anders")
    again, _ = loaddemo()
    company.refresh_from_db()
    assert company.city == "Hoogeveen"
    assert company.worlds == [World.DESIGN, World.LIVING]
    assert "Iemand Anders" not in set(company.contacts.values_list("name", flat=True))
    assert re.search(r"bedrijven\s+\d+\s+\(1 bijgewerkt, \d+ ongewijzigd\)", again), again


def test_an_organisation_that_existed_before_the_demo_gets_its_region_from_the_new_ranges(debug):
    existing = CompanyFactory(postcode="7903AB", city="Hoogeveen")
    assert existing.region is None
    loaddemo()
    existing.refresh_from_db()
    assert existing.region.slug == "zuidwest-drenthe"


def test_a_demo_range_that_overlaps_a_hand_made_region_is_skipped_with_a_warning(debug):
    PostcodeRangeFactory(region=RegionFactory(name="Eigen regio"), start=1000, end=1010)
    output, warnings = loaddemo()
    assert "Postcodegebied 1000–1109 van Amsterdam overgeslagen" in warnings
    assert "1 overgeslagen" in output
    assert Region.objects.get(slug="amsterdam").postcode_ranges.count() == 0
    assert Organisation.objects.filter(kind=Organisation.Kind.COMPANY).count() >= 30


# --- logins -----------------------------------------------------------------------------------


def test_the_output_lists_every_demo_login_with_its_password(output):
    password = printed_password(output)
    usernames = ["beheerder", "landelijke-desk"] + [
        f"coordinator-{slug}" for slug in Region.objects.values_list("slug", flat=True)
    ]
    for username in usernames:
        assert re.search(rf"^\s+{re.escape(username)}\s+{re.escape(password)}\s", output, re.M)


def test_coordinators_are_staff_in_the_coordinator_group_and_log_in_with_the_printed_password(
    output,
):
    password = printed_password(output)
    group = Group.objects.get(name="Coördinatoren")
    coordinators = Coordinator.objects.select_related("user")
    assert len(coordinators) == Region.objects.count() + 1
    for coordinator in coordinators:
        user = coordinator.user
        assert user.is_staff and user.is_active and not user.is_superuser, user
        assert group in user.groups.all(), user
        assert logs_in(user.username, password), user


def test_a_coordinator_may_open_the_organisation_list_in_beheer(output):
    client = Client()
    password_login(client, "coordinator-amsterdam", printed_password(output))
    assert code_login(client, otp_code("coordinator-amsterdam")).status_code == 302
    assert client.get("/beheer/organisations/organisation/").status_code == 200
    assert client.get("/beheer/organisations/region/").status_code == 200


def test_the_superuser_logs_in_with_the_printed_password(output):
    user = User.objects.get(username="beheerder")
    assert user.is_superuser and user.is_staff
    assert logs_in("beheerder", printed_password(output))


def test_a_changed_password_survives_a_rerun_until_reset_passwords(output):
    user = User.objects.get(username="coordinator-utrecht")
    user.set_password("mijn-eigen-wachtwoord")
    user.save()
    loaddemo()
    assert logs_in("coordinator-utrecht", "mijn-eigen-wachtwoord")
    reset, _ = loaddemo("--reset-passwords")
    assert "Alle demowachtwoorden zijn teruggezet." in reset
    assert logs_in("coordinator-utrecht", printed_password(reset))


def test_every_demo_login_has_an_authenticator_app_whose_code_otp_code_prints(output):
    logins = re.findall(r"^  (\S+)\s+techportal-demo\s", output, re.M)
    assert len(logins) >= 8
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert sorted(device.user.username for device in devices) == sorted(logins)
    assert "manage.py otp_code <gebruikersnaam>" in output

    client = Client()
    password_login(client, "beheerder", printed_password(output))
    assert code_login(client, otp_code("beheerder"), next_path="/beheer/auth/user/").url == (
        "/beheer/auth/user/"
    )
    assert client.get("/beheer/auth/user/").status_code == 200


def test_a_second_run_adds_no_devices_and_keeps_one_the_user_set_up(output):
    user = User.objects.get(username="coordinator-utrecht")
    TOTPDevice.objects.filter(user=user).update(name="Mijn telefoon")
    before = set(TOTPDevice.objects.values_list("pk", "key"))

    loaddemo()

    assert set(TOTPDevice.objects.values_list("pk", "key")) == before


def test_otp_code_refuses_without_debug(output, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        otp_code("beheerder")


def test_otp_code_explains_an_unknown_user_or_one_without_an_app(debug):
    with pytest.raises(CommandError, match="Geen account"):
        otp_code("niemand")
    User.objects.create_user("zonder-app", password="x", is_staff=True)
    with pytest.raises(CommandError, match="geen authenticator-app"):
        otp_code("zonder-app")


def test_it_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        loaddemo()
    assert not User.objects.exists()
    loaddemo("--force")
    assert User.objects.filter(username="beheerder").exists()


# --- the coordinator group --------------------------------------------------------------------


def test_the_coordinator_group_has_exactly_its_listed_permissions():
    group = coordinator_group_ensure()
    assert group.name == "Coördinatoren"
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_organisation",
        "add_organisation",
        "change_organisation",
        "view_contact",
        "add_contact",
        "change_contact",
        "view_region",
        "view_postcoderange",
        "view_coordinator",
        "view_signup",
        "change_signup",
        "view_signupnote",
        "add_signupnote",
        "view_signupevent",
        "view_offer",
        "change_offer",
        "view_offerrequest",
        "view_match",
        "add_match",
        "change_match",
        "view_impact",
        "view_event",
        "view_timeslot",
        "view_workshop",
        "view_registration",
    }
    assert {p.content_type.app_label for p in group.permissions.all()} == {
        "organisations",
        "matching",
        "offers",
        "events",
    }


def test_migrate_keeps_the_coordinator_group_up_to_date(db):
    Group.objects.filter(name="Coördinatoren").delete()
    call_command("migrate", verbosity=0)
    group = Group.objects.get(name="Coördinatoren")
    assert group.permissions.filter(codename="view_match").exists()


def test_ensuring_the_coordinator_group_again_removes_extra_permissions_and_adds_no_group():
    group = coordinator_group_ensure()
    group.permissions.add(Permission.objects.get(codename="delete_organisation"))
    again = coordinator_group_ensure()
    assert again.pk == group.pk
    assert Group.objects.filter(name="Coördinatoren").count() == 1
    assert not again.permissions.filter(codename="delete_organisation").exists()


# --- PC4 centres --------------------------------------------------------------------------------


def test_an_offer_written_before_its_centre_was_known_gets_it_from_the_demo(debug):
    offer = OfferFactory(organisation=CompanyFactory(postcode="1043AA", kvk_number="12121212"))
    offer.refresh_from_db()
    assert (offer.pc4, offer.latitude) == (1043, None)

    loaddemo()

    offer.refresh_from_db()
    assert (offer.latitude, offer.longitude) == (52.3850, 4.8330)
