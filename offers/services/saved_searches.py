"""Saved searches: save with double opt-in, a weekly digest of new offers, one-click unsubscribe.

The private links are signed (django.core.signing), each kind with its own salt:
- the confirmation link carries the saved search's id and expires after
  SAVED_SEARCH_CONFIRM_MAX_AGE;
- the unsubscribe link carries the email address and the query, not only the id, so "undo"
  can re-create the search after it was deleted. It never expires: an old digest must still
  unsubscribe.

Each email is sent at most once per occasion: the sending service locks the row and records
when it sent (`confirmation_sent_at`, `last_sent_at`), so a repeated task does no harm.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Region
from techportal.choices import Level, World, labels_of
from techportal.mail import send_templated_mail
from techportal.queueing import enqueue_on_commit

from ..models import Offer, OfferKind, SavedSearch
from ..search import CatalogueQuery, search_offers

logger = logging.getLogger(__name__)

CONFIRM_SALT = "offers.saved_search.confirm"
UNSUBSCRIBE_SALT = "offers.saved_search.unsubscribe"

# A second "save" of an unconfirmed search re-sends the confirmation, but not more often.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
# A digest is weekly; one sent less than this long ago means a repeat (or a double beat).
DIGEST_INTERVAL = timedelta(days=6)
# The digest lists this many offers, then "en N meer" with a link to the search.
DIGEST_OFFERS = 10
NEWEST = "nieuwste"


# --- the search, in words and as links ---------------------------------------------------------


def catalogue_query(saved_query: str) -> CatalogueQuery:
    """The catalogue search a stored (normalised) query string stands for."""
    return CatalogueQuery.from_params(QueryDict(saved_query))


def normalise_query(raw: str) -> str:
    """`raw` as the catalogue itself would write it: unknown or forged parts are dropped."""
    return catalogue_query(raw).search_string


def search_url(saved_query: str, *, newest: bool = False) -> str:
    """The absolute link to the catalogue with this search (the newest offers first)."""
    params = saved_query
    if newest:
        params = "&".join(part for part in (saved_query, urlencode({"sorteer": NEWEST})) if part)
    url = settings.SITE_URL + reverse("offers:catalogue")
    return f"{url}?{params}" if params else url


def describe(saved_query: str) -> str:
    """The search in words for pages and emails: "“lassen” · Gastles · vmbo … · binnen 25 km
    van 1234AB". Values the catalogue does not know are not shown."""
    query = catalogue_query(saved_query)
    parts: list[str] = []
    if query.text:
        parts.append(f"“{query.text}”")
    parts.extend(labels_of(OfferKind, query.kinds))
    parts.extend(labels_of(Level, query.levels))
    parts.extend(labels_of(World, query.worlds))
    if query.regions:
        names = Region.objects.filter(slug__in=query.regions).order_by("name")
        parts.extend(
            _("regio %(name)s") % {"name": name} for name in names.values_list("name", flat=True)
        )
    if query.postcode:
        if query.distance_km:
            parts.append(
                _("binnen %(km)s km van %(postcode)s")
                % {"km": query.distance_km, "postcode": query.postcode}
            )
        else:
            parts.append(_("bij %(postcode)s") % {"postcode": query.postcode})
    return " · ".join(parts) or _("Al het aanbod")


# --- signed links ------------------------------------------------------------------------------


def confirm_token(saved_search: SavedSearch) -> str:
    return signing.dumps(saved_search.pk, salt=CONFIRM_SALT)


def confirm_url(saved_search: SavedSearch) -> str:
    return settings.SITE_URL + reverse("offers:confirm_search", args=[confirm_token(saved_search)])


def saved_search_for_confirm_token(token: str) -> SavedSearch | None:
    """The saved search a confirmation link names; None when tampered with, expired or gone."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.SAVED_SEARCH_CONFIRM_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(pk, int):
        return None
    return SavedSearch.objects.filter(pk=pk).first()


@dataclass(frozen=True)
class Subscription:
    """What an unsubscribe link names: enough to delete the search and to re-create it."""

    email: str
    query: str


def unsubscribe_token(saved_search: SavedSearch) -> str:
    return signing.dumps(
        {"e": saved_search.email, "q": saved_search.query}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_url(saved_search: SavedSearch) -> str:
    return settings.SITE_URL + reverse("offers:unsubscribe", args=[unsubscribe_token(saved_search)])


def subscription_for_unsubscribe_token(token: str) -> Subscription | None:
    """The email and query an unsubscribe link names; None when it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    email, query = data.get("e"), data.get("q")
    if not isinstance(email, str) or not isinstance(query, str) or not email or not query:
        return None
    return Subscription(email=email, query=query)


# --- saving, confirming, unsubscribing ---------------------------------------------------------


def _matching(*, email: str, query: str) -> QuerySet[SavedSearch]:
    # The unique constraint is on (lower(email), query): look it up the same way, so its index
    # serves the lookup (`email__iexact` would compare upper()).
    return SavedSearch.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.lower(), query=query
    )


def _get_or_create(*, email: str, query: str, confirmed_at: datetime | None) -> SavedSearch:
    """The one row of (email, query); a concurrent insert of the same pair is found, not doubled."""
    existing = _matching(email=email, query=query).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: the IntegrityError must not end the outer one
            return SavedSearch.objects.create(email=email, query=query, confirmed_at=confirmed_at)
    except IntegrityError:
        return _matching(email=email, query=query).get()


def _confirmation_due(saved_search: SavedSearch, now: datetime) -> bool:
    sent = saved_search.confirmation_sent_at
    return saved_search.confirmed_at is None and (
        sent is None or sent <= now - CONFIRMATION_RESEND_AFTER
    )


