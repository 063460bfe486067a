"""The daily reminders about matches that wait on someone; each kind goes out once per match.

The clock is moved by passing `now=` to the beat's service (no time-machine here).
"""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from matching.models import Match, MatchReminder
from matching.services import match_send_reminder, matches_remind
from tests.factories import (
    CarriedOutMatchFactory,
    ConfirmedMatchFactory,
    ContactFactory,
    MatchFactory,
)

pytestmark = pytest.mark.django_db

COMPANY_EMAIL = "anna@bedrijf.example.nl"


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def with_company_contact(match: Match) -> Match:
    ContactFactory(organisation=match.offer.organisation, email=COMPANY_EMAIL)
    return match


def remind(capture, now: datetime.datetime) -> int:
    with capture(execute=True):
        return matches_remind(now=now)


def sent() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def invited(days_ago: float, **fields) -> Match:
    at = timezone.now() - days(days_ago)
    return with_company_contact(MatchFactory(company_invited_at=at, school_invited_at=at, **fields))


def test_a_side_that_has_not_confirmed_after_5_days_is_reminded_once(
    django_capture_on_commit_callbacks,
):
    match = invited(settings.MATCH_CONFIRM_REMIND_DAYS + 0.1, company_confirmed_at=timezone.now())
    now = timezone.now()

    assert remind(django_capture_on_commit_callbacks, now) == 1
    assert remind(django_capture_on_commit_callbacks, now + days(1)) == 0

    assert [message.to for message in mail.outbox] == [[match.teacher_email]]
    assert "Herinnering" in mail.outbox[0].subject
    assert "/match/" in mail.outbox[0].body
    assert list(match.reminders.values_list("kind", flat=True)) == ["confirm_school"]


def test_nobody_is_reminded_before_the_5_days_are_over(django_capture_on_commit_callbacks):
    invited(settings.MATCH_CONFIRM_REMIND_DAYS - 0.5)

    assert remind(django_capture_on_commit_callbacks, timezone.now()) == 0
    assert mail.outbox == []


def test_a_moved_clock_makes_the_same_match_due(django_capture_on_commit_callbacks):
    invited(1)

    assert remind(django_capture_on_commit_callbacks, timezone.now()) == 0
    assert remind(django_capture_on_commit_callbacks, timezone.now() + days(5)) == 2

    assert sorted(message.to[0] for message in mail.outbox)[0] == COMPANY_EMAIL
    assert len(mail.outbox) == 2


def test_an_uninvited_school_is_not_reminded(django_capture_on_commit_callbacks):
    with_company_contact(
        MatchFactory(teacher_email="", company_invited_at=timezone.now() - days(10))
    )

    remind(django_capture_on_commit_callbacks, timezone.now())

    assert [message.to for message in mail.outbox] == [[COMPANY_EMAIL]]


def test_both_sides_are_asked_to_report_3_days_after_the_date(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due = with_company_contact(ConfirmedMatchFactory(date=today - days(3)))
    with_company_contact(ConfirmedMatchFactory(date=today - days(2)))  # not yet
    with_company_contact(ConfirmedMatchFactory(date=None))  # no date, nothing to go by

    assert remind(django_capture_on_commit_callbacks, timezone.now()) == 1

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [COMPANY_EMAIL, due.teacher_email]
    )
    assert all("plaatsgevonden" in message.subject for message in mail.outbox)
    assert remind(django_capture_on_commit_callbacks, timezone.now() + days(3)) == 1  # the other
    assert MatchReminder.objects.filter(match=due).count() == 1


def test_a_side_that_has_not_evaluated_after_7_days_is_reminded(
    django_capture_on_commit_callbacks,
):
    match = with_company_contact(
        CarriedOutMatchFactory(
            carried_out_at=timezone.now() - days(settings.MATCH_EVALUATE_REMIND_DAYS + 1),
            teacher_rating=5,
            teacher_evaluated_at=timezone.now(),
        )
    )

    assert remind(django_capture_on_commit_callbacks, timezone.now()) == 1

    assert [message.to for message in mail.outbox] == [[COMPANY_EMAIL]]
    assert "Hoe ging" in mail.outbox[0].subject
    assert match.reminders.get().kind == MatchReminder.Kind.EVALUATE_COMPANY


def test_closed_and_cancelled_matches_are_left_alone(django_capture_on_commit_callbacks):
    long_ago = timezone.now() - days(30)
    with_company_contact(
        MatchFactory(
            status=Match.Status.CANCELLED,
            cancel_reason="Gestopt",
            company_invited_at=long_ago,
            school_invited_at=long_ago,
        )
    )
    with_company_contact(
        CarriedOutMatchFactory(status=Match.Status.CLOSED, carried_out_at=long_ago)
    )

    assert remind(django_capture_on_commit_callbacks, timezone.now()) == 0
    assert mail.outbox == []


def test_a_reminder_whose_reason_passed_meanwhile_is_not_sent(django_capture_on_commit_callbacks):
    match = invited(10)
    Match.objects.filter(pk=match.pk).update(company_confirmed_at=timezone.now())

    assert not match_send_reminder(match_id=match.pk, kind="confirm_company")
    assert mail.outbox == []
    assert not match.reminders.exists()


def test_a_reminder_task_that_runs_twice_sends_once(django_capture_on_commit_callbacks):
    match = invited(10)

    assert match_send_reminder(match_id=match.pk, kind="confirm_company")
    assert not match_send_reminder(match_id=match.pk, kind="confirm_company")

    assert len(mail.outbox) == 1


def test_the_beat_runs_the_reminders_daily():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "matching.tasks.remind_matches"
    )
    assert entry["schedule"].remaining_estimate(timezone.now()) <= days(1)
