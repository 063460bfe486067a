"""Shared by the request tests: published offers, school locations, and a valid request form.

Plain functions (not fixtures), so each test module builds what it needs in its own fixtures.
"""

import ipaddress
import time
import uuid

from django.core import signing
from django.utils import timezone

from offers.models import Offer
from organisations.models import Organisation
from techportal.choices import Level
from tests.factories import ContactFactory, OfferFactory, SchoolFactory


def published_offer(company: Organisation, **fields) -> Offer:
    defaults = {
        "title": "Gastles windenergie",
        "group_size": 30,
        "levels": [Level.VMBO_BB, Level.VMBO_KB],
        "status": Offer.Status.PUBLISHED,
        "published_at": timezone.now(),
    }
    return OfferFactory(organisation=company, **(defaults | fields))


def school(name: str, vestigingscode: str, *, postcode="1011AB", city="Amsterdam"):
    return SchoolFactory(name=name, vestigingscode=vestigingscode, postcode=postcode, city=city)


def contact(company: Organisation, email: str, name: str = "Anna de Wind"):
    return ContactFactory(organisation=company, email=email, name=name)


def request_data(school_id: int, **changes) -> dict:
    """A complete, valid request form as a browser posts it; a change to None leaves it out."""
    data = {
        "form_token": str(uuid.uuid4()),
        "school": str(school_id),
        "teacher_name": "Ilse Jansen",
        "teacher_email": "ilse.jansen@school.example.nl",
        "group": "3 vmbo-KB",
        "level": Level.VMBO_KB.value,
        "pupils": "24",
        "preferred_period": "Na de herfstvakantie, bij voorkeur op dinsdag",
        "message": "De klas werkt aan een project over duurzame energie.",
        "consent": "on",
        "fax": "",
        "school_zoek": "",
    }
    result = data | changes
    return {name: value for name, value in result.items() if value is not None}


def unique_address() -> str:
    """An IP address no other test (or earlier run) has posted from: its own rate-limit count."""
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


def signed_ago(value: object, *, salt: str, seconds: int) -> str:
    """A token as `signing.dumps` makes it, but signed `seconds` ago."""

    class EarlierSigner(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - seconds)

    return EarlierSigner(salt=salt).sign_object(value)


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")
