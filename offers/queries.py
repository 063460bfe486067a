"""Reads about offers and their requests shared by views, services, emails and the admin.

The private links of a request are signed with two salts: the teacher's follow link names the
request; the company's answer link names the request *and* the company that owned the offer
when the link was made, so it never works for another company's request.
"""

import re

from django.conf import settings
from django.core import signing
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse

from organisations.models import Contact, Coordinator, Organisation, Region
from organisations.queries import active_coordinators

from .models import Offer, OfferRequest

TEACHER_LINK_SALT = "offers.request.follow"
COMPANY_LINK_SALT = "offers.request.answer"

SCHOOL_SEARCH_LIMIT = 20
SCHOOL_QUERY_MAX_LENGTH = 100
SCHOOL_QUERY_MAX_WORDS = 5
BRIN = re.compile(r"^[0-9]{2}[A-Z]{2}$")
VESTIGINGSCODE = re.compile(r"^[0-9]{2}[A-Z]{2}[0-9]{2}$")


# --- offers ------------------------------------------------------------------------------------


def published_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(status=Offer.Status.PUBLISHED).select_related("organisation")


def company_contact(offer: Offer) -> Contact | None:
    """Who answers requests for `offer`: the contact of its sign-up, else the company's first."""
    if offer.signup_id is not None and offer.signup is not None:
        return offer.signup.contact
    return offer.organisation.contacts.order_by("created_at", "pk").first()


def coordinators_for_offer(offer: Offer) -> QuerySet[Coordinator]:
    """The active coordinators of the offer's region; the national desk when it has none."""
    active = active_coordinators().select_related("user")
    if offer.region_id is not None:
        regional = active.filter(regions=offer.region_id)
        if regional.exists():
            return regional
    return active.filter(is_national_desk=True)


# --- schools -----------------------------------------------------------------------------------


def clean_school_query(raw: str | None) -> str:
    """The typed search text, safe to use: no NUL bytes, no runs of spaces, not too long."""
    text = (raw or "").replace("\x00", " ")[:SCHOOL_QUERY_MAX_LENGTH]
    return " ".join(text.split())


def school_search(raw: str | None, *, limit: int = SCHOOL_SEARCH_LIMIT) -> list[Organisation]:
    """School locations matching a name, place or BRIN, best first; empty for under 2 letters.

    A 6-character vestigingscode matches exactly, a 4-character BRIN every location of that
    school; any other word must occur in the name or the place. Exact codes come first.
    """
    query = clean_school_query(raw)
    if len(query) < 2:
        return []
    words = query.split()[:SCHOOL_QUERY_MAX_WORDS]
    compact = query.replace(" ", "").upper()
    matches = Q()
    for word in words:
        matches &= (
            Q(name__icontains=word)
            | Q(city__icontains=word)
            | Q(vestigingscode__startswith=word.upper())
        )
    if VESTIGINGSCODE.match(compact) or BRIN.match(compact):
        matches |= Q(vestigingscode__startswith=compact[:4])  # every location of the school
    brin = compact[:4] if BRIN.match(compact[:4]) else None
    ranks = []
    if VESTIGINGSCODE.match(compact):  # the field refuses to compare with anything else
        ranks.append(When(vestigingscode=compact, then=Value(0)))
    if brin:
        ranks.append(When(vestigingscode__startswith=brin, then=Value(1)))
    ranks.append(When(name__istartswith=query, then=Value(2)))
    rank = Case(*ranks, default=Value(3), output_field=IntegerField())
    return list(
        Organisation.objects.filter(matches, kind=Organisation.Kind.SCHOOL)
        .annotate(rank=rank)
        .order_by("rank", "name", "city", "pk")[:limit]
    )


# The GET/POST parameter of the school picker's search box.
SCHOOL_QUERY = "school_zoek"


def school_choices(query: str, *, chosen: Organisation | None = None) -> dict:
    """The context of templates/offers/_school_choices.html: the schools found and the chosen."""
    found = school_search(query)
    if chosen is not None and chosen not in found:
        found = [chosen, *found]
    return {
        "school_query": query,
        "schools": found,
        "chosen_school_id": chosen.pk if chosen else None,
        "searched": len(query) >= 2,
    }


def schools() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)


# --- private links -----------------------------------------------------------------------------


def request_status_token(offer_request: OfferRequest) -> str:
    """The signed part of the teacher's private link to follow their request."""
    return signing.dumps(offer_request.pk, salt=TEACHER_LINK_SALT)


def request_answer_token(offer_request: OfferRequest) -> str:
    """The signed part of the company's private link to answer a request for its offer."""
    return signing.dumps(
        [offer_request.pk, offer_request.offer.organisation_id], salt=COMPANY_LINK_SALT
    )


def request_status_url(offer_request: OfferRequest) -> str:
    token = request_status_token(offer_request)
    return settings.SITE_URL + reverse("offers:request_status", args=[token])


def request_answer_url(offer_request: OfferRequest) -> str:
    token = request_answer_token(offer_request)
    return settings.SITE_URL + reverse("offers:request_answer", args=[token])


def request_admin_url(offer_request: OfferRequest) -> str:
    path = reverse("admin:offers_offerrequest_change", args=[offer_request.pk])
    return settings.SITE_URL + path


def _unsign(token: str, *, salt: str) -> object:
    try:
        return signing.loads(token, salt=salt, max_age=settings.OFFER_REQUEST_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None


def offer_requests() -> QuerySet[OfferRequest]:
    return OfferRequest.objects.select_related("offer__organisation", "school", "match")


def offer_request_for_status_token(token: str) -> OfferRequest | None:
    """The request a teacher's token names; None when tampered with or expired."""
    pk = _unsign(token, salt=TEACHER_LINK_SALT)
    if type(pk) is not int:
        return None
    return offer_requests().filter(pk=pk).first()


def offer_request_for_answer_token(token: str) -> OfferRequest | None:
    """The request a company's token names, only while that company still owns the offer."""
    value = _unsign(token, salt=COMPANY_LINK_SALT)
    if not (
        isinstance(value, list) and len(value) == 2 and all(type(part) is int for part in value)
    ):
        return None
    pk, company_id = value
    return offer_requests().filter(pk=pk, offer__organisation_id=company_id).first()


# --- /beheer/ ----------------------------------------------------------------------------------


def visible_in_regions(queryset: QuerySet, regions: QuerySet[Region] | None) -> QuerySet:
    """Requests or matches whose offer or school lies in `regions` (None: all of them)."""
    if regions is None:
        return queryset
    return queryset.filter(Q(offer__region__in=regions) | Q(school__region__in=regions))
