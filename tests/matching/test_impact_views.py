"""/beheer/impact/ and its CSVs, checked from the outside: who sees which regions, what a bad or
forged filter gets, and that the page's query count does not grow with the data."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.impact.figures import TABLES, Period
from matching.models import Match
from organisations.services import (
    coordinator_group_ensure,
    organiser_group_ensure,
    programme_lead_group_ensure,
)
from tests.factories import MatchFactory, SchoolFactory, SignUpFactory, UserFactory

from .impact_fixtures import _event, _register, at, impact_world

pytestmark = pytest.mark.django_db

PAGE = "/beheer/impact/"
YEAR = {"van": "2025-08-01", "tot": "2026-07-31"}


def csv_url(table: str) -> str:
    return reverse("impact_csv", args=[table])


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def world(region_a, region_b, company_a, company_b):
    return impact_world(region_a, region_b, company_a, company_b)


@pytest.fixture
def programme_lead_client(client):
    user = UserFactory(username="programmaleider", is_staff=True)
    user.groups.add(programme_lead_group_ensure())
    client.force_login(user)
    return client


# --- who sees what --------------------------------------------------------------------------


def test_a_coordinator_sees_only_their_own_regions_figures(coordinator_a_client, world):
    response = coordinator_a_client.get(PAGE, YEAR)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Amsterdam" in html
    assert "Utrecht" not in html
    assert "Zonder regio" not in html
    assert "PET-event a" in html
    assert "PET-event b" not in html
    assert html.count('<svg class="impact-chart"') == len(TABLES)


@pytest.mark.parametrize("table", list(TABLES))
def test_every_csv_of_a_coordinator_holds_only_their_regions(coordinator_a_client, world, table):
    response = coordinator_a_client.get(csv_url(table), YEAR)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert "Utrecht" not in text
    assert "Zonder regio" not in text
    assert "PET-event b" not in text
    assert read_csv(response)[-1][0].startswith("Totaal")


def test_the_csv_holds_the_same_figures_as_the_page(coordinator_a_client, world):
    rows = read_csv(coordinator_a_client.get(csv_url("aanmeldingen"), YEAR))

    assert rows == [
        ["Regio", "Aanmeldingen", "Mediaan uren tot doorsturen", "Mediaan uren tot behandeling"],
        ["Amsterdam", "3", "4,0", "15,0"],
        ["Totaal", "3", "4,0", "15,0"],
    ]


def test_a_forged_region_of_another_coordinator_is_refused(coordinator_a_client, world, region_b):
    forged = YEAR | {"regio": region_b.pk}

    page = coordinator_a_client.get(PAGE, forged)
    export = coordinator_a_client.get(csv_url("leerlingen"), forged)

    assert page.status_code == 400
    html = page.content.decode()
    assert "Kies een van uw regio&#x27;s uit de lijst." in html
    assert "Utrecht" not in html
    assert export.status_code == 400
    assert b"Utrecht" not in export.content


def test_a_coordinator_may_pick_their_own_region(coordinator_a_client, world, region_a):
    response = coordinator_a_client.get(PAGE, YEAR | {"regio": region_a.pk})

    assert response.status_code == 200
    assert f"regio={region_a.pk}" in response.content.decode()


def test_a_programme_lead_sees_every_region(programme_lead_client, world):
    html = programme_lead_client.get(PAGE, YEAR).content.decode()

    assert "Amsterdam" in html
    assert "Utrecht" in html
    assert "Zonder regio" in html
    assert "PET-event b" in html


def test_the_national_desk_sees_every_region_and_may_pick_one(
    national_desk_client, world, region_b
):
    everything = national_desk_client.get(csv_url("matches"), YEAR)
    one = national_desk_client.get(csv_url("matches"), YEAR | {"regio": region_b.pk})

    assert [row[0] for row in read_csv(everything)] == [
        "Regio",
        "Amsterdam",
        "Utrecht",
        "Zonder regio",
        "Totaal",
    ]
    assert [row[0] for row in read_csv(one)] == ["Regio", "Utrecht", "Totaal"]


def test_an_outsider_is_sent_to_the_admin_login(client, outsider):
    client.force_login(outsider)

    for url in (PAGE, csv_url("aanmeldingen")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/beheer/login/")


def test_staff_without_the_permission_are_refused(client):
    organiser = UserFactory(username="organisator", is_staff=True)
    organiser.groups.add(organiser_group_ensure())
    client.force_login(organiser)

    assert client.get(PAGE).status_code == 403
    assert client.get(csv_url("aanmeldingen")).status_code == 403


def test_an_unknown_table_is_not_found(coordinator_a_client):
    assert coordinator_a_client.get(csv_url("wachtwoorden")).status_code == 404


def test_the_admin_index_links_to_the_dashboard_for_those_who_may_see_it(
    coordinator_a_client, client
):
    assert PAGE in coordinator_a_client.get("/beheer/").content.decode()

    organiser = UserFactory(username="organisator", is_staff=True)
    organiser.groups.add(organiser_group_ensure())
    client.force_login(organiser)
    assert PAGE not in client.get("/beheer/").content.decode()


# --- the filter -----------------------------------------------------------------------------


def test_without_a_filter_it_shows_the_last_twelve_months(coordinator_a_client):
    response = coordinator_a_client.get(PAGE)

    period = Period.last_twelve_months(timezone.localdate())
    assert response.status_code == 200
    assert f"van={period.start.isoformat()}&amp;tot={period.end.isoformat()}" in (
        response.content.decode()
    )


@pytest.mark.parametrize(("preset", "years_back"), [("schooljaar", 0), ("vorig-schooljaar", 1)])
def test_a_preset_picks_a_school_year(coordinator_a_client, preset, years_back):
    response = coordinator_a_client.get(PAGE, {"periode": preset})

    period = Period.school_year(timezone.localdate(), years_back=years_back)
    assert response.status_code == 200
    assert f"van={period.start.isoformat()}&amp;tot={period.end.isoformat()}" in (
        response.content.decode()
    )


def test_a_preset_picks_the_calendar_year(coordinator_a_client):
    response = coordinator_a_client.get(PAGE, {"periode": "kalenderjaar"})

    year = timezone.localdate().year
    assert f"van={year}-01-01&amp;tot={year}-12-31" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"van": "2026-07-31", "tot": "2025-08-01"}, "De einddatum ligt vóór de begindatum."),
        ({"van": "gisteren", "tot": "2026-07-31"}, "Vul een geldige datum in"),
        ({"van": "2025-02-30", "tot": "2026-07-31"}, "Vul een geldige datum in"),
        ({"van": "9" * 5000, "tot": "2026-07-31"}, "Vul een geldige datum in"),
        ({"van": "2025-08-01"}, "Vul beide datums in, of kies een periode."),
        ({"van": "1900-01-01", "tot": "1905-01-01"}, "Kies een periode tussen 2000"),
        ({"van": "2000-01-01", "tot": "2026-01-01"}, "hoogstens tien jaar"),
        ({"periode": "altijd"}, "Kies een van de periodes uit de lijst."),
        ({"regio": "1 OR 1=1"}, "Kies een van uw regio"),
        ({"regio": "99999999999999999999"}, "Kies een van uw regio"),
        ({"regio": "'; DROP TABLE organisations_region; --"}, "Kies een van uw regio"),
    ],
)
def test_a_bad_filter_gets_a_dutch_error_and_no_figures(
    coordinator_a_client, world, params, message
):
    response = coordinator_a_client.get(PAGE, params)

    assert response.status_code == 400
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    assert 'id="foutmeldingen"' in html
    assert "impact-chart" not in html.split("</form>")[1]
    assert coordinator_a_client.get(csv_url("aanmeldingen"), params).status_code == 400


def test_malicious_input_is_echoed_escaped(coordinator_a_client):
    attack = "<script>alert(1)</script>"

    response = coordinator_a_client.get(PAGE, {"van": attack, "tot": "2026-07-31"})

    assert response.status_code == 400
    html = response.content.decode()
    assert attack not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_csv_cell_never_runs_as_a_formula(national_desk_client, region_a):
    event, slot = _event(
        SchoolFactory.create(kind="organiser", vestigingscode=None, name="Org"),
        region_a,
        datetime.date(2026, 3, 3),
        "formule",
    )
    event.title = '=HYPERLINK("http://example.com")'
    event.save()
    _register(event, slot, SchoolFactory(), 20, "confirmed", "Sam Post")

    rows = read_csv(national_desk_client.get(csv_url("evenementen"), YEAR))

    assert rows[1][0].startswith("'=HYPERLINK")


# --- queries --------------------------------------------------------------------------------


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE, YEAR).status_code == 200
    return len(queries)


def test_the_page_runs_a_bounded_number_of_queries_whatever_the_data(
    programme_lead_client, world, region_a, region_b
):
    few = _page_queries(programme_lead_client)

    for day in range(1, 11):
        SignUpFactory(received_at=at(2025, 9, day))
        match = MatchFactory(
            status=Match.Status.CARRIED_OUT, pupils=20, date=datetime.date(2025, 9, day)
        )
        Match.objects.filter(pk=match.pk).update(created_at=at(2025, 9, day))
        event, slot = _event(
            world.companies["a"].__class__.objects.create(kind="organiser", name=f"Org {day}"),
            region_b,
            datetime.date(2025, 10, day),
            f"extra-{day}",
        )
        _register(event, slot, world.schools["b"], 10, "confirmed", f"Docent {day}")
    many = _page_queries(programme_lead_client)

    assert many == few
    assert many <= 20


# --- groups and demo ------------------------------------------------------------------------


def test_coordinators_and_programme_leads_may_view_impact():
    assert coordinator_group_ensure().permissions.filter(codename="view_impact").exists()
    lead = programme_lead_group_ensure()
    assert lead.name == "Programmaleiders"
    assert set(lead.permissions.values_list("codename", flat=True)) == {
        "view_signup",
        "view_offer",
        "view_match",
        "view_impact",
        "view_event",
    }
    assert Group.objects.filter(name="Programmaleiders").count() == 1
    assert programme_lead_group_ensure().pk == lead.pk


def test_migrate_ensures_the_programme_lead_group():
    Group.objects.filter(name="Programmaleiders").delete()
    call_command("migrate", verbosity=0)
    assert (
        Group.objects.get(name="Programmaleiders")
        .permissions.filter(codename="view_impact")
        .exists()
    )


def test_the_demo_has_matches_for_the_dashboard_and_loads_only_once(settings, client):
    settings.DEBUG = True
    call_command("loaddemo", verbosity=0)
    statuses = set(Match.objects.values_list("status", flat=True))
    count = Match.objects.count()

    call_command("loaddemo", verbosity=0)

    assert {"proposed", "confirmed", "carried_out", "closed", "cancelled"} <= statuses
    assert Match.objects.count() == count
    client.force_login(UserFactory(username="lead", is_superuser=True, is_staff=True))
    html = client.get(PAGE).content.decode()
    assert "Geen cijfers om te tonen" not in html.split('id="leerlingen"')[1].split("</section>")[0]
