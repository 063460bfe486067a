"""Intake: a submitted aanmeldformulier becomes a company, a contact, a sign-up and draft offers."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Location, Offer, OfferKind
from organisations.models import Contact, Organisation
from techportal.queueing import enqueue_coalesced_on_commit

from ..models import SignUp, SignUpEvent


@dataclass(frozen=True, kw_only=True)
class CompanyDetails:
    name: str
    kvk_number: str
    street_address: str
    postcode: str
    city: str
    website: str = ""
    worlds: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ContactDetails:
    name: str
    email: str
    role: str = ""
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class OfferDetails:
    kind: OfferKind
    title: str
    description: str
    levels: list[str]
    location: Location
    group_size: int | None = None
    available_from: date | None = None
    available_until: date | None = None

    @property
    def on_request(self) -> bool:
        return self.available_from is None


def _lock_and_number(submission_token: uuid.UUID, kvk_number: str) -> int:
    """Serialise the submits of one form and the sign-ups of one company; the next number.

    One statement: two submits of the same form (a double click) wait here for each other, and
    so do two sign-ups of one new company, which therefore need no savepoints below.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s)), pg_advisory_xact_lock(hashtext(%s)), "
            "nextval('matching_signup_reference_seq')",
            [f"signup-form:{submission_token}", f"kvk:{kvk_number}"],
        )
        (_token_lock, _company_lock, number) = cursor.fetchone()
    return number


def _company_find_or_create(details: CompanyDetails) -> tuple[Organisation, bool]:
    """The organisation with this KvK number, or a new company; and whether it is new.

    A sign-up never overwrites what we know: it only fills in empty fields and adds worlds.
    """
    company = Organisation.objects.filter(kvk_number=details.kvk_number).first()
    if company is None:
        company = Organisation(
            kind=Organisation.Kind.COMPANY,
            kvk_number=details.kvk_number,
            name=details.name,
            street_address=details.street_address,
            postcode=details.postcode,
            city=details.city,
            website=details.website,
            worlds=details.worlds,
        )
        company.save()
        return company, True
    changed = set()
    for name in ("street_address", "postcode", "city", "website"):
        if not getattr(company, name) and getattr(details, name):
            setattr(company, name, getattr(details, name))
            changed.add(name)
    new_worlds = [world for world in details.worlds if world not in company.worlds]
    if new_worlds:
        company.worlds = [*company.worlds, *new_worlds]
        changed.add("worlds")
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
    return company, False


def _contact_find_or_create(
    company: Organisation, details: ContactDetails, *, new_company: bool
) -> Contact:
    contact = (
        None
        if new_company  # a company created just now has no contacts yet
        else Contact.objects.filter(organisation=company, email__iexact=details.email).first()
    )
    if contact is None:
        return Contact.objects.create(
            organisation=company,
            email=details.email,
            name=details.name,
            role=details.role,
            phone=details.phone,
        )
    changed = [
        name for name in ("role", "phone") if not getattr(contact, name) and getattr(details, name)
    ]
    for name in changed:
        setattr(contact, name, getattr(details, name))
    if changed:
        contact.save(update_fields=changed)
    return contact


def signup_create(
    *,
    submission_token: uuid.UUID,
    company: CompanyDetails,
    contact: ContactDetails,
    offers: list[OfferDetails],
    wants_event_workshop: bool = False,
    message: str = "",
) -> tuple[SignUp, bool]:
    """Store a submitted aanmeldformulier; returns the sign-up and whether it is new.

    The same form submitted twice (a double click, back and resubmit) has the same token and
    returns the first sign-up. Routing is queued once the transaction commits.

    The company and contact are inserted without savepoints (the advisory lock keeps other
    sign-ups out); should someone add the same company in /beheer/ at that very moment, the
    unique constraint stops the insert, and a second attempt finds their row.
    """
    if not offers:
        raise ValidationError(_("Kies ten minste één soort aanbod."))
    attempt = partial(
        _signup_create,
        submission_token=submission_token,
        company=company,
        contact=contact,
        offers=offers,
        wants_event_workshop=wants_event_workshop,
        message=message,
    )
    try:
        return attempt()
    except IntegrityError:
        return attempt()


@transaction.atomic
def _signup_create(
    *,
    submission_token: uuid.UUID,
    company: CompanyDetails,
    contact: ContactDetails,
    offers: list[OfferDetails],
    wants_event_workshop: bool,
    message: str,
) -> tuple[SignUp, bool]:
    number = _lock_and_number(submission_token, company.kvk_number)
    existing = SignUp.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False

    now = timezone.now()
    organisation, new_company = _company_find_or_create(company)
    person = _contact_find_or_create(organisation, contact, new_company=new_company)
    signup = SignUp.objects.create(
        reference=f"TP-{timezone.localtime(now).year}-{number:05d}",
        submission_token=submission_token,
        organisation=organisation,
        contact=person,
        postcode=company.postcode,
        wants_event_workshop=wants_event_workshop,
        message=message,
        consent_at=now,
        received_at=now,
    )
    Offer.objects.bulk_create(
        Offer(
            organisation=organisation,
            signup=signup,
            kind=offer.kind,
            title=offer.title,
            description=offer.description,
            levels=offer.levels,
            worlds=company.worlds,
            group_size=offer.group_size,
            on_request=offer.on_request,
            available_from=offer.available_from,
            available_until=offer.available_until,
            location=offer.location,
        )
        for offer in offers
    )
    SignUpEvent.objects.create(
        signup=signup, at=now, kind=SignUpEvent.Kind.RECEIVED, message="Aanmeldformulier ingevuld."
    )
    from ..tasks import route_signups

    enqueue_coalesced_on_commit(route_signups)
    return signup, True
