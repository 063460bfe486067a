"""The nightly purge (Celery beat), with a frozen clock: rows just inside their retention period
stay, rows just past it go (or lose the teacher's data), and a second run changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import override_settings

from events.models import Registration, TimeSlot
from matching.models import Match, SignUp, SignUpEvent, SignUpNote
from offers.models import Offer, OfferRequest, SavedSearch
from organisations.models import Contact
from techportal.celery import app as celery_app
from techportal.choices import Level
from techportal.privacy.placeholders import ERASED_NAME
from techportal.tasks import purge_personal_data
from tests.events.conftest import make_event
from tests.factories import (
    ContactFactory,
    MatchFactory,
    OfferFactory,
    SchoolFactory,
    SignUpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2026, 6, 15, 3, 40, tzinfo=AMSTERDAM)
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def made_at(clock, moment: datetime.datetime, make):
    """`make()` run at `moment` (so auto_now fields say so); the clock then returns to NOW."""
    clock.move_to(moment)
    try:
        return make()
    finally:
        clock.move_to(NOW)


def purge() -> dict[str, int]:
    """What beat runs each night, with the clock as it is."""
    return purge_personal_data.delay().get()


def exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


def declined(closed_at: datetime.datetime, **fields) -> SignUp:
    return SignUpFactory(
        status=SignUp.Status.DECLINED,
        decline_reason="Past niet in de regio.",
        received_at=closed_at - 5 * DAY,
        closed_at=closed_at,
        **fields,
    )


# --- sign-ups ----------------------------------------------------------------------------------


def test_declined_signups_go_after_the_period_with_their_lone_contact_and_drafts(clock):
    period = settings.PRIVACY_DECLINED_SIGNUP_DAYS * DAY
    inside = declined(NOW - period + MINUTE)
    past = declined(NOW - period - MINUTE)
    draft = OfferFactory(organisation=past.organisation, signup=past)
    published = OfferFactory(
        organisation=past.organisation,
        signup=past,
        status=Offer.Status.PUBLISHED,
        published_at=NOW - 400 * DAY,
    )
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(SignUp),
        object_id=str(past.pk),
        object_repr=past.reference,
        action_flag=CHANGE,
        change_message="[]",
    )

    result = purge()

    assert result["declined_signups"] == 1
    assert exists(inside) and exists(inside.contact)
    assert not exists(past) and not exists(past.contact)
    assert not exists(draft)
    published.refresh_from_db()
    assert published.signup is None  # a published offer stays, for the figures
    assert not LogEntry.objects.filter(object_id=str(past.pk)).exists()


def test_a_contact_with_another_signup_stays_when_one_of_theirs_goes(clock):
    past = declined(NOW - 400 * DAY)
    SignUpFactory(organisation=past.organisation, contact=past.contact)

    purge()

    assert not exists(past)
    assert exists(past.contact)


def test_stale_signups_go_after_their_last_activity_or_closing(clock):
    period = settings.PRIVACY_STALE_SIGNUP_DAYS * DAY
    untouched = SignUpFactory(received_at=NOW - period - MINUTE)
    just_inside = SignUpFactory(received_at=NOW - period + MINUTE)
    with_note = SignUpFactory(received_at=NOW - 2 * period)
    made_at(
        clock,
        NOW - period + MINUTE,
        lambda: SignUpNote.objects.create(signup=with_note, text="Nagebeld."),
    )
    with_step = SignUpFactory(received_at=NOW - 2 * period)
    SignUpEvent.objects.create(
        signup=with_step, at=NOW - 10 * DAY, kind=SignUpEvent.Kind.REASSIGNED
    )
    closed = {"status": SignUp.Status.CLOSED, "received_at": NOW - 2 * period}
    closed_empty = SignUpFactory(closed_at=NOW - period - MINUTE, **closed)
    OfferFactory(organisation=closed_empty.organisation, signup=closed_empty)
    closed_with_offer = SignUpFactory(closed_at=NOW - 2 * period, **closed)
    OfferFactory(
        organisation=closed_with_offer.organisation,
        signup=closed_with_offer,
        status=Offer.Status.ARCHIVED,
        published_at=NOW - 2 * period,
    )
    closed_recently = SignUpFactory(closed_at=NOW - period + MINUTE, **closed)

    result = purge()

    assert result["stale_signups"] == 2
    assert not exists(untouched) and not exists(closed_empty)
    for kept in (just_inside, with_note, with_step, closed_with_offer, closed_recently):
        assert exists(kept), kept


@override_settings(PRIVACY_DECLINED_SIGNUP_DAYS=30)
def test_the_periods_come_from_the_settings(clock):
    past = declined(NOW - 31 * DAY)
    inside = declined(NOW - 29 * DAY)

    purge()

    assert not exists(past)
    assert exists(inside)


# --- saved searches ----------------------------------------------------------------------------


def test_unconfirmed_saved_searches_go_after_the_period(clock):
    period = settings.PRIVACY_UNCONFIRMED_SEARCH_DAYS * DAY

    def saved(moment, **fields):
        return made_at(
            clock,
            moment,
            lambda: SavedSearch.objects.create(
                email=f"docent{moment:%j%H%M}@school.example.nl", query="soort=gastles", **fields
            ),
        )

    past = saved(NOW - period - MINUTE)
    inside = saved(NOW - period + MINUTE)
    confirmed = saved(NOW - 10 * period, confirmed_at=NOW - 10 * period)

    result = purge()

    assert result["unconfirmed_saved_searches"] == 1
    assert not exists(past)
    assert exists(inside) and exists(confirmed)


# --- teachers' data on finished rows -----------------------------------------------------------


@pytest.fixture
def school(region_a):
    return SchoolFactory(name="Het Technisch Lyceum", vestigingscode="31QQ00")


@pytest.fixture
def offer(company_a):
    return OfferFactory(
        organisation=company_a, status=Offer.Status.PUBLISHED, published_at=NOW - 1000 * DAY
    )


def teacher(n: int) -> dict:
    return {"teacher_name": f"Docent {n}", "teacher_email": f"docent{n}@school.example.nl"}


def anonymised(row) -> bool:
    row.refresh_from_db()
    return row.teacher_name == ERASED_NAME and row.teacher_email.endswith(
        f"-{row.pk}@verwijderd.invalid"
    )


def test_teachers_data_on_answered_requests_is_erased_after_the_period(clock, offer, school):
    period = settings.PRIVACY_TEACHER_DATA_DAYS * DAY

    def request(n, **fields):
        return OfferRequest.objects.create(
            offer=offer,
            school=school,
            group="3 vmbo-KB",
            level=Level.VMBO_KB,
            pupils=24,
            preferred_period="Na de herfstvakantie",
            message="Groeten van de docent.",
            **teacher(n),
            **fields,
        )

    answered = {"status": OfferRequest.Status.DECLINED, "response_message": "Helaas vol."}
    past = request(1, responded_at=NOW - period - MINUTE, **answered)
    inside = request(2, responded_at=NOW - period + MINUTE, **answered)
    waiting = made_at(clock, NOW - 2 * period, lambda: request(3))

    purge()

    assert anonymised(past)
    assert (past.message, past.response_message, past.status, past.pupils) == (
        "",
        "",
        "declined",
        24,
    )
    assert not anonymised(inside) and inside.teacher_name == "Docent 2"
    assert not anonymised(waiting)


def test_teachers_data_on_matches_untouched_for_the_period_is_erased(clock, offer, school):
    period = settings.PRIVACY_TEACHER_DATA_DAYS * DAY

    def match(n, moment, **fields):
        return made_at(
            clock, moment, lambda: MatchFactory(offer=offer, school=school, **teacher(n), **fields)
        )

    cancelled = match(
        1,
        NOW - period - MINUTE,
        status=Match.Status.CANCELLED,
        cancelled_by=Match.Side.SCHOOL,
        cancel_reason="Docent 1 is ziek.",
        teacher_evaluation="Jammer.",
    )
    inside = match(2, NOW - period + MINUTE)

    purge()

    assert anonymised(cancelled)
    assert (cancelled.cancel_reason, cancelled.teacher_evaluation) == ("[verwijderd]", "")
    assert cancelled.status == Match.Status.CANCELLED
    assert not anonymised(inside)


def test_teachers_data_on_registrations_is_erased_after_the_event_plus_the_period(
    clock, school, region_a
):
    period = settings.PRIVACY_TEACHER_DATA_DAYS * DAY
    organiser = SchoolFactory(name="Organisator", vestigingscode="32QQ00")  # any organisation

    def registration(n, date):
        event = make_event(
            organiser=organiser,
            region=region_a,
            date=date,
            slug=f"event-{n}",
            registration_opens_at=NOW - 3 * period,
            registration_deadline=NOW - 2 * period,
        )
        slot = TimeSlot.objects.create(
            event=event, starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=100
        )
        return Registration.objects.create(
            event=event,
            slot=slot,
            school=school,
            group="groep 7",
            level=Level.PO,
            pupils=25,
            remarks="We komen met de bus.",
            status=Registration.Status.CONFIRMED,
            **teacher(n),
        )

    past = registration(1, (NOW - period - DAY).date())
    inside = registration(2, (NOW - period + DAY).date())

    purge()

    assert anonymised(past) and past.remarks == "" and past.pupils == 25
    assert not anonymised(inside)


# --- logs --------------------------------------------------------------------------------------


def test_old_admin_history_and_expired_sessions_go(clock):
    period = settings.PRIVACY_ADMIN_LOG_DAYS * DAY

    user = UserFactory()

    def entry(moment):
        return LogEntry.objects.create(
            user=user,
            action_time=moment,
            content_type=ContentType.objects.get_for_model(Contact),
            object_id="1",
            object_repr="Iemand <iemand@example.nl>",
            action_flag=CHANGE,
        )

    old, recent = entry(NOW - period - MINUTE), entry(NOW - period + MINUTE)
    expired = Session.objects.create(
        session_key="a" * 32, session_data="", expire_date=NOW - MINUTE
    )
    current = Session.objects.create(session_key="b" * 32, session_data="", expire_date=NOW + DAY)

    result = purge()

    assert (result["admin_log_entries"], result["sessions"]) == (1, 1)
    assert not exists(old) and exists(recent)
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=current.pk).exists()


# --- the task ----------------------------------------------------------------------------------


def test_a_second_run_removes_nothing_more(clock, offer, school):
    declined(NOW - 400 * DAY)
    SignUpFactory(received_at=NOW - 400 * DAY)
    ContactFactory()
    MatchFactory(offer=offer, school=school, **teacher(1))
    Match.objects.update(updated_at=NOW - 800 * DAY)
    first = purge()
    counts = {model: model.objects.count() for model in (SignUp, Contact, Offer, Match)}
    matches = list(Match.objects.values_list("teacher_name", "teacher_email"))

    second = purge()

    assert sum(first.values()) > 0
    assert set(second.values()) == {0}
    assert counts == {model: model.objects.count() for model in counts}
    assert matches == list(Match.objects.values_list("teacher_name", "teacher_email"))


def test_beat_runs_the_purge_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-purge"]

    assert entry["task"] == purge_personal_data.name == "techportal.tasks.purge_personal_data"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {3}
