"""The demo events of `manage.py loaddemo`: an organiser login, events, and no changes twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event, OrganiserStaff, Registration, TimeSlot, Workshop
from organisations.demo import DEMO_PASSWORD
from tests.otp import code_login, current_code, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("loaddemo", stdout=out, no_color=True)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Event, TimeSlot, Workshop, Registration, OrganiserStaff)
    }


def test_it_loads_a_pet_event_a_tech_your_talent_event_and_a_draft(loaded):
    pet = Event.objects.get(kind=Event.Kind.PET)
    assert [f"{s.starts_at:%H:%M}" for s in pet.slots.all()] == ["09:00", "10:45", "12:30"]
    assert pet.workshops.filter(host__isnull=False).count() == 4
    assert pet.status == Event.Status.PUBLISHED and pet.published_at
    assert Event.objects.get(kind=Event.Kind.TECH_YOUR_TALENT).slots.count() == 2
    assert Event.objects.filter(status=Event.Status.DRAFT).count() == 1
    assert pet.registrations.filter(status=Registration.Status.WAITLISTED).count() == 1


def test_the_organiser_logs_in_and_sees_their_events(loaded):
    assert "organisator-noord-holland" in loaded
    client = Client()  # through the login form and the demo's authenticator app (tests/otp.py)
    password_login(client, "organisator-noord-holland", DEMO_PASSWORD)
    device = TOTPDevice.objects.get(user__username="organisator-noord-holland")
    assert code_login(client, current_code(device)).status_code == 302
    response = client.get("/beheer/events/event/")
    assert response.status_code == 200
    assert len(response.context["cl"].queryset) == 3


def test_a_second_run_changes_nothing(loaded):
    before = snapshot()
    out = StringIO()
    call_command("loaddemo", stdout=out, no_color=True)
    assert snapshot() == before
    assert "niets veranderd" in out.getvalue()
