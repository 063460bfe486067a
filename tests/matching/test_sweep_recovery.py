"""What the sweep recovers after faults, and the emails' part in it: an email whose task was
lost is sent by the sweep, and sent last in its transaction; sweeps that run side by side note
a requeued sign-up once (bench/faults.py tests the same with real processes killed)."""

from datetime import timedelta

import psycopg
import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching import services
from matching.models import SignUp, SignUpEvent
from matching.services import emails
from tests.stack import database_url

from .test_routing import route, submit

pytestmark = pytest.mark.django_db


def routed_with_its_email_tasks_lost(coordinator) -> SignUp:
    """Routed, but the on-commit callbacks that queue its emails never run (as if lost)."""
    signup = route(submit())
    assert signup.coordinator == coordinator
    assert signup.coordinator_notified_at is None and signup.company_notified_at is None
    assert mail.outbox == []
    return signup


def test_the_sweep_sends_the_emails_of_a_routed_signup_when_they_did_not_go_out(
    coordinator_a, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_EMAIL_REQUEUE_AFTER = 600
    signup = routed_with_its_email_tasks_lost(coordinator_a)

    def sweep_after(seconds: int):
        with (
            time_machine.travel(signup.routed_at + timedelta(seconds=seconds), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.signups_sweep()

    assert sweep_after(599).unsent_emails == 0
    assert mail.outbox == []

    assert sweep_after(601).unsent_emails == 2

    assert sorted(m.to[0] for m in mail.outbox) == [coordinator_a.user.email, "jan@example.nl"]
    signup.refresh_from_db()
    assert signup.coordinator_notified_at and signup.company_notified_at
    assert sweep_after(700).unsent_emails == 0
    assert len(mail.outbox) == 2


def test_one_run_sends_every_unsent_email_and_a_queued_task_then_sends_nothing(
    coordinator_a, settings
):
    settings.SIGNUP_EMAIL_REQUEUE_AFTER = 0
    signups = [routed_with_its_email_tasks_lost(coordinator_a)]
    signups.append(route(submit(kvk="87654321", email="piet@example.nl")))

    assert services.signups_send_unsent_emails() == 4

    assert len(mail.outbox) == 4
    for signup in signups:  # the tasks queued at routing, arriving late
        assert services.signup_notify_coordinator(signup_id=signup.pk) is False
        assert services.signup_send_confirmation(signup_id=signup.pk) is False
    assert len(mail.outbox) == 4


def test_the_sweep_leaves_emails_older_than_a_day_to_a_person(coordinator_a):
    signup = routed_with_its_email_tasks_lost(coordinator_a)

    result = services.signups_sweep(now=signup.routed_at + timedelta(days=1, seconds=1))

    assert result.unsent_emails == 0
    assert mail.outbox == []


def test_a_failed_send_leaves_the_signup_unmarked_for_the_retry(coordinator_a, monkeypatch):
    signup = routed_with_its_email_tasks_lost(coordinator_a)

    def smtp_down(**kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(emails, "send_templated_mail", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        services.signup_send_confirmation(signup_id=signup.pk)

    signup.refresh_from_db()
    assert signup.company_notified_at is None
    assert not signup.events.filter(kind=SignUpEvent.Kind.EMAILED).exists()


@pytest.mark.parametrize(
    "send", [services.signup_send_confirmation, services.signup_notify_coordinator]
)
def test_nothing_but_the_commit_follows_a_sent_email(coordinator_a, monkeypatch, send):
    """The moment in which a killed worker sends an email twice is as short as can be."""
    signup = routed_with_its_email_tasks_lost(coordinator_a)
    real_send = emails.send_templated_mail
    statements_when_sent = []

    with CaptureQueriesContext(connection) as statements:

        def send_and_note(**kwargs):
            real_send(**kwargs)
            statements_when_sent.append(len(statements.captured_queries))

        monkeypatch.setattr(emails, "send_templated_mail", send_and_note)
        assert send(signup_id=signup.pk) is True

    after = [query["sql"] for query in statements.captured_queries[statements_when_sent[0] :]]
    assert all(sql.startswith("RELEASE SAVEPOINT") for sql in after), after
    assert len(mail.outbox) == 1


def test_a_sweep_leaves_requeueing_to_another_that_is_at_it(coordinator_a, settings):
    """After a worker's restart, sweeps that queued up run side by side: one notes the sign-up."""
    settings.SIGNUP_REQUEUE_AFTER = 60
    signup = submit()
    other_sweep = psycopg.connect(database_url(connection.settings_dict), autocommit=True)
    try:
        other_sweep.execute("SELECT pg_advisory_lock(hashtext('matching.requeue_received'))")
        busy = services.signups_sweep(now=signup.received_at + timedelta(seconds=61))
    finally:
        other_sweep.close()
    free = services.signups_sweep(now=signup.received_at + timedelta(seconds=61))

    assert (busy.requeued, free.requeued) == (0, 1)
    assert signup.events.filter(kind=SignUpEvent.Kind.REQUEUED).count() == 1
