"""The impact dashboard in a real browser: a coordinator logs in (password, then a code from
their authenticator app), picks last school year and sees bar charts (drawn as SVG by the
server) next to tables with the same figures."""

import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from matching.impact.figures import Period
from organisations.services import coordinator_group_ensure
from tests.matching.impact_fixtures import impact_world
from tests.otp import current_code


@pytest.fixture
def figures(db, region_a, region_b, company_a, company_b, coordinator_a):
    last_year = Period.school_year(timezone.localdate(), years_back=1)
    coordinator_a.user.groups.add(coordinator_group_ensure())
    impact_world(region_a, region_b, company_a, company_b, first_year=last_year.start.year)
    return coordinator_a


@pytest.fixture
def app(figures) -> TOTPDevice:
    return TOTPDevice.objects.create(user=figures.user, name="telefoon", confirmed=True)


def test_a_coordinator_opens_the_dashboard_and_the_charts_render(site, figures, app):
    site.goto_path("/beheer/login/?next=/beheer/")
    site.get_by_label("Gebruikersnaam").fill("coordinator-a")
    site.get_by_label("Wachtwoord").fill("correct horse battery staple")
    site.get_by_role("button", name=re.compile("Aanmelden|Inloggen")).click()
    expect(site.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    site.get_by_label("Code").fill(current_code(app))
    site.get_by_role("button", name="Bevestigen").click()

    site.get_by_role("link", name="Impact").click()
    expect(site.get_by_role("heading", level=1)).to_have_text("Impact")
    site.get_by_role("link", name="Vorig schooljaar").click()

    pupils = site.locator("#leerlingen")
    chart = pupils.get_by_role("img", name="Leerlingen bereikt")
    expect(chart).to_be_visible()
    bar = chart.locator("rect.impact-chart-bar").first
    box = bar.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 5
    expect(pupils.locator("table tbody tr")).to_have_count(1)
    expect(pupils.locator("table tbody tr").first).to_contain_text("Amsterdam")
    expect(pupils.locator("table tbody tr").first).to_contain_text("90")
    expect(pupils.locator("table tfoot")).to_contain_text("90")
    expect(site.locator("#content")).not_to_contain_text("Utrecht")

    charts = site.locator("svg.impact-chart")
    expect(charts).to_have_count(7)
    for index in range(7):
        expect(charts.nth(index)).to_be_visible()
