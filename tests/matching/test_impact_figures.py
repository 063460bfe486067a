"""Every impact figure equals a hand count on a fixture set with rows inside and outside the
school year 2025–2026 and inside and outside the regions (see impact_fixtures.py)."""

import datetime

import pytest

from matching.impact.figures import (
    NO_REGION,
    TOTAL,
    Period,
    Scope,
    companies_table,
    dashboard,
    events_table,
    matches_table,
    offers_table,
    public_summary,
    pupils_table,
    requests_table,
    signups_table,
)
from techportal.choices import World

from .impact_fixtures import SCHOOL_YEAR, impact_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(region_a, region_b, company_a, company_b):
    return impact_world(region_a, region_b, company_a, company_b)


@pytest.fixture
def everywhere(world):
    return Scope.of(SCHOOL_YEAR, None)


@pytest.fixture
def only_a(world, region_a):
    return Scope.of(SCHOOL_YEAR, [region_a])


def rows(table) -> dict[str, tuple]:
    return {str(row[0]): tuple(row[1:]) for row in table.rows}


# --- periods --------------------------------------------------------------------------------


def test_a_school_year_runs_from_august_to_july():
    assert Period.school_year(datetime.date(2026, 11, 21)) == Period(
        datetime.date(2026, 8, 1), datetime.date(2027, 7, 31)
    )
    assert Period.school_year(datetime.date(2026, 7, 31)) == SCHOOL_YEAR
    assert Period.school_year(datetime.date(2026, 11, 21), years_back=1) == Period(
        datetime.date(2025, 8, 1), datetime.date(2026, 7, 31)
    )


def test_the_last_twelve_months_end_today_and_survive_a_leap_day():
    assert Period.last_twelve_months(datetime.date(2026, 11, 21)) == Period(
        datetime.date(2025, 11, 22), datetime.date(2026, 11, 21)
    )
    assert Period.last_twelve_months(datetime.date(2028, 2, 29)).start == datetime.date(2027, 3, 1)


def test_a_period_runs_from_midnight_to_midnight_in_amsterdam():
    first, after = SCHOOL_YEAR.moments
    assert first.isoformat() == "2025-08-01T00:00:00+02:00"
    assert after.isoformat() == "2026-08-01T00:00:00+02:00"


# --- the tables -----------------------------------------------------------------------------


def test_it_counts_signups_with_their_median_hours_per_region(everywhere):
    table = signups_table(everywhere)

    assert rows(table) == {
        "Amsterdam": (3, 4.0, 15.0),
        "Utrecht": (1, 1.0, 3.0),
        str(NO_REGION): (1, None, None),
    }
    assert table.total == (TOTAL, 5, 3.0, 10.0)


def test_it_counts_offers_published_per_kind_and_region(everywhere):
    table = offers_table(everywhere)
    labels = [str(column.label) for column in table.columns]
    gastles, workshop, total = labels.index("Gastles"), labels.index("Workshop"), len(labels) - 1

    def pick(row):
        return (row[gastles - 1], row[workshop - 1], row[total - 1])

    assert {name: pick(row) for name, row in rows(table).items()} == {
        "Amsterdam": (1, 1, 2),
        "Utrecht": (1, 0, 1),
        str(NO_REGION): (1, 0, 1),
    }
    assert table.total[-1] == 4
    assert sum(table.total[1:-1]) == 4


def test_it_counts_requests_per_status_by_the_offers_region(everywhere):
    table = requests_table(everywhere)

    # requested, accepted, declined, withdrawn, total
    assert rows(table) == {"Amsterdam": (1, 1, 0, 0, 2), "Utrecht": (0, 0, 1, 0, 1)}
    assert table.total == (TOTAL, 1, 1, 1, 0, 3)


def test_it_counts_matches_created_per_status(everywhere):
    table = matches_table(everywhere)

    # proposed, confirmed, carried out, closed, cancelled, total
    assert rows(table) == {
        "Amsterdam": (2, 0, 0, 1, 0, 3),
        "Utrecht": (0, 0, 0, 0, 1, 1),
        str(NO_REGION): (0, 1, 0, 0, 0, 1),
    }
    assert table.total == (TOTAL, 2, 1, 0, 1, 1, 5)


