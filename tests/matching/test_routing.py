"""Routing, the sweep and their emails, through the services (the worker runs the same code)."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from matching import services
from matching.models import SignUp, SignUpEvent
from offers.models import Location, OfferKind
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def submit(postcode: str = "1011AB", kvk: str = "12345678", email: str = "jan@example.nl"):
    signup, _created = services.signup_create(
        submission_token=uuid.uuid4(),
        company=services.CompanyDetails(
            name="Windtechniek B.V.",
            kvk_number=kvk,
            street_address="Havenweg 1",
            postcode=postcode,
            city="Ergens",
        ),
        contact=services.ContactDetails(name="Jan de Vries", email=email),
        offers=[
            services.OfferDetails(
                kind=OfferKind.GASTLES,
                title="Gastles windenergie",
                description="Wat doet een monteur?",
                levels=["vmbo_bb"],
                location=Location.SCHOOL,
            )
        ],
    )
    return signup


def route(signup: SignUp) -> SignUp:
    services.signup_route(signup_id=signup.pk)
    signup.refresh_from_db()
    return signup


def test_it_routes_to_the_coordinator_of_the_postcodes_region(coordinator_a, coordinator_b):
    signup = route(submit(postcode="1011 AB"))
    assert signup.status == SignUp.Status.ROUTED
    assert signup.coordinator == coordinator_a
    assert signup.region == coordinator_a.regions.get()
    assert signup.routed_at is not None


def test_it_routes_to_the_least_loaded_coordinator(region_a):
    busy = CoordinatorFactory(regions=[region_a])
    idle = CoordinatorFactory(regions=[region_a])
    busy_signup = route(submit(kvk="11111111"))
    assert busy_signup.coordinator in (busy, idle)
    # Whoever got the first one is now busier: the next goes to the other.
    second = route(submit(kvk="22222222"))
    assert {busy_signup.coordinator, second.coordinator} == {busy, idle}


def test_a_tie_goes_to_the_coordinator_waiting_longest(region_a):
    recent = CoordinatorFactory(regions=[region_a])
    waiting = CoordinatorFactory(regions=[region_a])
    recent.last_assigned_at = datetime(2026, 11, 20, 12, tzinfo=AMSTERDAM)
    recent.save()
    waiting.last_assigned_at = datetime(2026, 11, 1, 12, tzinfo=AMSTERDAM)
    waiting.save()
    assert route(submit()).coordinator == waiting


def test_closed_signups_do_not_count_as_load(region_a):
    first = CoordinatorFactory(regions=[region_a])
    second = CoordinatorFactory(regions=[region_a])
    signup = route(submit(kvk="11111111"))
    services.signup_close(signup=signup, actor=None)
    other = first if signup.coordinator == second else second
    # Both have no open sign-ups now; the tie goes to the one never assigned.
    assert route(submit(kvk="22222222")).coordinator == other


def test_inactive_coordinators_get_nothing(region_a, national_desk):
    CoordinatorFactory(regions=[region_a], is_active=False)
    CoordinatorFactory(regions=[region_a], user__is_active=False)
    assert route(submit()).coordinator == national_desk


def test_a_postcode_outside_every_region_goes_to_the_national_desk(coordinator_a, national_desk):
    signup = route(submit(postcode="9999 ZZ"))
    assert signup.coordinator == national_desk
    assert signup.region is None
    assert signup.status == SignUp.Status.ROUTED


def test_without_any_coordinator_it_stays_received_and_says_so_once(region_a):
    signup = submit()
    route(signup)
    route(signup)
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.RECEIVED
    assert signup.events.filter(kind=SignUpEvent.Kind.NOT_ROUTED).count() == 1


def test_routing_twice_does_nothing_the_second_time(coordinator_a):
    signup = submit()
    assert services.signup_route(signup_id=signup.pk) is not None
    assert services.signup_route(signup_id=signup.pk) is None
    assert signup.events.filter(kind=SignUpEvent.Kind.ROUTED).count() == 1


def test_routing_records_each_step_in_the_history(coordinator_a):
    signup = route(submit())
    kinds = list(signup.events.values_list("kind", flat=True))
    assert kinds == [SignUpEvent.Kind.RECEIVED, SignUpEvent.Kind.ROUTED]
    assert str(coordinator_a) in signup.events.get(kind=SignUpEvent.Kind.ROUTED).message


def test_routing_emails_the_coordinator_and_the_company_once(
    coordinator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup = submit()
    assert {m.to[0] for m in mail.outbox} == {coordinator_a.user.email, "jan@example.nl"}
    coordinator_mail = next(m for m in mail.outbox if m.to == [coordinator_a.user.email])
    assert signup.reference in coordinator_mail.subject
    assert f"/beheer/matching/signup/{signup.pk}/change/" in coordinator_mail.body
    html, mimetype = coordinator_mail.alternatives[0]
    assert mimetype == "text/html" and "Windtechniek" in html

    company_mail = next(m for m in mail.outbox if m.to == ["jan@example.nl"])
    assert str(coordinator_a) in company_mail.body
    assert "/aanmelden/status/" in company_mail.body

    # A repeated email task sends nothing.
    assert services.signup_notify_coordinator(signup_id=signup.pk) is False
    assert services.signup_send_confirmation(signup_id=signup.pk) is False
    assert len(mail.outbox) == 2


def test_the_status_link_in_the_email_shows_the_coordinator(
    client, coordinator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    company_mail = next(m for m in mail.outbox if m.to == ["jan@example.nl"])
    link = next(word for word in company_mail.body.split() if "/aanmelden/status/" in word)
    page = client.get(link.split("8000", 1)[-1]).content.decode()
    assert str(coordinator_a) in page
    assert "Doorgestuurd" in page


# --- the sweep ----------------------------------------------------------------------------------


def test_the_sweep_requeues_signups_left_received(coordinator_a, settings):
    settings.SIGNUP_REQUEUE_AFTER = 60
    signup = submit()
    now = signup.received_at
    assert services.signups_sweep(now=now + timedelta(seconds=30)).requeued == 0
    assert services.signups_sweep(now=now + timedelta(seconds=61)).requeued == 1
    assert signup.events.filter(kind=SignUpEvent.Kind.REQUEUED).count() == 1


def routed_on(moment: datetime, coordinator) -> SignUp:
    signup = route(submit(kvk=f"{uuid.uuid4().int % 10**8:08d}"))
    SignUp.objects.filter(pk=signup.pk).update(routed_at=moment)
    signup.refresh_from_db()
    return signup


# Friday 20 November 2026, 10:00. Two working days later is Tuesday the 24th, five is Friday 27th.
FRIDAY = datetime(2026, 11, 20, 10, tzinfo=AMSTERDAM)


def test_the_sweep_reminds_after_two_working_days_not_counting_the_weekend(
    coordinator_a, django_capture_on_commit_callbacks
):
    signup = routed_on(FRIDAY, coordinator_a)
    mail.outbox.clear()
    monday_noon = datetime(2026, 11, 23, 12, tzinfo=AMSTERDAM)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signups_sweep(now=monday_noon).reminded == 0
    tuesday_noon = datetime(2026, 11, 24, 12, tzinfo=AMSTERDAM)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signups_sweep(now=tuesday_noon).reminded == 1
        assert services.signups_sweep(now=tuesday_noon).reminded == 0  # once only
    signup.refresh_from_db()
    assert signup.reminded_at == tuesday_noon
    assert [m.to for m in mail.outbox] == [[coordinator_a.user.email]]
    assert "Herinnering" in mail.outbox[0].subject


def test_a_public_holiday_is_no_working_day(coordinator_a):
    # Christmas: Friday 25 and Saturday 26 December 2026 are holidays, then a Sunday.
    routed_on(datetime(2026, 12, 24, 10, tzinfo=AMSTERDAM), coordinator_a)
    assert services.signups_sweep(now=datetime(2026, 12, 28, 12, tzinfo=AMSTERDAM)).reminded == 0
    assert services.signups_sweep(now=datetime(2026, 12, 29, 12, tzinfo=AMSTERDAM)).reminded == 1


def test_the_sweep_hands_untriaged_signups_to_the_national_desk_after_five_working_days(
    coordinator_a, national_desk, django_capture_on_commit_callbacks
):
    signup = routed_on(FRIDAY, coordinator_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.signups_sweep(now=datetime(2026, 11, 26, 12, tzinfo=AMSTERDAM))
    assert SignUp.objects.get(pk=signup.pk).coordinator == coordinator_a
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.signups_sweep(now=datetime(2026, 11, 27, 12, tzinfo=AMSTERDAM))
    assert result.escalated == 1
    signup.refresh_from_db()
    assert signup.coordinator == national_desk
    assert signup.escalated_at is not None
    assert signup.events.filter(kind=SignUpEvent.Kind.ESCALATED).exists()
    assert [m.to for m in mail.outbox] == [[national_desk.user.email]]
    assert "landelijke desk" in mail.outbox[0].subject


def test_signups_in_triage_are_neither_reminded_nor_escalated(coordinator_a, national_desk):
    signup = routed_on(FRIDAY, coordinator_a)
    services.signup_take_in_triage(signup=signup, actor=coordinator_a.user)
    result = services.signups_sweep(now=FRIDAY + timedelta(days=30))
    assert (result.reminded, result.escalated) == (0, 0)


def test_the_periods_come_from_settings(coordinator_a, settings):
    settings.SIGNUP_REMIND_AFTER_WORKING_DAYS = 1
    routed_on(FRIDAY, coordinator_a)
    assert services.signups_sweep(now=datetime(2026, 11, 23, 12, tzinfo=AMSTERDAM)).reminded == 1


# --- triage services ----------------------------------------------------------------------------


def test_reassigning_is_refused_to_a_coordinator_of_another_region(coordinator_a, coordinator_b):
    from django.core.exceptions import ValidationError

    signup = route(submit())
    with pytest.raises(ValidationError):
        services.signup_reassign(signup=signup, coordinator=coordinator_b, actor=None)
    signup.refresh_from_db()
    assert signup.coordinator == coordinator_a


def test_reassigning_to_a_colleague_in_the_region_emails_them(
    coordinator_a, region_a, django_capture_on_commit_callbacks
):
    colleague = CoordinatorFactory(regions=[region_a])
    signup = route(submit())
    mail.outbox.clear()
    target = colleague if signup.coordinator == coordinator_a else coordinator_a
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signup_reassign(signup=signup, coordinator=target, actor=None)
    signup.refresh_from_db()
    assert signup.coordinator == target
    assert [m.to for m in mail.outbox] == [[target.user.email]]


def test_declining_needs_a_reason_and_emails_the_company(
    coordinator_a, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    signup = route(submit())
    with pytest.raises(ValidationError):
        services.signup_decline(signup=signup, reason="  ", actor=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_decline(signup=signup, reason="Geen scholen in de buurt.", actor=None)
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.DECLINED
    assert [m.to for m in mail.outbox] == [["jan@example.nl"]]
    assert "Geen scholen in de buurt." in mail.outbox[0].body
    assert mail.outbox[0].reply_to == [coordinator_a.user.email]


def test_publishing_publishes_only_the_draft_offers(coordinator_a):
    signup = route(submit())
    assert services.signup_publish_offers(signup=signup, actor=None) == 1
    assert services.signup_publish_offers(signup=signup, actor=None) == 0
    assert signup.offers.get().status == "published"


# --- routing in batches (what the routing task does) --------------------------------------------


def test_a_batch_routes_every_waiting_signup_to_its_own_region(
    coordinator_a, coordinator_b, national_desk
):
    amsterdam = submit(postcode="1011AB", kvk="11111111")
    utrecht = submit(postcode="3511AB", kvk="22222222")
    elsewhere = submit(postcode="9999ZZ", kvk="33333333")
    routed = services.signups_route_pending()
    assert {s.pk for s in routed} == {amsterdam.pk, utrecht.pk, elsewhere.pk}
    coordinators = dict(SignUp.objects.values_list("pk", "coordinator"))
    assert coordinators == {
        amsterdam.pk: coordinator_a.pk,
        utrecht.pk: coordinator_b.pk,
        elsewhere.pk: national_desk.pk,
    }
    assert services.signups_route_pending() == []


def test_a_batch_spreads_its_signups_over_the_regions_coordinators(region_a):
    first = CoordinatorFactory(regions=[region_a])
    second = CoordinatorFactory(regions=[region_a])
    for n in range(5):
        submit(kvk=f"{40000000 + n}")
    services.signups_route_pending()
    loads = sorted(
        SignUp.objects.filter(coordinator__in=[first, second])
        .values_list("coordinator")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert loads == [2, 3]


def test_a_batch_takes_a_constant_number_of_queries(
    region_a, region_b, national_desk
):
    CoordinatorFactory(regions=[region_a])
    CoordinatorFactory(regions=[region_b])

    def queries_for(count: int) -> int:
        for n in range(count):
            submit(postcode="1011AB" if n % 2 else "3511AB", kvk=f"{uuid.uuid4().int % 10**8:08d}")
        with CaptureQueriesContext(connection) as captured:
            assert len(services.signups_route_pending()) == count
        return len(captured)

    assert queries_for(2) == queries_for(20)


def test_a_batch_leaves_signups_without_any_coordinator_waiting(region_a):
    signup = submit()
    assert services.signups_route_pending() == []
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.RECEIVED
    assert signup.events.filter(kind=SignUpEvent.Kind.NOT_ROUTED).count() == 1


def test_while_a_routing_run_waits_in_the_queue_new_signups_queue_no_other(
    coordinator_a, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from matching.tasks import route_signups
    from techportal import queueing

    cache.set(queueing._flag(route_signups), 1, timeout=60)  # a run is queued, not yet started
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(kvk="11111111")
    first.refresh_from_db()
    assert first.status == SignUp.Status.RECEIVED  # left to the queued run

    queueing.coalesced_task_started(route_signups)  # that run starts: the next one queues anew
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(kvk="22222222")
    statuses = set(SignUp.objects.filter(pk__in=[first.pk, second.pk]).values_list("status"))
    assert statuses == {(SignUp.Status.ROUTED,)}
