"""The catalogue search: what a teacher's query means, and the offers that match it.

A query (`CatalogueQuery`) is parsed from the URL once, forgivingly: input we cannot use is
dropped or corrected, with a Dutch notice saying so, and never raises. `search_offers` turns it
into a queryset of published offers; `catalogue_search` adds a page of rows, facet counts,
distances, pagination and a spelling suggestion for the catalogue page.

Full text
    Each offer's `search_vector` (kept by database triggers, migration 0003) is the `dutch`
    text-search vector of its title (weight A), its company's name (B) and its description (C).
    User text is never handed to `to_tsquery` as syntax: it is split into words of letters and
    digits only (at most 8 words, each at least 2 characters), each word becomes a prefix term
    `word:*`, and the terms are joined with `&` (every word must match). `to_tsquery('dutch', …)`
    then stems each word with the Dutch Snowball stemmer, so the prefix matches every form that
    starts with the stem:

    - "lassen" → `lass:*`: finds lassen, lasser, lassers (and "lasen" → `las:*`, see below).
    - "lassers" → `lasser:*`: finds lasser, lassers, but not lassen.
    - "las" → `las:*`: finds lassen, laswerk, lasapparaat, lasser.
    - "robots" → `robot:*`: finds robot, robots, robotica.
    - NOT found: "gelast" (past participle; stem `gelast`) does not find "lassen", nor does
      "lassen" find "gelast", and "laswerk" (stem `laswerk`) does not find "lassen": the
      stemmer does not undo the ge- prefix or split compounds. Typing the start of the word
      ("las") is the way to find them all; the tests pin down exactly these cases.

    A query of stop words only ("de het") matches nothing; that page says so.
    Relevance is `ts_rank_cd` on the stored, weighted vector.

Distance
    Computed in the database: the great-circle (haversine) distance from the centre of the
    searched PC4 area to every PC4 centre (`PostcodeArea`, ~4,000 rows) selects the areas within
    the radius, as a list fetched with the origin (one query, `origin_of`); offers are filtered
    with `pc4 IN (list)` (partial index `offer_published_pc4`), which PostgreSQL can BitmapAnd
    with the text index (a subquery there it could only join, scanning every offer with the
    word). Offers get the distance from their own latitude/longitude for ordering and display.

Facets
    For each facet (soort, niveau, wereld, regio) the counts apply every OTHER filter: values
    within a facet are OR-ed, facets are AND-ed. So a facet's counts depend on one filter set
    only: the query's own filters when the facet has no value chosen, else the query without
    that facet. Counts are cached per filter set and catalogue version (a sequence bumped by a
    statement trigger on every write to offers_offer, migration 0004), each entry holding all
    four facets counted in one scan (GROUPING SETS): searches share entries (the unfiltered
    counts serve every search with only one facet chosen), and the filter sets not cached are
    counted in one statement. The total is the sum of the kind counts of the selected kinds
    (every offer has exactly one kind), so no separate COUNT is needed.

Indexes (migration 0005): GIN on levels and worlds and (published_at DESC, id DESC), all
partial on published offers, so that filters combine by BitmapAnd and a deep page walks the
sort order's index.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.models import PostcodeArea, Region
from techportal.choices import Level, World

from .models import Offer, OfferKind

TEXT_MAX_LENGTH = 200
WORDS_MAX = 8
WORD_MIN_LENGTH = 2
DISTANCE_MIN_KM = 1
DISTANCE_MAX_KM = 300
DISTANCE_DEFAULT_KM = 25
DISTANCE_CHOICES_KM = (5, 10, 25, 50, 100)
EARTH_RADIUS_KM = 6371.0
MULTI_VALUES_MAX = 50  # more values of one facet than exist is someone playing with the URL

SORT_RELEVANCE = "relevantie"
SORT_DISTANCE = "afstand"
SORT_NEWEST = "nieuwste"
SORTS = (SORT_RELEVANCE, SORT_DISTANCE, SORT_NEWEST)

FACETS = ("soort", "niveau", "wereld", "regio")

_WORD = re.compile(r"[^\W_]+")
_SLUG = re.compile(r"^[-a-z0-9]{1,100}$")
_POSTCODE = re.compile(r"^([1-9][0-9]{3})([A-Z]{2})?$")


def sort_labels() -> list[tuple[str, str]]:
    return [
        (SORT_RELEVANCE, _("Beste match")),
        (SORT_DISTANCE, _("Afstand")),
        (SORT_NEWEST, _("Nieuwste eerst")),
    ]


# --- the query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueQuery:
    """A teacher's catalogue search, normalised. Build it with `from_params`."""

    text: str = ""  # cleaned user text (max 200 chars)
    kinds: tuple[str, ...] = ()  # OfferKind values (param `soort`, repeatable)
    levels: tuple[str, ...] = ()  # Level values (param `niveau`, repeatable)
    worlds: tuple[str, ...] = ()  # World values (param `wereld`, repeatable)
    regions: tuple[str, ...] = ()  # Region slugs (param `regio`, repeatable)
    postcode: str = ""  # normalised, "1234AB" or "1234" (param `postcode`)
    distance_km: int | None = None  # (param `afstand`); only set together with a postcode
    sort: str = ""  # "relevantie" | "afstand" | "nieuwste" (param `sorteer`); "" = default
    page: int = 1  # (param `page`)
    notices: tuple[str, ...] = field(default=(), compare=False)  # Dutch, about ignored input

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CatalogueQuery:
        """Parse URL parameters (a QueryDict or a plain mapping); never raises."""
        notices: list[str] = []
        text = _clean_text(_first(params, "q"), notices)
        kinds = _choices(_all(params, "soort"), OfferKind, _("soort"), notices)
        levels = _choices(_all(params, "niveau"), Level, _("niveau"), notices)
        worlds = _choices(_all(params, "wereld"), World, _("wereld"), notices)
        regions = _slugs(_all(params, "regio"), notices)
        postcode = _clean_postcode(_first(params, "postcode"), notices)
        distance_km = _clean_distance(_first(params, "afstand"), notices) if postcode else None
        if postcode and distance_km is None:
            distance_km = DISTANCE_DEFAULT_KM
        sort = _clean_sort(_first(params, "sorteer"), postcode=postcode, notices=notices)
        page = _clean_page(_first(params, "page"), notices)
        return cls(
            text=text,
            kinds=kinds,
            levels=levels,
            worlds=worlds,
            regions=regions,
            postcode=postcode,
            distance_km=distance_km,
            sort=sort,
            page=page,
            notices=tuple(notices),
        )

    def _pairs(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.text:
            pairs.append(("q", self.text))
        pairs += [("soort", value) for value in self.kinds]
        pairs += [("niveau", value) for value in self.levels]
        pairs += [("wereld", value) for value in self.worlds]
        pairs += [("regio", value) for value in self.regions]
        if self.postcode:
            pairs.append(("postcode", self.postcode))
            if self.distance_km is not None:
                pairs.append(("afstand", str(self.distance_km)))
        return pairs

    def query_string(self, *, page: int | None = None, sort: bool = True) -> str:
        """The normalised query string (no leading "?"), in a stable order.

        `page` overrides this query's page (1 is left out); `sort=False` leaves the sort out.
        """
        pairs = self._pairs()
        if sort and self.sort:
            pairs.append(("sorteer", self.sort))
        page = self.page if page is None else page
        if page > 1:
            pairs.append(("page", str(page)))
        return urlencode(pairs)

    @property
    def search_string(self) -> str:
        """What a saved search stores: the normalised query string without page and sort."""
        return urlencode(self._pairs())

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(text_words(self.text))

    @property
    def effective_sort(self) -> str:
        """The sort in use: the chosen one, else relevance for text, distance for a postcode."""
        if self.sort:
            return self.sort
        if self.words:
            return SORT_RELEVANCE
        if self.postcode:
            return SORT_DISTANCE
        return SORT_NEWEST

    @property
    def pc4(self) -> int | None:
        return int(self.postcode[:4]) if self.postcode else None

    @property
    def has_filters(self) -> bool:
        return bool(self._pairs())

    def without(self, param: str, value: str | None = None) -> CatalogueQuery:
        """This query without one filter value (or the whole parameter), back on page 1."""
        changes: dict[str, Any] = {"page": 1}
        if param == "q":
            changes["text"] = ""
        elif param == "postcode":
            changes |= {"postcode": "", "distance_km": None}
            if self.sort == SORT_DISTANCE:
                changes["sort"] = ""
        else:
            attribute = _FACET_ATTRIBUTES[param]
            current = getattr(self, attribute)
            changes[attribute] = () if value is None else tuple(v for v in current if v != value)
        return replace(self, **changes)


_FACET_ATTRIBUTES = {"soort": "kinds", "niveau": "levels", "wereld": "worlds", "regio": "regions"}


def _first(params: Mapping[str, Any], name: str) -> str:
    values = _all(params, name)
    return values[0] if values else ""


def _all(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        values = getlist(name)
    else:
        raw = params.get(name)
        if raw is None:
            values = []
        elif isinstance(raw, str):
            values = [raw]
        else:
            values = list(raw)
    return [str(value) for value in values]


def text_words(text: str) -> list[str]:
    """The words of `text` that take part in the search: letters and digits, lower case."""
    words = [word.lower() for word in _WORD.findall(text) if len(word) >= WORD_MIN_LENGTH]
    return list(dict.fromkeys(words))[:WORDS_MAX]


def _clean_text(raw: str, notices: list[str]) -> str:
    text = " ".join(raw.replace("\x00", " ").split())
    if len(text) > TEXT_MAX_LENGTH:
        notices.append(
            _("Uw zoektekst was langer dan %(max)s tekens; we zoeken op het begin ervan.")
            % {"max": TEXT_MAX_LENGTH}
        )
        cut = text[: TEXT_MAX_LENGTH + 1]
        # Not half a word: up to the last space, if there is one.
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut)[:TEXT_MAX_LENGTH].rstrip()
    if len(_WORD.findall(text)) > WORDS_MAX:
        notices.append(
            _("We zoeken op de eerste %(max)s woorden van uw zoektekst.") % {"max": WORDS_MAX}
        )
    return text


def _choices(raw: Sequence[str], choices: Any, name: str, notices: list[str]) -> tuple[str, ...]:
    valid = {choice.value for choice in choices}
    wanted = {value.strip() for value in raw[:MULTI_VALUES_MAX] if value.strip()}
    unknown = sorted(wanted - valid)
    if unknown or len(raw) > MULTI_VALUES_MAX:
        notices.append(
            _("Onbekende %(name)s genegeerd: %(values)s.")
            % {"name": name, "values": ", ".join(_short(value) for value in unknown[:5])}
        )
    # In the order the vocabulary defines: the same filters give the same query string.
    return tuple(choice.value for choice in choices if choice.value in wanted)


def _slugs(raw: Sequence[str], notices: list[str]) -> tuple[str, ...]:
    wanted = {value.strip().lower() for value in raw[:MULTI_VALUES_MAX] if value.strip()}
    valid = sorted(value for value in wanted if _SLUG.match(value))
    if len(valid) < len(wanted) or len(raw) > MULTI_VALUES_MAX:
        ignored = sorted(wanted - set(valid))
        notices.append(
            ngettext(
                "Onbekende regio genegeerd: %(values)s.",
                "Onbekende regio's genegeerd: %(values)s.",
                len(ignored),
            )
            % {"values": ", ".join(_short(value) for value in ignored[:5])}
        )
    return tuple(valid)


def _clean_postcode(raw: str, notices: list[str]) -> str:
    compact = "".join(raw.split()).upper()
    if not compact:
        return ""
    match = _POSTCODE.match(compact)
    if match is None:
        notices.append(
            _(
                "Postcode “%(postcode)s” is geen geldige postcode (zoals 1234 AB of 1234); "
                "we zoeken zonder afstand."
            )
            % {"postcode": _short(raw.strip())}
        )
        return ""
    return compact


def _clean_distance(raw: str, notices: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        notices.append(
            _("Afstand “%(value)s” is geen getal; we zoeken binnen %(default)s km.")
            % {"value": _short(raw), "default": DISTANCE_DEFAULT_KM}
        )
        return None
    km = round(number)
    if km < DISTANCE_MIN_KM or km > DISTANCE_MAX_KM:
        km = min(max(km, DISTANCE_MIN_KM), DISTANCE_MAX_KM)
        notices.append(
            _("De afstand kan %(min)s tot %(max)s km zijn; we zoeken binnen %(km)s km.")
            % {"min": DISTANCE_MIN_KM, "max": DISTANCE_MAX_KM, "km": km}
        )
    return km


def _clean_sort(raw: str, *, postcode: str, notices: list[str]) -> str:
    sort = raw.strip().lower()
    if not sort:
        return ""
    if sort not in SORTS:
        notices.append(_("Onbekende sortering genegeerd."))
        return ""
    if sort == SORT_DISTANCE and not postcode:
        notices.append(_("Sorteren op afstand kan alleen met een postcode."))
        return ""
    return sort


def _clean_page(raw: str, notices: list[str]) -> int:
    raw = raw.strip()
    if not raw:
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        notices.append(_("Onbekend paginanummer; we tonen de eerste pagina."))
        return 1
    return max(int(raw), 1)


def _short(value: str, length: int = 40) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


# --- the search -----------------------------------------------------------------------------------


def text_search_query(words: Iterable[str]) -> SearchQuery:
    """`word1:* & word2:*` parsed by to_tsquery('dutch', …); words are letters/digits only."""
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="dutch")


def origin_of(query: CatalogueQuery) -> PostcodeArea | None:
    """The PC4 centre distances are measured from, or None (no postcode, or not a known one).

    With a distance, the same query also lists the PC4 areas within it (`origin.nearby`, a
    list of pc4 numbers): the offers are then filtered with a plain list, which PostgreSQL can
    combine with the other indexes (a subquery in the filter it could only join).
    """
    if query.pc4 is None:
        return None
    areas = PostcodeArea.objects.filter(pc4=query.pc4).only("latitude", "longitude")
    if query.distance_km is not None:
        areas = areas.annotate(
            nearby=RawSQL(  # noqa: S611 -- constant SQL, the distance is a parameter
                _NEARBY_SQL,
                [float(query.distance_km)],
                output_field=ArrayField(IntegerField()),
            )
        )
    return areas.first()


# The same great-circle distance as `distance_km_expression`, from the outer (origin) row.
_NEARBY_SQL = """
ARRAY(
    SELECT nearby.pc4 FROM organisations_postcodearea AS nearby
    WHERE 12742.0 * asin(least(sqrt(
        power(sin((radians(nearby.latitude) - radians(organisations_postcodearea.latitude))
            / 2.0), 2)
        + cos(radians(organisations_postcodearea.latitude)) * cos(radians(nearby.latitude))
        * power(sin((radians(nearby.longitude) - radians(organisations_postcodearea.longitude))
            / 2.0), 2)
    ), 1.0)) <= %s
)
"""


def distance_km_expression(
    latitude: str, longitude: str, origin: PostcodeArea
) -> CombinedExpression:
    """Great-circle distance in km from `origin` to the row's latitude/longitude columns."""
    lat0 = math.radians(origin.latitude)
    lon0 = math.radians(origin.longitude)
    half_dlat = (Radians(F(latitude)) - Value(lat0)) / Value(2.0)
    half_dlon = (Radians(F(longitude)) - Value(lon0)) / Value(2.0)
    haversine = Power(Sin(half_dlat), 2) + Value(math.cos(lat0)) * Cos(
        Radians(F(latitude))
    ) * Power(Sin(half_dlon), 2)
    # LEAST: rounding can push the root a hair above 1, where asin is undefined.
    return Value(2 * EARTH_RADIUS_KM) * ASin(
        Least(Sqrt(haversine), Value(1.0), output_field=FloatField()),
        output_field=FloatField(),
    )


def _filtered(
    query: CatalogueQuery,
    origin: PostcodeArea | None,
    *,
    region_ids: Sequence[int] | None = None,
) -> QuerySet[Offer]:
    """Published offers matching `query`.

    `region_ids`: the ids of `query.regions` when the caller has them (no join on the slug).
    """
    offers = Offer.objects.filter(status=Offer.Status.PUBLISHED)
    words = query.words
    if words:
        offers = offers.filter(search_vector=text_search_query(words))
    if query.kinds:
        offers = offers.filter(kind__in=query.kinds)
    if query.levels:
        offers = offers.filter(levels__overlap=list(query.levels))
    if query.worlds:
        offers = offers.filter(worlds__overlap=list(query.worlds))
    if query.regions:
        if region_ids is None:
            offers = offers.filter(region__slug__in=query.regions)
        else:
            offers = offers.filter(region_id__in=region_ids)
    if origin is not None and query.distance_km is not None:
        nearby = getattr(origin, "nearby", None)
        if nearby is None:  # an origin not from `origin_of`
            areas = (
                PostcodeArea.objects.annotate(
                    distance=distance_km_expression("latitude", "longitude", origin)
                )
                .filter(distance__lte=query.distance_km)
                .values_list("pc4", flat=True)
            )
            nearby = list(areas)
        # Never empty (the origin is within any distance), but `IN ()` would raise.
        offers = offers.filter(pc4__in=nearby or [query.pc4])
    return offers


def search_offers(query: CatalogueQuery) -> QuerySet[Offer]:
    """Published offers matching every filter of `query` (text, kinds, levels, worlds, regions,
    distance), unordered, no facets. The saved-search digest uses this.

    A postcode that is not a known PC4 area leaves the distance filter out.
    """
    return _filtered(query, origin_of(query)).order_by()


# --- the catalogue page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        """The number of pages (at least 1)."""
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.number * self.size, self.total)

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link to: first, last and a window around this one; None = a gap."""
        wanted = {1, self.count, *range(self.number - around, self.number + around + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= self.count)
        numbers: list[int | None] = []
        for n in shown:
            if numbers and n - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


@dataclass(frozen=True)
class CatalogueResult:
    query: CatalogueQuery
    offers: list[Offer]  # one page; each with .distance_km (float | None)
    total: int
    facets: dict[str, list[FacetValue]]
    page: Page
    notices: tuple[str, ...]
    suggestion: str = ""  # suggested text ("Bedoelde u …?"), only when nothing was found
    origin_known: bool = False  # distances are shown

    @property
    def suggestion_query(self) -> CatalogueQuery | None:
        if not self.suggestion:
            return None
        return replace(self.query, text=self.suggestion, page=1)


def catalogue_search(query: CatalogueQuery) -> CatalogueResult:
    """One page of results (offers with what the result list shows, select_related), total,
    facets {facet: [(value, label, count, selected)]}, distance per offer when a postcode is
    given, the spelling suggestion (only computed when total == 0 and text was given), and
    pagination info. The catalogue view and the benchmark's bare view both call this.
    """
    notices = list(query.notices)
    regions = list(Region.objects.order_by("name").values_list("id", "slug", "name"))
    query = _known_regions(query, regions, notices)
    origin = origin_of(query)
    if query.postcode and origin is None:
        notices.append(
            _("Postcode %(postcode)s kennen we niet; we zoeken zonder afstand.")
            % {"postcode": query.postcode}
        )
    region_ids = [id_ for id_, slug, _name in regions if slug in query.regions]
    counts = _facet_counts(query, origin, regions, region_ids)
    selected_kinds = set(query.kinds) or set(counts["soort"])
    total = sum(n for kind, n in counts["soort"].items() if kind in selected_kinds)

    page = Page(number=query.page, size=settings.CATALOGUE_PAGE_SIZE, total=total)
    if query.page > page.count:
        notices.append(
            _("Pagina %(asked)s bestaat niet; dit is de laatste pagina (%(last)s).")
            % {"asked": query.page, "last": page.count}
        )
        page = replace(page, number=page.count)
        query = replace(query, page=page.count)

    offers = _page_rows(query, origin, page, region_ids) if total else []
    suggestion = ""
    if total == 0 and query.words:
        suggestion = _suggestion(query, origin, notices, region_ids)
    return CatalogueResult(
        query=query,
        offers=offers,
        total=total,
        facets=_facets(query, counts, regions),
        page=page,
        notices=tuple(notices),
        suggestion=suggestion,
        origin_known=origin is not None,
    )


def _known_regions(
    query: CatalogueQuery, regions: list[tuple[int, str, str]], notices: list[str]
) -> CatalogueQuery:
    known = {slug for _id, slug, _name in regions}
    unknown = [slug for slug in query.regions if slug not in known]
    if not unknown:
        return query
    notices.append(
        ngettext(
            "Onbekende regio genegeerd: %(values)s.",
            "Onbekende regio's genegeerd: %(values)s.",
            len(unknown),
        )
        % {"values": ", ".join(_short(slug) for slug in unknown[:5])}
    )
    return replace(query, regions=tuple(slug for slug in query.regions if slug in known))


def _page_rows(
    query: CatalogueQuery, origin: PostcodeArea | None, page: Page, region_ids: list[int]
) -> list[Offer]:
    """One page of offers, in one statement: the page's ids are chosen from the offers table
    alone (a subquery, LIMIT/OFFSET), then only those rows are joined to their company and
    region and ordered again. Joined before the LIMIT, PostgreSQL would hash the whole
    organisation table whenever many offers match (a common word: +60 ms)."""
    start = (page.number - 1) * page.size
    page_ids = _in_order(_filtered(query, origin, region_ids=region_ids), query, origin)
    offers = Offer.objects.filter(id__in=page_ids.values("id")[start : start + page.size])
    offers = offers.select_related("organisation", "region").only(
        "id",
        "kind",
        "title",
        "levels",
        "worlds",
        "on_request",
        "available_from",
        "available_until",
        "location",
        "group_size",
        "published_at",
        "organisation__name",
        "organisation__city",
        "region__name",
    )
    return list(_in_order(offers, query, origin))


def _in_order(
    offers: QuerySet[Offer], query: CatalogueQuery, origin: PostcodeArea | None
) -> QuerySet[Offer]:
    """`offers` with `distance_km` (None without a known origin), in the query's sort order."""
    tie_breakers = ["-published_at", "-id"]
    sort = query.effective_sort
    if origin is not None:
        offers = offers.annotate(
            distance_km=distance_km_expression("latitude", "longitude", origin)
        )
    else:
        offers = offers.annotate(distance_km=Value(None, output_field=FloatField()))
    if sort == SORT_RELEVANCE and query.words:
        return offers.annotate(
            rank=SearchRank(F("search_vector"), text_search_query(query.words), cover_density=True)
        ).order_by("-rank", *tie_breakers)
    if sort == SORT_DISTANCE and origin is not None:
        return offers.order_by(F("distance_km").asc(nulls_last=True), *tie_breakers)
    return offers.order_by(*tie_breakers)


