"""A match's way through its services: proposed → confirmed → carried out → closed, or
cancelled; every forbidden step refused with a clear Dutch message, every email sent once."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import Match
from matching.services import (
    TransitionRefused,
    match_cancel,
    match_close,
    match_confirm,
    match_decline,
    match_evaluate,
    match_propose,
    match_report_carried_out,
    match_send_invitation,
    match_send_status,
    match_update,
)
from offers.models import Offer, OfferKind
from tests.factories import (
    CarriedOutMatchFactory,
    CompanyFactory,
    ConfirmedMatchFactory,
    ContactFactory,
    MatchFactory,
    OfferFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db

COMPANY_EMAIL = "anna@windtechniek.example.nl"
TEACHER_EMAIL = "ilse.jansen@school.example.nl"
TODAY = timezone.localdate


@pytest.fixture
def offer(company_a):
    ContactFactory(organisation=company_a, email=COMPANY_EMAIL, name="Anna de Wind")
    return OfferFactory(organisation=company_a, status=Offer.Status.PUBLISHED, title="Windles")


@pytest.fixture
def college(region_a):
    return SchoolFactory(name="Amsterdams Lyceum")


def propose(offer, school, coordinator, capture, **kwargs) -> Match:
    with capture(execute=True):
        return match_propose(offer=offer, school=school, actor=coordinator.user, **kwargs)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- proposing ----------------------------------------------------------------------------------


def test_it_proposes_a_match_and_invites_both_sides_with_their_own_link(
    offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    match = propose(
        offer,
        college,
        coordinator_a,
        django_capture_on_commit_callbacks,
        teacher_name="Ilse Jansen",
        teacher_email=TEACHER_EMAIL,
    )

    assert match.status == Match.Status.PROPOSED
    assert match.proposed_by == coordinator_a.user
    assert recipients() == [COMPANY_EMAIL, TEACHER_EMAIL]
    to_company = next(m for m in mail.outbox if m.to == [COMPANY_EMAIL])
    to_teacher = next(m for m in mail.outbox if m.to == [TEACHER_EMAIL])
    assert "Windles" in to_company.subject and "Amsterdams Lyceum" in to_company.subject
    assert "/match/" in to_company.body and "/match/" in to_teacher.body
    assert link_of(to_company) != link_of(to_teacher)
    assert to_company.reply_to == [coordinator_a.user.email]
    match.refresh_from_db()
    assert match.company_invited_at and match.school_invited_at


def link_of(message) -> str:
    return next(word for word in message.body.split() if "/match/" in word)


def test_an_invitation_goes_out_once_however_often_its_task_runs(
    offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    match = propose(
        offer,
        college,
        coordinator_a,
        django_capture_on_commit_callbacks,
        teacher_email=TEACHER_EMAIL,
    )

    assert not match_send_invitation(match_id=match.pk, side="company")
    assert not match_send_invitation(match_id=match.pk, side="school")
    assert len(mail.outbox) == 2


def test_without_a_teacher_the_schools_first_contact_is_invited(
    offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    ContactFactory(organisation=college, email="decaan@lyceum.example.nl", name="Decaan Bos")
    ContactFactory(organisation=college, email="later@lyceum.example.nl")

    match = propose(offer, college, coordinator_a, django_capture_on_commit_callbacks)

    assert (match.teacher_name, match.teacher_email) == ("Decaan Bos", "decaan@lyceum.example.nl")
    assert "decaan@lyceum.example.nl" in recipients()


def test_a_school_without_any_address_gets_nothing_until_the_coordinator_fills_one_in(
    offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    match = propose(offer, college, coordinator_a, django_capture_on_commit_callbacks)
    assert recipients() == [COMPANY_EMAIL]
    assert match.school_invited_at is None

    with django_capture_on_commit_callbacks(execute=True):
        match_update(
            match=match, teacher_name="Ilse", teacher_email=TEACHER_EMAIL, date=None, pupils=None
        )

    assert recipients() == [COMPANY_EMAIL, TEACHER_EMAIL]
    match.refresh_from_db()
    assert match.school_invited_at is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Offer.Status.ARCHIVED}, "gearchiveerd"),
        ({"status": Offer.Status.PAUSED}, "gepauzeerd"),
        ({"kind": OfferKind.EVENT_WORKSHOP}, "evenement"),
    ],
)
def test_it_refuses_to_propose_an_offer_that_cannot_be_matched(
    offer, college, coordinator_a, change, message
):
    Offer.objects.filter(pk=offer.pk).update(**change)

    with pytest.raises(ValidationError) as refused:
        match_propose(offer=offer, school=college, actor=coordinator_a.user)

    assert message in " ".join(refused.value.messages)
    assert not Match.objects.exists()


def test_it_refuses_to_propose_to_a_company(offer, coordinator_a):
    with pytest.raises(ValidationError, match="schoollocatie"):
        match_propose(offer=offer, school=CompanyFactory(), actor=coordinator_a.user)


def test_it_refuses_a_duplicate_but_allows_again_after_a_cancellation(
    offer, college, coordinator_a
):
    first = match_propose(offer=offer, school=college, actor=coordinator_a.user)
    with pytest.raises(ValidationError, match="al een match"):
        match_propose(offer=offer, school=college, actor=coordinator_a.user)

    match_cancel(match=first, reason="Datum past niet", actor=coordinator_a.user)

    assert match_propose(offer=offer, school=college, actor=coordinator_a.user).pk != first.pk


def test_it_refuses_a_malformed_teacher_email(offer, college, coordinator_a):
    with pytest.raises(ValidationError):
        match_propose(
            offer=offer, school=college, actor=coordinator_a.user, teacher_email="x'; DROP--"
        )
    assert not Match.objects.exists()


# --- confirming and declining ------------------------------------------------------------------


def test_it_is_confirmed_once_both_sides_said_yes_and_both_hear_it_once(
    offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    match = propose(
        offer,
        college,
        coordinator_a,
        django_capture_on_commit_callbacks,
        teacher_email=TEACHER_EMAIL,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        match = match_confirm(match=match, side="company", date=TODAY() + datetime.timedelta(9))
    assert match.status == Match.Status.PROPOSED
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        match = match_confirm(match=match, side="school")

    assert match.status == Match.Status.CONFIRMED
    assert match.confirmed_at and match.company_confirmed_at and match.school_confirmed_at
    assert match.date == TODAY() + datetime.timedelta(9)
    assert recipients() == [COMPANY_EMAIL, TEACHER_EMAIL]
    assert all("Bevestigd" in message.subject for message in mail.outbox)
    assert not match_send_status(match_id=match.pk)
    assert len(mail.outbox) == 2


def test_a_side_cannot_confirm_twice(offer, college, coordinator_a):
    match = match_propose(offer=offer, school=college, actor=coordinator_a.user)
    match_confirm(match=match, side="company")

    with pytest.raises(TransitionRefused, match="al bevestigd"):
        match_confirm(match=match, side="company")


def test_a_side_that_declines_cancels_the_match_with_its_reason(
    offer, college, coordinator_a, django_capture_on_commit_callbacks
):
    match = propose(
        offer,
        college,
        coordinator_a,
        django_capture_on_commit_callbacks,
        teacher_email=TEACHER_EMAIL,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        match = match_decline(match=match, side="school", reason="  Geen ruimte in het rooster ")

    assert match.status == Match.Status.CANCELLED
    assert (match.cancelled_by, match.cancel_reason) == ("school", "Geen ruimte in het rooster")
    assert match.cancelled_at is not None
    assert recipients() == [COMPANY_EMAIL, TEACHER_EMAIL]
    assert "Geen ruimte in het rooster" in mail.outbox[0].body


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001, "<script>alert(1)</script>"])
def test_a_decline_needs_a_plain_short_reason(offer, college, coordinator_a, reason):
    match = match_propose(offer=offer, school=college, actor=coordinator_a.user)

    with pytest.raises(ValidationError):
        match_decline(match=match, side="company", reason=reason)

    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED


def test_a_side_that_confirmed_cannot_decline_afterwards(offer, college, coordinator_a):
    match = match_propose(offer=offer, school=college, actor=coordinator_a.user)
    match_confirm(match=match, side="school")

    with pytest.raises(TransitionRefused, match="coördinator"):
        match_decline(match=match, side="school", reason="Toch niet")


def test_a_cancelled_match_cannot_be_confirmed_declined_or_carried_out(coordinator_a):
    match = MatchFactory()
    match_cancel(match=match, reason="Bedrijf gestopt", actor=coordinator_a.user)

    with pytest.raises(TransitionRefused, match="Geannuleerd"):
        match_confirm(match=match, side="company")
    with pytest.raises(TransitionRefused, match="Geannuleerd"):
        match_decline(match=match, side="school", reason="Nee")
    with pytest.raises(TransitionRefused, match="Geannuleerd"):
        match_report_carried_out(match=match, side="company", date=TODAY(), pupils=20)
    with pytest.raises(TransitionRefused, match="Geannuleerd"):
        match_cancel(match=match, reason="Nogmaals", actor=coordinator_a.user)


def test_a_confirmed_match_cannot_be_confirmed_again():
    with pytest.raises(TransitionRefused, match="Bevestigd"):
        match_confirm(match=ConfirmedMatchFactory(), side="company")


def test_a_side_with_no_link_cannot_confirm():
    with pytest.raises(ValueError):
        match_confirm(match=MatchFactory(), side="coordinator")


# --- carried out -------------------------------------------------------------------------------


def test_either_side_reports_a_confirmed_match_carried_out_and_may_evaluate_at_once():
    match = ConfirmedMatchFactory()

    match = match_report_carried_out(
        match=match,
        side="school",
        date=TODAY() - datetime.timedelta(days=2),
        pupils=27,
        rating=5,
        evaluation="Leerlingen waren enthousiast.",
    )

    match.refresh_from_db()
    assert match.status == Match.Status.CARRIED_OUT
    assert (match.date, match.pupils) == (TODAY() - datetime.timedelta(days=2), 27)
    assert match.carried_out_at is not None
    assert (match.teacher_rating, match.teacher_evaluation) == (5, "Leerlingen waren enthousiast.")
    assert match.company_evaluated_at is None


def test_a_proposed_match_cannot_be_carried_out():
    with pytest.raises(TransitionRefused, match="Voorgesteld"):
        match_report_carried_out(match=MatchFactory(), side="company", date=TODAY(), pupils=20)


def test_a_carried_out_match_cannot_be_reported_again_nor_cancelled(coordinator_a):
    match = CarriedOutMatchFactory()

    with pytest.raises(TransitionRefused, match="Uitgevoerd"):
        match_report_carried_out(match=match, side="company", date=TODAY(), pupils=20)
    with pytest.raises(TransitionRefused, match="Uitgevoerd"):
        match_cancel(match=match, reason="Te laat", actor=coordinator_a.user)


@pytest.mark.parametrize(
    ("date", "pupils", "field"),
    [
        (datetime.timedelta(days=1), 20, "date"),  # in the future
        (datetime.timedelta(days=-400), 20, "date"),  # a typo in the year
        (datetime.timedelta(0), 0, "pupils"),
        (datetime.timedelta(0), 501, "pupils"),
    ],
)
def test_a_report_needs_a_past_date_and_1_to_500_pupils(date, pupils, field):
    match = ConfirmedMatchFactory()

    with pytest.raises(ValidationError) as refused:
        match_report_carried_out(match=match, side="company", date=TODAY() + date, pupils=pupils)

    assert field in refused.value.message_dict
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED


# --- evaluations and closing -------------------------------------------------------------------


def test_the_match_closes_itself_once_both_sides_evaluated():
    match = CarriedOutMatchFactory()

    match = match_evaluate(match=match, side="company", rating=4, evaluation="Goed geregeld.")
    assert match.status == Match.Status.CARRIED_OUT
    match = match_evaluate(match=match, side="school", rating=5)

    match.refresh_from_db()
    assert match.status == Match.Status.CLOSED
    assert match.closed_at is not None
    assert (match.company_rating, match.company_evaluation) == (4, "Goed geregeld.")
    assert (match.teacher_rating, match.teacher_evaluation) == (5, "")


def test_a_side_cannot_evaluate_twice_nor_before_the_match_took_place():
    match = CarriedOutMatchFactory()
    match_evaluate(match=match, side="company", rating=4)

    with pytest.raises(TransitionRefused, match="al geëvalueerd"):
        match_evaluate(match=match, side="company", rating=1)
    with pytest.raises(TransitionRefused, match="Bevestigd"):
        match_evaluate(match=ConfirmedMatchFactory(), side="company", rating=4)


@pytest.mark.parametrize(
    ("rating", "evaluation"),
    [(0, ""), (6, ""), (3, "x" * 1001), (3, "<b>top</b>"), (3, "javascript:alert(1)")],
)
def test_an_evaluation_needs_a_rating_of_1_to_5_and_short_plain_text(rating, evaluation):
    match = CarriedOutMatchFactory()

    with pytest.raises(ValidationError):
        match_evaluate(match=match, side="school", rating=rating, evaluation=evaluation)

    match.refresh_from_db()
    assert match.teacher_evaluated_at is None


def test_a_coordinator_closes_a_carried_out_match_only(coordinator_a):
    closed = match_close(match=CarriedOutMatchFactory(), actor=coordinator_a.user)
    assert closed.status == Match.Status.CLOSED

    for match in (MatchFactory(), ConfirmedMatchFactory(), closed):
        with pytest.raises(TransitionRefused):
            match_close(match=match, actor=coordinator_a.user)


def test_a_closed_match_cannot_be_evaluated_any_more(coordinator_a):
    match = match_close(match=CarriedOutMatchFactory(), actor=coordinator_a.user)

    with pytest.raises(TransitionRefused, match="Afgesloten"):
        match_evaluate(match=match, side="school", rating=5)


# --- cancelling by a coordinator ---------------------------------------------------------------


@pytest.mark.parametrize("factory", [MatchFactory, ConfirmedMatchFactory])
def test_a_coordinator_cancels_an_open_match_and_both_sides_hear_why(
    factory, coordinator_a, django_capture_on_commit_callbacks
):
    match = factory()
    ContactFactory(organisation=match.offer.organisation, email=COMPANY_EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        match = match_cancel(match=match, reason="De docent is ziek", actor=coordinator_a.user)

    assert (match.status, match.cancelled_by) == (Match.Status.CANCELLED, "coordinator")
    assert recipients() == sorted([COMPANY_EMAIL, match.teacher_email])
    assert all("De docent is ziek" in message.body for message in mail.outbox)
    assert not match_send_status(match_id=match.pk)


def test_a_cancel_without_a_reason_is_refused(coordinator_a):
    match = MatchFactory()

    with pytest.raises(ValidationError, match="reden"):
        match_cancel(match=match, reason=" ", actor=coordinator_a.user)

    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED


def test_details_of_a_closed_match_cannot_be_changed():
    match = CarriedOutMatchFactory()

    with pytest.raises(TransitionRefused):
        match_update(match=match, teacher_name="X", teacher_email="", date=TODAY(), pupils=3)
