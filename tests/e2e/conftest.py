"""Browser tests: pytest-playwright drives Debian's Chromium against the live server."""

import datetime
import os
import shutil

import pytest
from django.utils import timezone

from events.models import Event, TimeSlot
from organisations.models import Organisation, Region
from tests.events.conftest import make_event

# Playwright's sync API runs an event loop in the test thread, while the test, its fixtures and
# pytest-django's teardown still use the database synchronously, which Django otherwise
# refuses. It must hold from the browser's start to the last teardown, so it is set here
# rather than per test; pytest-django runs these live-server tests last.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server, page):
    """The page, with a helper to open a path on the live server."""
    page.set_default_timeout(10_000)
    page.goto_path = lambda path: page.goto(f"{live_server.url}{path}")
    return page


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


# --- data shared by the browser tests -------------------------------------------------------------

ARRIVALS = [
    (datetime.time(9), datetime.time(10, 30)),
    (datetime.time(10, 45), datetime.time(12, 15)),
]


def open_pet_event(region: Region, *capacities: int) -> tuple[Event, list[TimeSlot]]:
    """A published PET event open for registration, 30 days ahead in `region`, organised by
    Techniekpact Amsterdam; with an arrival slot (9:00, then 10:45) for each of `capacities`."""
    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER,
        name="Techniekpact Amsterdam",
        street_address="Damrak 1",
        postcode="1012LG",
        city="Amsterdam",
    )
    event = make_event(
        organiser=organiser,
        region=region,
        date=timezone.localdate() + datetime.timedelta(days=30),
    )
    slots = [
        TimeSlot.objects.create(event=event, starts_at=start, ends_at=end, capacity=capacity)
        for (start, end), capacity in zip(ARRIVALS, capacities, strict=False)
    ]
    return event, slots