# --- facets ---------------------------------------------------------------------------------------


def catalogue_version() -> int:
    """A number that changes whenever any offer is written (sequence bumped by a trigger)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM offers_catalogue_version")
        return int(cursor.fetchone()[0])


def _facet_counts(
    query: CatalogueQuery,
    origin: PostcodeArea | None,
    regions: list[tuple[int, str, str]],
    region_ids: list[int],
) -> dict[str, dict[str, int]]:
    """{facet: {value: count}}, each facet with every other filter applied; cached.

    A facet's counts depend only on the OTHER filters, so they are counted and cached per
    filter set: the query's own filters for every facet without a chosen value (it has no
    filter of its own), and the query without facet F for each facet F with a chosen value.
    Each filter set is one scan that counts all four facets, so searches share entries: the
    unfiltered counts serve the soort counts of `?soort=x` and of `?soort=y`, and so on.
    The filter sets not in the cache are counted in one statement.
    """
    filter_sets = {
        facet: query.without(facet) if getattr(query, _FACET_ATTRIBUTES[facet]) else query
        for facet in FACETS
    }
    # The database's name: test runs on other databases share the cache, not the sequence.
    database = connection.settings_dict["NAME"]
    prefix = f"catalogue:facet-counts:{database}:{catalogue_version()}:"
    prefix += "known" if origin is not None else "unknown"
    keys = {
        facet: f"{prefix}:{hashlib.sha256(filters.search_string.encode()).hexdigest()}"
        for facet, filters in filter_sets.items()
    }
    entries = cache.get_many(set(keys.values()))
    missing = {key: filter_sets[facet] for facet, key in keys.items() if key not in entries}
    if missing:
        counted = _facet_counts_uncached(list(missing.values()), origin, regions, region_ids)
        new = dict(zip(missing, counted, strict=True))
        cache.set_many(new, settings.CATALOGUE_FACET_CACHE_SECONDS)
        entries |= new
    return {facet: entries[key][facet] for facet, key in keys.items()}


# Facet counts, several facets in one scan of the offers a filter set finds: the rows are
# grouped by each facet's column separately (GROUPING SETS; levels and worlds by the whole
# array, so that only the few distinct arrays are unnested), then each group's values are
# unnested and summed. NULL values (offers without a region) are dropped. One scan can count
# for several filter sets at once: `ns` holds one count per filter set (count(*) FILTER).
_FACET_COLUMNS = {"soort": "kind", "niveau": "levels", "wereld": "worlds", "regio": "region_id"}
_FACET_VALUES = {
    "soort": "ARRAY[s.kind::text]",
    "niveau": "s.levels::text[]",
    "wereld": "s.worlds::text[]",
    "regio": "ARRAY[s.region_id::text]",
}
_GROUPED = {facet: f"GROUPING(s.{column}) = 0" for facet, column in _FACET_COLUMNS.items()}
_FACETS_SQL = """
SELECT c.number::int - 1 + %s, g.facet, value, sum(c.n)::bigint FROM (
    SELECT CASE {facet_cases} END AS facet, CASE {value_cases} END AS vals, ARRAY[{{counts}}] AS ns
    FROM ({{subquery}}) AS s
    GROUP BY GROUPING SETS ({grouping_sets})
) AS g, unnest(g.vals) AS value, unnest(g.ns) WITH ORDINALITY AS c(n, number)
WHERE value IS NOT NULL AND c.n > 0
GROUP BY c.number, g.facet, value
"""


def _facets_sql() -> str:
    """The counts of every facet over `{subquery}`, `{counts}` per filter set (no user input)."""
    return _FACETS_SQL.format(
        facet_cases=" ".join(f"WHEN {_GROUPED[facet]} THEN '{facet}'" for facet in FACETS),
        value_cases=" ".join(
            f"WHEN {_GROUPED[facet]} THEN {_FACET_VALUES[facet]}" for facet in FACETS
        ),
        grouping_sets=", ".join(f"(s.{_FACET_COLUMNS[facet]})" for facet in FACETS),
    )


_ALL_FACETS_SQL = _facets_sql()


def _facet_counts_uncached(
    filter_sets: Sequence[CatalogueQuery],
    origin: PostcodeArea | None,
    regions: list[tuple[int, str, str]],
    region_ids: list[int],
) -> list[dict[str, dict[str, int]]]:
    """For each filter set (the query and the query without one facet or another), all four
    facets counted over the offers it finds; one statement.

    With text or a distance the sets share those filters, which find few offers: one scan of
    the offers they find counts for every set, each facet filter a flag column. Without, the
    facet filters are what narrows the scan (indexes): one scan per set (UNION ALL).
    """
    if filter_sets[0].words or (origin is not None and filter_sets[0].distance_km is not None):
        scans = [_shared_scan(filter_sets, origin, region_ids)]
    else:
        scans = [
            (_filtered(filters, origin, region_ids=region_ids), ["count(*)"])
            for filters in filter_sets
        ]
    statements: list[str] = []
    params: list[Any] = []
    for offers, counts in scans:
        columns = [name for name in offers.query.annotations if name.startswith("flag_")]
        sql, sub_params = (
            offers.order_by()
            .values("kind", "levels", "worlds", "region_id", *columns)
            .query.sql_with_params()
        )
        statements.append(_ALL_FACETS_SQL.format(counts=", ".join(counts), subquery=sql))
        params += [sum(len(c) for _o, c in scans[: len(statements) - 1]), *sub_params]
    counted: list[dict[str, dict[str, int]]] = [
        {facet: {} for facet in FACETS} for _filters in filter_sets
    ]
    slug_of = {str(region_id): slug for region_id, slug, _name in regions}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"({statement})" for statement in statements), params)
        for number, facet, value, count in cursor.fetchall():
            if facet == "regio":
                value = slug_of.get(value)
                if value is None:
                    continue
            counted[number][facet][value] = count
    return counted


def _shared_scan(
    filter_sets: Sequence[CatalogueQuery], origin: PostcodeArea | None, region_ids: list[int]
) -> tuple[QuerySet[Offer], list[str]]:
    """The offers every set finds (their common filters), each facet filter that not all sets
    share as a flag column, and per set the count of the rows that pass its flags."""
    attributes = {facet: _FACET_ATTRIBUTES[facet] for facet in FACETS}
    flagged = [
        facet
        for facet, attribute in attributes.items()
        if len({getattr(filters, attribute) for filters in filter_sets}) > 1
    ]
    cleared: dict[str, Any] = {attributes[facet]: () for facet in flagged}
    common = replace(filter_sets[0], **cleared)
    offers = _filtered(common, origin, region_ids=region_ids)
    for facet in flagged:
        values = next(
            getattr(f, attributes[facet]) for f in filter_sets if getattr(f, attributes[facet])
        )
        condition = {
            "soort": Q(kind__in=values),
            "niveau": Q(levels__overlap=list(values)),
            "wereld": Q(worlds__overlap=list(values)),
            "regio": Q(region_id__in=region_ids),
        }[facet]
        offers = offers.annotate(
            **{f"flag_{facet}": ExpressionWrapper(condition, output_field=BooleanField())}
        )
    counts = []
    for filters in filter_sets:
        flags = [f"s.flag_{facet}" for facet in flagged if getattr(filters, attributes[facet])]
        counts.append(f"count(*) FILTER (WHERE {' AND '.join(flags)})" if flags else "count(*)")
    return offers, counts


def _facets(
    query: CatalogueQuery, counts: dict[str, dict[str, int]], regions: list[tuple[int, str, str]]
) -> dict[str, list[FacetValue]]:
    def values(options: Iterable[tuple[str, Any]], facet: str, chosen: tuple[str, ...]):
        return [
            FacetValue(value, str(label), counts[facet].get(value, 0), value in chosen)
            for value, label in options
        ]

    return {
        "soort": values(OfferKind.choices, "soort", query.kinds),
        "niveau": values(Level.choices, "niveau", query.levels),
        "wereld": values(World.choices, "wereld", query.worlds),
        "regio": values(((slug, name) for _id, slug, name in regions), "regio", query.regions),
    }


# --- "Bedoelde u …?" ------------------------------------------------------------------------------


_SUGGESTION_SQL = """
SELECT w.word, s.word
FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, position)
LEFT JOIN LATERAL (
    SELECT sw.word FROM offers_searchword AS sw
    WHERE sw.word %% w.word
    ORDER BY similarity(sw.word, w.word) DESC, sw.documents DESC, sw.word
    LIMIT 1
) AS s ON true
ORDER BY w.position
"""


def _suggestion(
    query: CatalogueQuery, origin: PostcodeArea | None, notices: list[str], region_ids: list[int]
) -> str:
    """A spelling of the text that finds offers with the other filters, or ""."""
    words = list(query.words)
    with connection.cursor() as cursor:
        cursor.execute(_SUGGESTION_SQL, [words])
        similar = [suggested or word for word, suggested in cursor.fetchall()]
    if similar == words:
        if _only_stop_words(words):
            notices.append(
                _("Uw zoekwoorden zijn te algemeen (zoals “de” of “het”); probeer andere woorden.")
            )
        return ""
    suggestion = " ".join(similar)
    if not _filtered(replace(query, text=suggestion), origin, region_ids=region_ids).exists():
        return ""
    return suggestion


def _only_stop_words(words: list[str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(to_tsquery('dutch', %s)) = 0",
            [" & ".join(f"{word}:*" for word in words)],
        )
        return bool(cursor.fetchone()[0])


__all__ = [
    "CatalogueQuery",
    "CatalogueResult",
    "FacetValue",
    "Page",
    "catalogue_search",
    "search_offers",
]