def test_it_counts_pupils_reached_by_matches_and_events(everywhere):
    table = pupils_table(everywhere)

    assert rows(table) == {"Amsterdam": (55, 35, 90), "Utrecht": (0, 25, 25)}
    assert table.total == (TOTAL, 55, 60, 115)


def test_it_lists_registrations_and_capacity_per_event_held(everywhere):
    table = events_table(everywhere)

    assert table.rows == [
        ("PET-event b (01-12-2025)", "Utrecht", 1, 0, 25, 60),
        ("PET-event a (10-03-2026)", "Amsterdam", 2, 1, 35, 90),
    ]
    assert table.total == (TOTAL, "", 3, 1, 60, 150)


def test_it_counts_active_companies_per_world_and_each_once_in_the_total(everywhere):
    table = companies_table(everywhere)

    counts = rows(table)
    assert counts[str(World.ENERGY.label)] == (1,)
    assert counts[str(World.HITECH.label)] == (1,)
    assert counts[str(World.LIVING.label)] == (1,)
    assert counts[str(World.FOOD.label)] == (1,)
    assert counts[str(World.HEALTH.label)] == (1,)  # matched in the year, published before
    assert counts[str(World.DIGITAL.label)] == (0,)  # published before the year only
    assert counts[str(World.DESIGN.label)] == (0,)  # a draft
    assert table.total[1] == 4  # companies A, B, C and the one outside the regions


# --- scoping --------------------------------------------------------------------------------


def test_a_scope_of_one_region_counts_only_that_region(only_a):
    tables = {table.slug: table for table in dashboard(only_a)}

    for table in tables.values():
        if table.slug not in ("bedrijven", "evenementen"):
            assert [str(row[0]) for row in table.rows] == ["Amsterdam"], table.slug
    assert tables["aanmeldingen"].total == (TOTAL, 3, 4.0, 15.0)
    assert tables["aanbod"].total[-1] == 2
    assert tables["matches"].total[-1] == 3
    assert tables["leerlingen"].total == (TOTAL, 55, 35, 90)
    assert [row[1] for row in tables["evenementen"].rows] == ["Amsterdam"]
    assert tables["bedrijven"].total[1] == 2  # companies A and C


def test_a_scope_without_regions_counts_nothing(world):
    tables = dashboard(Scope.of(SCHOOL_YEAR, []))

    for table in tables:
        numbers = [value for value in table.total[1:] if isinstance(value, int | float)]
        assert not any(numbers), table.slug


def test_a_region_without_figures_shows_zeros(world, region_a):
    empty_year = Period(datetime.date(2020, 8, 1), datetime.date(2021, 7, 31))

    table = signups_table(Scope.of(empty_year, [region_a]))

    assert table.rows == [("Amsterdam", 0, None, None)]
    assert table.total == (TOTAL, 0, None, None)


def test_the_dashboard_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    scope = Scope.of(SCHOOL_YEAR, None)
    with django_assert_max_num_queries(9):
        dashboard(scope)


# --- the public summary ---------------------------------------------------------------------


def test_the_public_summary_counts_per_region_and_nationally(world):
    summary = public_summary(SCHOOL_YEAR)

    by_name = {row.name: row for row in summary.regions}
    assert vars(by_name["Amsterdam"]) == {
        "name": "Amsterdam",
        "companies": 2,
        "offers": 2,
        "matches": 2,
        "pupils": 90,
        "registrations": 2,
    }
    assert vars(by_name["Utrecht"]) == {
        "name": "Utrecht",
        "companies": 1,
        "offers": 1,
        "matches": 0,
        "pupils": 25,
        "registrations": 1,
    }
    assert (summary.national.companies, summary.national.offers) == (4, 4)
    assert (summary.national.matches, summary.national.pupils) == (2, 115)
    assert summary.national.registrations == 3
