"""/impact/: national and per-region totals for everyone, without any personal data."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from matching.impact.figures import Period
from matching.views.impact import summary_cache_key
from tests.factories import MatchFactory

from .impact_fixtures import impact_world

pytestmark = pytest.mark.django_db

PAGE = "/impact/"


def this_and_last_school_year() -> list[Period]:
    today = timezone.localdate()
    return [Period.school_year(today), Period.school_year(today, years_back=1)]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test computes its own figures: forget what an earlier test cached."""
    keys = [summary_cache_key(period) for period in this_and_last_school_year()]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def world(region_a, region_b, company_a, company_b):
    """The fixture rows, in last school year (so a few fall in this one)."""
    last_year = this_and_last_school_year()[1]
    return impact_world(region_a, region_b, company_a, company_b, first_year=last_year.start.year)


def section(html: str, period: Period) -> str:
    return html.split(f'id="schooljaar-{period.start.year}-{period.end.year}"')[1].split(
        "</section>"
    )[0]


def cells(html: str, row_name: str) -> list[str]:
    """The numbers in the table row headed `row_name`."""
    row = html.split(f'<th scope="row">{row_name}</th>')[1].split("</tr>")[0]
    return [part.split("</td>")[0] for part in row.split('<td class="num">')[1:]]


def main(html: str) -> str:
    return html.split("<main")[1].split("</main>")[0]


def test_the_page_shows_the_totals_of_last_school_year(client, world):
    html = client.get(PAGE).content.decode()
    last_year = section(html, this_and_last_school_year()[1])

    # companies, offers, matches carried out, pupils, event registrations
    assert cells(last_year, "Amsterdam") == ["2", "2", "2", "90", "2"]
    assert cells(last_year, "Utrecht") == ["1", "1", "0", "25", "1"]
    assert cells(last_year, "Zonder regio") == ["1", "1", "0", "0", "0"]
    assert cells(last_year, "Landelijk") == ["4", "4", "2", "115", "3"]


def test_the_page_shows_this_school_year_apart(client, world):
    html = client.get(PAGE).content.decode()
    this_year = section(html, this_and_last_school_year()[0])

    # Only the event held after last school year falls in this one: 30 pupils in Amsterdam.
    assert cells(this_year, "Amsterdam") == ["0", "0", "0", "30", "1"]
    assert cells(this_year, "Landelijk") == ["0", "0", "0", "30", "1"]


def test_the_page_holds_no_names_or_email_addresses(client, world):
    html = client.get(PAGE).content.decode()

    assert world.personal  # the fixture stored names and addresses to leak
    for value in world.personal:
        assert value not in html, value
    for organisation in [*world.companies.values(), *world.schools.values()]:
        assert organisation.name not in html, organisation.name
    assert "@" not in main(html)


def test_the_page_draws_a_chart_with_the_tables_numbers(client, world):
    html = client.get(PAGE).content.decode()

    assert html.count('<svg class="impact-chart"') >= 1
    assert "<title>Amsterdam: 90</title>" in html
    assert "style=" not in main(html)


def test_the_figures_are_cached_for_a_while(client, world, django_assert_max_num_queries):
    before = client.get(PAGE).content.decode()
    last_year = this_and_last_school_year()[1]
    MatchFactory(
        offer__organisation=world.companies["a"],
        status="carried_out",
        pupils=100,
        date=last_year.start + datetime.timedelta(days=10),
    )

    with django_assert_max_num_queries(0):
        cached = client.get(PAGE).content.decode()
    cache.delete(summary_cache_key(last_year))
    fresh = client.get(PAGE).content.decode()

    assert main(cached) == main(before)
    assert cells(section(fresh, last_year), "Landelijk") == ["4", "4", "3", "215", "3"]


def test_the_footer_links_to_the_page(client):
    assert 'href="/impact/"' in client.get("/").content.decode()
    assert client.get(PAGE).status_code == 200
