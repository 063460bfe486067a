"""Logins to /beheer/: repeated wrong passwords lock the account for a while (django-axes) and
are logged; a login rotates the session, a logout ends it, deactivating an account ends all."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory

from techportal.auth import client_ip, login_records_purge
from techportal.celery import app as celery_app
from tests.factories import UserFactory
from tests.otp import PASSWORD, password_login

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(db):
    return UserFactory(username="coordinator-a", is_staff=True)


def logged_in(response) -> bool:
    """The password was accepted: on to the second factor (or wherever `next` says)."""
    return response.status_code == 302


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = password_login(client, username, "niet-het-wachtwoord")
        assert response.status_code in (200, 429)


# --- lockout -----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(staff, clock):
    client = Client()
    fail(client, "coordinator-a", 4)
    assert not AccessFailureLog.objects.filter(locked_out=True).exists()

    fifth = password_login(client, "coordinator-a", "niet-het-wachtwoord")
    assert fifth.status_code == 429
    locked = password_login(Client(), "coordinator-a", PASSWORD)

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Account tijdelijk geblokkeerd" in page
    assert "5 keer achter elkaar een verkeerd wachtwoord" in page
    assert "Probeer het over 15 minuten opnieuw" in page
    assert "sessionid" not in locked.cookies


def test_wrong_passwords_are_logged_without_the_address_in_the_log(staff, clock, caplog):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, "coordinator-a", 5)

    failures = AccessFailureLog.objects.filter(username="coordinator-a")
    assert failures.count() == 5
    assert failures.filter(locked_out=True).count() == 1
    assert {f.ip_address for f in failures} == {"127.0.0.1"}
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert any("login failure" in m and "coordinator-a" in m for m in messages), messages
    assert any("Locking out" in m for m in messages), messages
    assert not any("127.0.0.1" in m for m in messages)
    assert "niet-het-wachtwoord" not in "".join(
        AccessAttempt.objects.values_list("post_data", flat=True)
    )


def test_the_lock_lifts_after_the_cool_off(staff, clock):
    fail(Client(), "coordinator-a", 5)

    clock.shift(datetime.timedelta(minutes=14))
    assert password_login(Client(), "coordinator-a", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=16))  # the failure during the lock restarted it
    assert logged_in(password_login(Client(), "coordinator-a", PASSWORD))


def test_another_account_is_not_affected(staff, clock):
    UserFactory(username="coordinator-b", is_staff=True)
    fail(Client(), "coordinator-a", 5)

    assert logged_in(password_login(Client(), "coordinator-b", PASSWORD))


def test_a_successful_login_starts_the_count_anew(staff, clock):
    fail(Client(), "coordinator-a", 4)
    assert logged_in(password_login(Client(), "coordinator-a", PASSWORD))

    fail(Client(), "coordinator-a", 4)

    assert logged_in(password_login(Client(), "coordinator-a", PASSWORD))


def test_an_unknown_username_is_locked_the_same_way(clock):
    fail(Client(), "bestaat-niet", 4)

    assert password_login(Client(), "bestaat-niet", "x").status_code == 429


# --- what is kept, and for how long -------------------------------------------------------------


def test_old_failures_and_attempts_past_their_cool_off_are_purged(staff, clock, settings):
    fail(Client(), "coordinator-a", 2)
    clock.shift(datetime.timedelta(days=settings.LOGIN_FAILURE_LOG_RETENTION_DAYS - 1))
    fail(Client(), "coordinator-a", 1)

    assert login_records_purge()["attempts"] == 0  # the last failure is seconds old
    assert AccessFailureLog.objects.count() == 3
    clock.shift(datetime.timedelta(days=2))
    purged = login_records_purge()

    assert purged["failures"] == 2
    assert purged["attempts"] == 1
    assert AccessFailureLog.objects.count() == 1
    assert not AccessAttempt.objects.exists()


def test_the_purge_runs_every_night_as_a_registered_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["login-records-purge"]

    assert entry["task"] == "techportal.auth.purge_login_records"
    assert entry["task"] in celery_app.tasks


def test_behind_a_proxy_the_address_comes_from_the_configured_header(settings):
    settings.LOGIN_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().post(
        "/beheer/login/",
        REMOTE_ADDR="10.0.0.2",
        headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"},
    )
    assert client_ip(request) == "198.51.100.7"  # what our proxy saw, not what the client said

    garbage = RequestFactory().get("/", headers={"X-Forwarded-For": "nonsense"})
    assert client_ip(garbage) is None


# --- sessions ----------------------------------------------------------------------------------


def test_logging_in_replaces_a_session_key_the_browser_already_had(staff):
    client = Client()
    session = client.session  # an existing (say, planted) session
    session["taal"] = "nl"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted

    assert logged_in(password_login(client, "coordinator-a"))

    assert client.cookies["sessionid"].value != planted
    assert not Session.objects.filter(session_key=planted).exists()


def test_logging_out_ends_the_session_for_good(client, staff):
    client.force_login(staff)
    old_key = client.cookies["sessionid"].value
    assert client.get("/beheer/").status_code == 200

    client.post("/beheer/logout/")

    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies["sessionid"] = old_key
    assert replay.get("/beheer/").status_code == 302


def test_deactivating_an_account_logs_it_out_everywhere_at_once(client, staff):
    other = UserFactory(username="coordinator-b", is_staff=True)
    laptop, phone, colleague = client, type(client)(), type(client)()
    laptop.force_login(staff)
    phone.force_login(staff)
    colleague.force_login(other)
    assert laptop.get("/beheer/").status_code == 200

    staff.is_active = False
    staff.save()

    for device in (laptop, phone):
        response = device.get("/beheer/")
        assert response.status_code == 302 and response.url.startswith("/beheer/login/")
    assert Session.objects.count() == 1
    assert colleague.get("/beheer/").status_code == 200


def test_deactivating_in_the_admin_ends_the_sessions_too(client, staff):
    boss = UserFactory(username="baas", is_staff=True, is_superuser=True)
    staff_client = type(client)()
    staff_client.force_login(staff)
    client.force_login(boss)

    response = client.post(
        f"/beheer/auth/user/{staff.pk}/change/",
        {
            "username": staff.username,
            "first_name": staff.first_name,
            "last_name": staff.last_name,
            "email": staff.email,
            "is_staff": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2025-01-01",
            "initial-date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert not staff.is_active
    assert staff_client.get("/beheer/").url.startswith("/beheer/login/")
