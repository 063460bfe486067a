"""A sign-up's way through the real processes: the form, Redis, a Celery worker and the sweep.

The first tests post with Django's test client to the session's `celery_worker`. The others
run a private stack (tests/stack.py): gunicorn, a Celery worker and a redis-server of their
own, which they can kill or stop without disturbing other test runs.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from matching.models import SignUp
from tests.stack import Stack, database_url, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"TP-\d{4}-\d{5}")
HIDDEN_FIELD = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')
IN_REGION_A = "1011 AB"  # Amsterdam
OUTSIDE_EVERY_REGION = "9711 AA"  # Groningen


def open_form(client) -> dict[str, str]:
    """GET the form as a browser does; returns its hidden fields (CSRF token and form token)."""
    page = client.get("/aanmelden/")
    assert page.status_code == 200
    return dict(HIDDEN_FIELD.findall(page.content.decode()))


def submit(client, data: dict):
    """Open the form and post `data` with its hidden fields; returns the response and token."""
    hidden = open_form(client)
    return client.post("/aanmelden/", data=data | hidden), hidden["form_token"]


def routed_and_emailed(token: str) -> SignUp | None:
    """The sign-up once it is routed and both emails have gone out, so no task is left to run."""
    return (
        SignUp.objects.select_related("coordinator")
        .filter(
            submission_token=token,
            status=SignUp.Status.ROUTED,
            coordinator_notified_at__isnull=False,
            company_notified_at__isnull=False,
        )
        .first()
    )


# --- the session's worker -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [(IN_REGION_A, "coordinator_a"), (OUTSIDE_EVERY_REGION, "national_desk")],
    ids=["region-a", "no-region"],
)
def test_a_signup_posted_through_the_form_is_routed_by_the_worker(
    request,
    client,
    celery_worker,
    form_data,
    coordinator_a,
    coordinator_b,
    national_desk,
    postcode,
    expected,
):
    response, token = submit(client, form_data | {"postcode": postcode})
    assert response.status_code == 302

    signup = wait_for(lambda: routed_and_emailed(token), what="the worker to route the sign-up")
    assert signup.coordinator == request.getfixturevalue(expected)


# --- a private stack ----------------------------------------------------------------------------


@pytest.fixture
def stack(transactional_db, tmp_path) -> Iterator[Stack]:
    stack = Stack(tmp_path, database_url=database_url(connection.settings_dict))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@contextmanager
def coordinators_locked() -> Iterator[int]:
    """Lock every coordinator row from another connection; yields that backend's pid.

    Routing, which locks its candidate coordinators after claiming the sign-up, waits until
    the block ends. Rows, not the table: a sign-up's INSERT (its coordinator still NULL) takes
    a ROW SHARE lock on the coordinator table for its foreign key check at COMMIT, so with the
    table locked EXCLUSIVE the form itself would hang.
    """
    locker = psycopg.connect(database_url(connection.settings_dict))
    try:
        locker.execute("SELECT id FROM organisations_coordinator FOR UPDATE")
        yield locker.info.backend_pid
    finally:
        locker.rollback()
        locker.close()


def backends_blocked_by(pid: int) -> list[int]:
    # Asked on Django's connection: in the locker's transaction pg_stat_activity stays frozen.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid]
        )
        return [row[0] for row in cursor.fetchall()]


def backends_alive(pids: list[int]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
        return [row[0] for row in cursor.fetchall()]


def test_a_signup_whose_worker_is_killed_while_routing_is_routed_by_the_sweep_and_emailed_once(
    stack, form_data, coordinator_a, coordinator_b, national_desk
):
    worker = stack.start_worker()
    with coordinators_locked() as locker, stack.http() as http:
        response, token = submit(http, form_data | {"postcode": IN_REGION_A})
        assert response.status_code == 302
        routing = stack.wait_for(
            lambda: backends_blocked_by(locker), what="the worker to wait for the coordinators"
        )
        worker.kill()
    # Released, the dead worker's backend gets its rows, finds no client and rolls back.
    stack.wait_for(lambda: not backends_alive(routing), what="the dead worker's backend to end")
    assert SignUp.objects.get(submission_token=token).status == SignUp.Status.RECEIVED

    stack.start_worker(beat=True)

    signup = stack.wait_for(lambda: routed_and_emailed(token), what="the sweep to route it")
    assert signup.coordinator == coordinator_a
    assert len(stack.emails_to(coordinator_a.user.email)) == 1
    assert len(stack.emails_to(form_data["contact_email"])) == 1


def test_a_signup_submitted_while_redis_is_down_is_thanked_and_routed_once_redis_is_back(
    stack, form_data, coordinator_a, coordinator_b, national_desk
):
    stack.start_worker(beat=True)
    with stack.http() as http:
        hidden = open_form(http)
        stack.redis.stop()
        response = http.post("/aanmelden/", data=form_data | hidden)
        assert response.status_code == 302
        thanks = http.get(response.headers["location"])

    assert thanks.status_code == 200
    signup = SignUp.objects.get(submission_token=hidden["form_token"])
    assert REFERENCE.fullmatch(signup.reference)
    assert signup.reference in thanks.text
    assert signup.status == SignUp.Status.RECEIVED

    stack.redis.start()

    signup = stack.wait_for(
        lambda: routed_and_emailed(hidden["form_token"]),
        what="the worker to reconnect and the sweep to route it",
        timeout=30.0,
        supervised=True,
    )
    assert signup.coordinator == coordinator_a
    assert len(stack.emails_to(coordinator_a.user.email)) == 1
