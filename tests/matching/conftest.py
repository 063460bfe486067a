"""Shared by the aanmeldformulier tests: a valid submission, and a count of what it stores."""

import uuid
from collections.abc import Callable

import pytest

from matching.models import SignUp
from matching.services import CompanyDetails, ContactDetails, OfferDetails, signup_create
from offers.models import Location, Offer, OfferKind
from organisations.models import Contact, Organisation
from techportal.choices import Level, World


def signup_form_data() -> dict:
    """A complete, valid aanmeldformulier offering one guest lesson, as a browser posts it
    (a new form token each call). A plain function, for tests elsewhere that need it more
    than once in a test."""
    return {
        "form_token": str(uuid.uuid4()),
        "company_name": "Zaanse Lastechniek B.V.",
        "kvk_number": "1234 5678",
        "street_address": "Industrieweg 12",
        "postcode": "1011 ab",
        "city": "Amsterdam",
        "website": "www.zaanselastechniek.nl",
        "worlds": [World.ENERGY.value],
        "contact_name": "Jan de Vries",
        "contact_role": "HR-adviseur",
        "contact_email": "jan.de.vries@example.nl",
        "contact_phone": "020 123 4567",
        "kinds": [OfferKind.GASTLES.value],
        "gastles-title": "",
        "gastles-description": "Een lasser vertelt over zijn vak; daarna lassen leerlingen zelf.",
        "gastles-levels": [Level.VMBO_BB.value, Level.VMBO_KB.value],
        "gastles-group_size": "30",
        "gastles-availability": "op_aanvraag",
        "gastles-location": Location.SCHOOL.value,
        "message": "",
        "consent": "on",
        "fax": "",
    }


@pytest.fixture
def form_data() -> dict:
    """A complete, valid aanmeldformulier offering one guest lesson, as a browser posts it."""
    return signup_form_data()


@pytest.fixture
def stored(db) -> Callable[[], dict[str, int]]:
    """Counts what a submit can store: sign-ups, organisations, contacts and offers."""

    def count() -> dict[str, int]:
        return {
            model.__name__: model.objects.count()
            for model in (SignUp, Organisation, Contact, Offer)
        }

    return count


@pytest.fixture
def received_signup(db) -> SignUp:
    """A sign-up just stored by the intake service, not yet routed (postcode in region A)."""
    signup, _created = signup_create(
        submission_token=uuid.uuid4(),
        company=CompanyDetails(
            name="Zaanse Lastechniek B.V.",
            kvk_number="12345678",
            street_address="Industrieweg 12",
            postcode="1011AB",
            city="Amsterdam",
        ),
        contact=ContactDetails(name="Jan de Vries", email="jan.de.vries@example.nl"),
        offers=[
            OfferDetails(
                kind=OfferKind.GASTLES,
                title="Gastles lassen",
                description="Een lasser vertelt over zijn vak.",
                levels=[Level.VMBO_BB],
                location=Location.SCHOOL,
            )
        ],
    )
    return signup
