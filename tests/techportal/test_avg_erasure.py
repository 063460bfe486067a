"""Erasing one person (AVG art. 17): afterwards no table, history, queue or email holds their
name, address or phone; what the impact figures count stays, anonymised."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum

from events.models import Registration
from matching.models import Match, SignUp
from matching.tasks import send_decline, send_match_invitation
from offers.models import Offer, OfferRequest, SavedSearch
from organisations.models import Contact
from techportal.celery import app as celery_app
from techportal.mail import send_templated_mail
from techportal.privacy.erasure import person_erase
from techportal.privacy.placeholders import ERASED_NAME
from tests.factories import ContactFactory, MatchFactory, UserFactory

from .avg_fixtures import (
    EMAIL,
    TRACES,
    database_traces,
    login_records,
    person_everywhere,
    redis_traces,
)

pytestmark = pytest.mark.django_db

OTHER_TEACHER = "ilse.jansen@school.example.nl"


@pytest.fixture
def person(
    company_a, company_b, coordinator_a, coordinator_b, region_a, django_capture_on_commit_callbacks
):
    rows = person_everywhere(
        company=company_a,
        other_company=company_b,
        coordinator=coordinator_a,
        region=region_a,
        capture=django_capture_on_commit_callbacks,
    )
    login_records(EMAIL)
    return rows


def figures() -> dict:
    """What the impact pages count: rows per status, and pupils."""

    def per_status(model) -> dict:
        return dict(model.objects.values_list("status").annotate(n=Count("pk")).order_by())

    return {
        "signups": per_status(SignUp),
        "offers": per_status(Offer),
        "requests": per_status(OfferRequest),
        "matches": per_status(Match),
        "registrations": per_status(Registration),
        "pupils": (
            Match.objects.aggregate(n=Sum("pupils"))["n"],
            Registration.objects.aggregate(n=Sum("pupils"))["n"],
            OfferRequest.objects.aggregate(n=Sum("pupils"))["n"],
        ),
    }


@contextmanager
def broker_queue():
    """Tasks go to the real test broker (Redis) instead of running at once; the mail queue of
    this test run is emptied before and after."""
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue(settings.CELERY_MAIL_QUEUE)
        queue.clear()
        celery_app.conf.task_always_eager = False
        try:
            yield queue
        finally:
            celery_app.conf.task_always_eager = True
            queue.clear()
            queue.close()


def run_queued(queue) -> list[str]:
    """Do what a worker does with each queued message: run its task with its arguments."""
    ran = []
    while True:
        try:
            message = queue.get_nowait()
        except queue.Empty:
            return ran
        args, kwargs, _embed = message.payload
        celery_app.tasks[message.headers["task"]].apply(args=args, kwargs=kwargs, throw=True)
        message.ack()
        ran.append(message.headers["task"])


def test_after_erasure_no_table_history_queue_or_email_holds_the_person(person):
    other_match = MatchFactory(
        offer=person.proposed_match.offer,
        school=person.proposed_match.school,
        teacher_name="Ilse Jansen",
        teacher_email=OTHER_TEACHER,
    )
    before = figures()
    # The scan finds them everywhere first (so an empty scan below means something).
    assert set(database_traces(TRACES)) >= {
        "organisations_contact.email",
        "organisations_contact.phone",
        "matching_signup.message",
        "matching_signup.decline_reason",
        "matching_signupevent.message",  # "Bevestiging gestuurd aan …"
        "matching_signupnote.text",
        "offers_offer.description",
        "offers_offer.search_vector",
        "offers_searchword.word",
        "offers_offerrequest.teacher_email",
        "offers_offerrequest.response_message",
        "matching_match.teacher_email",
        "matching_match.teacher_evaluation",
        "events_registration.remarks",
        "offers_savedsearch.email",
        "django_admin_log.object_repr",
        "django_admin_log.change_message",
        "axes_accessfailurelog.username",
        "axes_accessattempt.post_data",
    }
    # … and the Redis scan finds what is there (then it is gone again).
    cache.set("avg-probe", f"{EMAIL} in de cache")
    assert redis_traces(TRACES)
    cache.delete("avg-probe")

    with broker_queue() as queue:
        # Queued before the erasure, as ids: an invitation to her and one to another teacher,
        # and the decline email of her sign-up (that task sends whenever it runs).
        send_match_invitation.delay(person.proposed_match.pk, "school")
        send_match_invitation.delay(other_match.pk, "school")
        send_decline.delay(person.signup.pk)

        person_erase(email=EMAIL.upper())

        assert database_traces(TRACES) == []
        assert redis_traces(TRACES) == []
        mail.outbox.clear()
        ran = run_queued(queue)

    assert sorted(ran) == [
        "matching.tasks.send_decline",
        "matching.tasks.send_match_invitation",
        "matching.tasks.send_match_invitation",
    ]
    assert [message.to for message in mail.outbox] == [[OTHER_TEACHER]]
    assert figures() == before


def test_what_the_figures_count_stays_anonymised_and_what_can_go_goes(person):
    other_company_contact = ContactFactory(email=EMAIL)  # at a company, without a sign-up

    report = person_erase(email=EMAIL)

    contact = Contact.objects.get(pk=person.contact.pk)
    assert (contact.name, contact.role, contact.phone) == (ERASED_NAME, "", "")
    assert contact.email == f"verwijderd-contact-{contact.pk}@verwijderd.invalid"
    assert not Contact.objects.filter(pk=other_company_contact.pk).exists()
    assert not SavedSearch.objects.filter(pk=person.saved_search.pk).exists()

    signup = SignUp.objects.get(pk=person.signup.pk)
    assert (signup.contact_id, signup.status, signup.message) == (contact.pk, "declined", "")
    assert signup.decline_reason == "Sorry [verwijderd], dit past niet in de regio."
    assert signup.offers.get().title == "Gastles windenergie"

    placeholders = set()
    for model, pk, text_field in [
        (OfferRequest, person.offer_request.pk, "message"),
        (Match, person.request_match.pk, "teacher_evaluation"),
        (Match, person.proposed_match.pk, "teacher_evaluation"),
        (Registration, person.registration.pk, "remarks"),
    ]:
        row = model.objects.get(pk=pk)
        assert row.teacher_name == ERASED_NAME
        assert row.teacher_email.endswith(f"-{pk}@verwijderd.invalid")
        assert getattr(row, text_field) == ""
        placeholders.add(row.teacher_email)
    assert len(placeholders) == 4  # one per row: never the same address for two rows

    answered = OfferRequest.objects.get(pk=person.offer_request.pk)
    assert (answered.status, answered.pupils) == ("accepted", 24)
    assert answered.response_message == "Dag [verwijderd], welkom op 12 maart!"
    other = Contact.objects.get(pk=person.other_contact.pk)
    assert other.email == "info@zon.example.nl"  # the company's other contact is not her
    assert report.deleted["offers.SavedSearch"] == 1
    assert report.deleted["organisations.Contact"] == 1


def test_erasing_again_changes_nothing(person):
    person_erase(email=EMAIL)

    again = person_erase(email=EMAIL)

    assert not again.changed_anything


def test_a_staff_account_with_the_address_is_reported_and_left_alone(person):
    user = UserFactory(username="fenna", email=EMAIL, is_staff=True)

    report = person_erase(email=EMAIL)

    assert report.staff_accounts == 1
    user.refresh_from_db()
    assert (user.email, user.is_active) == (EMAIL, True)


def test_mail_to_an_erased_address_is_not_sent_and_a_reply_to_one_is_dropped():
    send_templated_mail(
        template="saved_search_confirmation",
        to=["verwijderd-zoekopdracht-3@verwijderd.invalid"],
        context={"description": "x", "search_url": "", "confirm_url": "", "unsubscribe_url": ""},
    )
    send_templated_mail(
        template="saved_search_confirmation",
        to=["docent@school.example.nl"],
        reply_to=["verwijderd-aanvraag-7@verwijderd.invalid"],
        context={"description": "x", "search_url": "", "confirm_url": "", "unsubscribe_url": ""},
    )

    assert [(message.to, message.reply_to) for message in mail.outbox] == [
        (["docent@school.example.nl"], [])
    ]


# --- manage.py avg_erase -------------------------------------------------------------------


def test_the_command_erases_with_yes(person, capsys):
    call_command("avg_erase", EMAIL, "--yes")

    assert "gewist" in capsys.readouterr().out
    assert Contact.objects.get(pk=person.contact.pk).name == ERASED_NAME


def test_the_command_erases_nothing_without_a_yes(person, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "nee")

    with pytest.raises(CommandError, match="Niets gewist"):
        call_command("avg_erase", EMAIL)

    assert Contact.objects.get(pk=person.contact.pk).email == EMAIL


def test_the_command_refuses_an_address_that_is_not_one():
    with pytest.raises(CommandError, match="geen geldig e-mailadres"):
        call_command("avg_erase", "fenna-at-voorbeeld", "--yes")


def test_sessions_that_hold_the_address_are_ended(db):
    from django.contrib.sessions.backends.db import SessionStore

    theirs, other = SessionStore(), SessionStore()
    theirs["prefill"] = {"email": EMAIL.lower()}
    other["prefill"] = {"email": "ander@voorbeeld.nl"}
    theirs.save()
    other.save()

    person_erase(email=EMAIL)

    assert not SessionStore().exists(theirs.session_key)
    assert SessionStore().exists(other.session_key)
