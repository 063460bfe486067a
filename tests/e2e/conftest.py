"""Browser tests: pytest-playwright drives Debian's Chromium against the live server."""

import os
import shutil

import pytest

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
