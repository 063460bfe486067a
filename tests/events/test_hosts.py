"""Workshop hosts: companies that asked to host a workshop at an event, assigned by organisers."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from events.models import Workshop
from events.services.hosts import (
    workshop_host_assign,
    workshop_host_candidates,
    workshop_host_notify,
)
from matching.models import SignUp
from tests.factories import CompanyFactory, SignUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_workshop(event):
    return Workshop.objects.create(event=event, title="Robots programmeren", capacity_per_round=20)


@pytest.fixture
def candidate(region_a):
    signup = SignUpFactory(wants_event_workshop=True, organisation__name="Amsterdamse Robots")
    return signup.organisation


def test_it_lists_companies_of_the_events_region_that_want_to_host_a_workshop(
    event, candidate, region_b, django_assert_num_queries
):
    SignUpFactory(wants_event_workshop=False)  # does not want to
    SignUpFactory(
        wants_event_workshop=True, status=SignUp.Status.DECLINED, decline_reason="Geen plek."
    )
    SignUpFactory(
        wants_event_workshop=True,
        organisation=CompanyFactory(postcode="3511AB", city="Utrecht"),
    )  # another region
    with django_assert_num_queries(2):
        companies = list(workshop_host_candidates(event))
        assert [c.workshop_signups[0].contact.email for c in companies]
    assert companies == [candidate]


def test_it_assigns_a_candidate_and_emails_its_contact_once(
    open_workshop, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_host_assign(workshop=open_workshop, company=candidate)
    open_workshop.refresh_from_db()
    assert open_workshop.host == candidate and open_workshop.host_notified_at
    assert len(mail.outbox) == 1
    contact = candidate.signups.get().contact
    assert mail.outbox[0].to == [contact.email]
    assert open_workshop.title in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert not workshop_host_assign(workshop=open_workshop, company=candidate)
    assert not workshop_host_notify(workshop_id=open_workshop.pk)  # a repeated task
    assert len(mail.outbox) == 1


def test_it_refuses_a_company_that_is_no_candidate(open_workshop, company_a):
    with pytest.raises(ValidationError, match="niet gevraagd"):
        workshop_host_assign(workshop=open_workshop, company=company_a)
    open_workshop.refresh_from_db()
    assert open_workshop.host is None
    assert not mail.outbox


def test_a_new_host_is_emailed_too(open_workshop, candidate, django_capture_on_commit_callbacks):
    other = SignUpFactory(wants_event_workshop=True).organisation
    with django_capture_on_commit_callbacks(execute=True):
        workshop_host_assign(workshop=open_workshop, company=candidate)
        workshop_host_assign(workshop=open_workshop, company=other)
    assert len(mail.outbox) == 1  # the first task found the host changed and not yet notified
    open_workshop.refresh_from_db()
    assert open_workshop.host == other