@transaction.atomic
def saved_search_create(*, email: str, query: str, now: datetime | None = None) -> SavedSearch:
    """Save `query` (normalised) for `email`, unconfirmed, and queue the confirmation email.

    Saving the same search again never makes a second row: an unconfirmed one gets its
    confirmation again (at most once per CONFIRMATION_RESEND_AFTER), a confirmed one nothing.
    The caller shows the same page whatever happened, so nobody learns what an address saved.
    """
    from ..tasks import send_saved_search_confirmation

    now = now or timezone.now()
    saved_search = _get_or_create(email=email, query=query, confirmed_at=None)
    if _confirmation_due(saved_search, now):
        enqueue_on_commit(send_saved_search_confirmation, saved_search.pk)
    return saved_search


@transaction.atomic
def saved_search_send_confirmation(*, saved_search_id: int, now: datetime | None = None) -> bool:
    """Email the confirmation link, unless confirmed or sent within CONFIRMATION_RESEND_AFTER.

    The row lock makes a repeated or concurrent task wait, then find it already sent.
    """
    now = now or timezone.now()
    saved_search = SavedSearch.objects.select_for_update().filter(pk=saved_search_id).first()
    if saved_search is None or not _confirmation_due(saved_search, now):
        return False
    send_templated_mail(
        template="saved_search_confirmation",
        to=[saved_search.email],
        context={
            "saved_search": saved_search,
            "description": describe(saved_search.query),
            "search_url": search_url(saved_search.query),
            "confirm_url": confirm_url(saved_search),
            "unsubscribe_url": unsubscribe_url(saved_search),
            "valid_days": settings.SAVED_SEARCH_CONFIRM_MAX_AGE // (24 * 3600),
        },
    )
    saved_search.confirmation_sent_at = now
    saved_search.save(update_fields=["confirmation_sent_at"])
    return True


@transaction.atomic
def saved_search_confirm(*, saved_search: SavedSearch, now: datetime | None = None) -> SavedSearch:
    """Confirm the search (double opt-in); confirming again changes nothing."""
    now = now or timezone.now()
    SavedSearch.objects.filter(pk=saved_search.pk, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    saved_search.refresh_from_db()
    return saved_search


@transaction.atomic
def saved_search_unsubscribe(*, subscription: Subscription) -> bool:
    """Delete the saved search at once; True when there was one to delete."""
    deleted, _rows = _matching(email=subscription.email, query=subscription.query).delete()
    return deleted > 0


@transaction.atomic
def saved_search_restore(*, subscription: Subscription, now: datetime | None = None) -> SavedSearch:
    """Undo an unsubscribe: the search exists again, confirmed (the link proved the address).

    The next digest lists what is published from now on, not what was missed meanwhile.
    """
    now = now or timezone.now()
    saved_search = _get_or_create(
        email=subscription.email, query=subscription.query, confirmed_at=now
    )
    if saved_search.confirmed_at is None:
        saved_search.confirmed_at = now
        saved_search.save(update_fields=["confirmed_at"])
    return saved_search


# --- the weekly digest -------------------------------------------------------------------------


def saved_searches_due(*, now: datetime | None = None) -> QuerySet[SavedSearch, int]:
    """The ids of the confirmed searches whose digest is due: one query, however many."""
    now = now or timezone.now()
    return (
        SavedSearch.objects.filter(confirmed_at__isnull=False)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - DIGEST_INTERVAL))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def new_offers(saved_search: SavedSearch, *, now: datetime) -> QuerySet[Offer]:
    """Published offers matching the search, published after the last digest (or the opt-in)."""
    since = saved_search.last_sent_at or saved_search.confirmed_at
    return (
        search_offers(catalogue_query(saved_search.query))
        .filter(published_at__gt=since, published_at__lte=now)
        .order_by("-published_at", "-pk")
    )


@transaction.atomic
def saved_search_send_digest(*, saved_search_id: int, now: datetime | None = None) -> int:
    """Email the offers new since the last digest; returns how many there were (0: no email).

    The row is locked (a concurrent run skips it) and a digest within DIGEST_INTERVAL is not
    sent again, so a repeated task or a double beat sends nothing twice. `last_sent_at` is the
    end of the period looked at: set also when nothing was new, so each offer is considered
    for one digest only.
    """
    now = now or timezone.now()
    saved_search = (
        SavedSearch.objects.select_for_update(skip_locked=True)
        .filter(pk=saved_search_id, confirmed_at__isnull=False)
        .first()
    )
    if saved_search is None:
        return 0
    if saved_search.last_sent_at and saved_search.last_sent_at > now - DIGEST_INTERVAL:
        return 0
    offers = new_offers(saved_search, now=now)
    listed = list(offers.select_related("organisation")[:DIGEST_OFFERS])
    total = len(listed) if len(listed) < DIGEST_OFFERS else offers.count()
    if total:
        _send_digest(saved_search, listed, total)
    saved_search.last_sent_at = now
    saved_search.save(update_fields=["last_sent_at"])
    return total


def _send_digest(saved_search: SavedSearch, offers: list[Offer], total: int) -> None:
    unsubscribe = unsubscribe_url(saved_search)
    send_templated_mail(
        template="saved_search_digest",
        to=[saved_search.email],
        context={
            "saved_search": saved_search,
            "description": describe(saved_search.query),
            "offers": [
                (offer, settings.SITE_URL + reverse("offers:detail", args=[offer.pk]))
                for offer in offers
            ],
            "total": total,
            "more": total - len(offers),
            "search_url": search_url(saved_search.query, newest=True),
            "unsubscribe_url": unsubscribe,
        },
        # RFC 2369 and RFC 8058: mail programs offer their own one-click "unsubscribe".
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
