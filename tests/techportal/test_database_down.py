"""PostgreSQL gone while the site runs: a Dutch 503 page, /health/ 503, and recovery.

The first test runs the real thing: gunicorn on a throwaway PostgreSQL cluster of its own
(tests/stack.PostgresCluster, a copy of the test database), which the test stops and starts
again under the running web process. The others use Django's test client with the
connection pointed at a closed port, for what is cheaper to look at in-process: the log record.
"""

import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core import signing
from django.db import connection

from matching.queries import STATUS_LINK_SALT
from techportal import views
from tests.stack import PostgresCluster, Service, database_url, free_port, spawn, wait_for

DUTCH_PAGE = "Techportal is even niet bereikbaar"
# A browser that has been on /beheer/ before: its session must be looked up in the database.
SESSION = {"sessionid": "x" * 32}


def gunicorn_workers(master: Service) -> set[int]:
    """The pids of the master's worker processes, from /proc."""
    workers = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == master.process.pid:
                workers.add(int(entry.name))
    return workers


@pytest.fixture
def site_on_own_postgres(django_db_setup, django_db_blocker, tmp_path) -> Iterator[tuple]:
    """gunicorn serving a copy of the test database from a cluster the test can stop."""
    cluster = PostgresCluster()
    web = None
    try:
        with django_db_blocker.unblock():
            cluster.create(copy_of=database_url(connection.settings_dict))
        port = free_port()
        env = os.environ | {
            "TECHPORTAL_ENV_FILE": os.devnull,
            "DJANGO_SETTINGS_MODULE": "techportal.settings.test",
            "DATABASE_URL": cluster.url(),
            "REDIS_URL": settings.REDIS_URL,
            "LOG_LEVEL": "INFO",
        }
        web = spawn(
            "gunicorn",
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "techportal.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--threads=2",
                "--graceful-timeout=1",
                "--no-control-socket",
            ],
            env=env,
            log=tmp_path / "gunicorn.log",
        )
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10.0)
        wait_for(lambda: _answers(http), what="gunicorn to answer", services=[web])
        yield cluster, web, http
    finally:
        if web is not None:
            web.stop(timeout=5)
        cluster.destroy()


def _answers(http: httpx.Client) -> bool:
    try:
        return http.get("/").status_code == 200
    except httpx.TransportError:
        return False


def test_a_stopped_database_shows_a_dutch_503_page_and_the_site_recovers_when_it_returns(
    site_on_own_postgres,
):
    cluster, web, http = site_on_own_postgres
    http.cookies = SESSION
    assert http.get("/beheer/").status_code == 302  # to the login page
    workers = gunicorn_workers(web)

    cluster.stop()

    assert http.get("/").status_code == 200  # the home page needs no database
    for path, cookies in (("/aanbod/?q=lassen", {}), ("/evenementen/", {}), ("/beheer/", SESSION)):
        http.cookies = cookies
        page = http.get(path)
        assert page.status_code == 503, path
        assert page.headers["Retry-After"] == "30"
        assert page.headers["Content-Language"] == "nl"
        assert "no-store" in page.headers["Cache-Control"]
        assert DUTCH_PAGE in page.text
        assert "Traceback" not in page.text and "OperationalError" not in page.text
    health = http.get("/health/")
    assert health.status_code == 503
    assert health.json()["database"]["ok"] is False

    cluster.start()

    assert http.get("/aanbod/?q=lassen").status_code == 200
    assert http.get("/evenementen/").status_code == 200
    assert http.get("/beheer/login/").status_code == 200  # with the session cookie
    assert http.get("/health/").json()["database"]["ok"] is True
    assert web.running and gunicorn_workers(web) == workers  # nothing was restarted

    log = web.log.read_text()
    assert len(re.findall(r"ERROR techportal\.database: Database unavailable", log)) == 3
    assert "Traceback" not in log


@pytest.fixture
def database_unreachable(django_db_blocker) -> Iterator[None]:
    """The default connection pointed at a port where nothing listens."""
    with django_db_blocker.unblock():
        real_port = connection.settings_dict["PORT"]
        connection.close()
        connection.settings_dict["PORT"] = str(free_port())
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["PORT"] = real_port


def test_the_error_is_logged_once_without_the_token_of_a_private_link(
    client, database_unreachable, caplog
):
    token = signing.dumps(12345, salt=STATUS_LINK_SALT)  # a well-formed link: looked up

    with caplog.at_level(logging.INFO):
        response = client.get(f"/aanmelden/status/{token}/", {"email": "sam@example.nl"})

    assert response.status_code == 503
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [(record.name, record.exc_info) for record in errors] == [("techportal.database", None)]
    message = errors[0].getMessage()
    assert message.startswith("Database unavailable, answered 503: GET /aanmelden/status/<")
    assert "OperationalError" in message
    assert token not in message and "sam@" not in message


def test_an_error_in_the_session_middleware_also_gives_the_page(client, database_unreachable):
    client.cookies["sessionid"] = "x" * 32

    response = client.get("/beheer/")

    assert response.status_code == 503
    assert DUTCH_PAGE in response.content.decode()


def test_the_page_is_english_for_who_chose_english(client, database_unreachable):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/aanbod/")

    assert response.status_code == 503
    assert response.headers["Content-Language"] == "en"


def test_other_errors_still_give_the_500_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not the database")

    monkeypatch.setattr(views, "render", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert DUTCH_PAGE not in response.content.decode()
