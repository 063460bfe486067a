"""The demo sign-ups: every state a coordinator meets, and a second load adds nothing."""

import pytest
from django.core.management import call_command

from matching.models import SignUp
from offers.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    call_command("loaddemo", verbosity=0)


def test_the_demo_has_signups_in_every_state_a_coordinator_meets(loaded):
    states = set(SignUp.objects.values_list("status", flat=True))
    assert states == {"routed", "in_triage", "declined"}
    assert SignUp.objects.filter(region__isnull=True, coordinator__is_national_desk=True).exists()
    assert Offer.objects.filter(status=Offer.Status.PUBLISHED).exists()
    assert Offer.objects.filter(status=Offer.Status.DRAFT).exists()


def test_loading_the_demo_again_adds_no_signups(loaded):
    before = (SignUp.objects.count(), Offer.objects.count())
    call_command("loaddemo", verbosity=0)
    assert (SignUp.objects.count(), Offer.objects.count()) == before
