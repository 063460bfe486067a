"""`{% match_suggestions %}`: ranked suggestions under a change form in /beheer/.

A template tag rather than a ModelAdmin mixin, so the admins of offers and organisations show
suggestions without importing the matching admin (which imports theirs).
"""

from collections.abc import Iterable

from django import template
from django.urls import reverse

from offers.models import Offer, OfferKind
from organisations.models import Organisation

from ..models import Match
from ..suggestions import offers_for_school, schools_for_offer

register = template.Library()

# Offers no school is suggested for: finished, or hosted at an event (the organiser's part).
_NO_SUGGESTIONS_FOR = {Offer.Status.ARCHIVED}


def offer_suggestions(offers: Iterable[Offer]) -> list[dict]:
    """For each offer that can still be matched: the schools that fit it best."""
    return [
        {"offer": offer, "schools": schools_for_offer(offer)}
        for offer in offers
        if offer.status not in _NO_SUGGESTIONS_FOR and offer.kind != OfferKind.EVENT_WORKSHOP
    ]


@register.inclusion_tag("admin/matching/includes/suggestions.html", takes_context=True)
def match_suggestions(
    context: template.Context,
    *,
    offers: Iterable[Offer] = (),
    offer: Offer | None = None,
    school: Organisation | None = None,
) -> dict:
    """Schools for `offers` (or one `offer`), or offers for `school`, each with its reasons."""
    request = context["request"]
    if offer is not None:
        offers = [offer]
    return {
        "offer_suggestions": offer_suggestions(offers),
        "school_suggestions": offers_for_school(school) if school is not None else None,
        "suggestion_school": school,
        "can_propose": request.user.has_perm(f"matching.add_{Match._meta.model_name}"),
        "propose_url": reverse("admin:matching_match_propose"),
        "back_url": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
