"""Match suggestions: which school locations fit an offer, and which offers fit a school.

Both are ranked in one SQL statement, so the admin page stays fast at national scale
(`make bench-suggestions`). A candidate must be within reach and share a level; it then scores
0–100 from four parts, each also shown as a reason the coordinator can read:

- distance (40): 1 − km / reach, between the company's and the school's PC4 centres;
- levels (30): for schools, the shared levels / the school's levels; for offers, / the offer's;
- worlds (15): 1 when a world of technique is shared, ½ when the school names none, else 0;
- spread (15): days since the school's last match / 365, or 1 for none (for offers: since its
  last match with that company), so the chances go round.

Reach is `MATCH_SUGGESTION_MAX_KM` (online offers: `MATCH_SUGGESTION_ONLINE_MAX_KM`). Distances are
great-circle distances between PC4 centres (`PostcodeArea`), as in the catalogue. Without a known
centre the candidates are those of the same region, and distance scores ½. A school already
matched to the offer (any status but cancelled) is never suggested again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offers.models import Location, Offer, OfferKind
from organisations.models import Organisation, PostcodeArea
from techportal.choices import World, labels_of, short_levels

SUGGESTION_LIMIT = 10
KM_PER_DEGREE_LATITUDE = 111.2
WEIGHTS = {"distance": 40.0, "levels": 30.0, "worlds": 15.0, "spread": 15.0}

# Great-circle distance in km from the origin (%(lat)s, %(lon)s) to a PC4 centre `area`.
_DISTANCE_SQL = """
12742.0 * asin(least(sqrt(
    power(sin(radians(area.latitude - %(lat)s) / 2.0), 2)
    + cos(radians(%(lat)s)) * cos(radians(area.latitude))
    * power(sin(radians(area.longitude - %(lon)s) / 2.0), 2)
), 1.0))
"""

# The PC4 areas within reach, by a bounding box (index-friendly) and then the exact distance.
_REACH_SQL = f"""
reach AS (
    SELECT area.pc4, {_DISTANCE_SQL} AS km
    FROM organisations_postcodearea AS area
    WHERE area.latitude BETWEEN %(lat)s - %(dlat)s AND %(lat)s + %(dlat)s
      AND area.longitude BETWEEN %(lon)s - %(dlon)s AND %(lon)s + %(dlon)s
)
"""  # noqa: S608 -- constant fragments; every value is a parameter

# Without an origin: every area, at an unknown distance (the region limits the candidates).
_NO_REACH_SQL = (
    "reach AS (SELECT area.pc4, NULL::float8 AS km FROM organisations_postcodearea AS area)"
)

_SCORE_SQL = """
    %(w_distance)s * coalesce(1.0 - km / %(max_km)s, 0.5)
    + %(w_levels)s * levels_part
    + %(w_worlds)s * CASE WHEN cardinality(school_worlds) = 0 THEN 0.5
                          WHEN cardinality(worlds_fit) > 0 THEN 1.0 ELSE 0.0 END
    + %(w_spread)s * CASE WHEN last_match_at IS NULL THEN 1.0
        ELSE least(1.0, extract(epoch FROM now() - last_match_at) / (365.0 * 86400)) END
"""

_SCHOOLS_SQL = f"""
WITH {{reach}},
candidate AS (
    SELECT school.id, school.name, school.city, school.worlds AS school_worlds, reach.km,
        ARRAY(SELECT unnest(school.school_levels)
              INTERSECT SELECT unnest(%(levels)s::varchar[])) AS levels_fit,
        ARRAY(SELECT unnest(school.worlds)
              INTERSECT SELECT unnest(%(worlds)s::varchar[])) AS worlds_fit,
        cardinality(school.school_levels) AS level_count,
        (SELECT max(recent.created_at) FROM matching_match AS recent
         WHERE recent.school_id = school.id AND recent.status <> 'cancelled') AS last_match_at
    FROM organisations_organisation AS school
    {{join}} reach ON reach.pc4 = NULLIF(left(school.postcode, 4), '')::int
    WHERE school.kind = 'school'
      AND {{where}}
      AND (cardinality(%(levels)s::varchar[]) = 0
           OR school.school_levels && %(levels)s::varchar[])
      AND NOT EXISTS (
          SELECT FROM matching_match AS taken
          WHERE taken.offer_id = %(offer)s AND taken.school_id = school.id
            AND taken.status <> 'cancelled')
),
scored AS (
    SELECT candidate.*,
        CASE WHEN cardinality(%(levels)s::varchar[]) = 0 OR level_count = 0 THEN 0.5
             ELSE cardinality(levels_fit)::float8 / level_count END AS levels_part
    FROM candidate
)
SELECT id, name, city, km, levels_fit, worlds_fit, last_match_at, {_SCORE_SQL} AS score
FROM scored
ORDER BY score DESC, km NULLS LAST, id
LIMIT %(limit)s
"""  # noqa: S608 -- constant fragments; every value is a parameter

# Titles and companies are joined for the top rows only, not for every candidate.
_OFFERS_SQL = f"""
WITH {{reach}},
earlier AS (  -- the school's last match with each company
    SELECT matched.organisation_id, max(recent.created_at) AS at
    FROM matching_match AS recent
    JOIN offers_offer AS matched ON matched.id = recent.offer_id
    WHERE recent.school_id = %(school)s AND recent.status <> 'cancelled'
    GROUP BY matched.organisation_id
),
candidate AS (
    SELECT offer.id, offer.organisation_id, reach.km,
        %(school_worlds)s::varchar[] AS school_worlds,
        ARRAY(SELECT unnest(offer.levels)
              INTERSECT SELECT unnest(%(levels)s::varchar[])) AS levels_fit,
        ARRAY(SELECT unnest(offer.worlds)
              INTERSECT SELECT unnest(%(school_worlds)s::varchar[])) AS worlds_fit,
        cardinality(offer.levels) AS level_count,
        earlier.at AS last_match_at
    FROM reach
    {{join}} offers_offer AS offer ON offer.pc4 = reach.pc4
    LEFT JOIN earlier ON earlier.organisation_id = offer.organisation_id
    WHERE offer.status = 'published'
      AND offer.kind <> %(event_workshop)s
      AND {{where}}
      AND (offer.on_request OR offer.available_until >= %(today)s)
      AND offer.levels && %(levels)s::varchar[]
),
scored AS (
    SELECT candidate.*, cardinality(levels_fit)::float8 / greatest(level_count, 1) AS levels_part
    FROM candidate
),
best AS (
    SELECT id, organisation_id, km, levels_fit, worlds_fit, last_match_at,
        {_SCORE_SQL} AS score
    FROM scored
    WHERE NOT EXISTS (
        SELECT FROM matching_match AS taken
        WHERE taken.offer_id = scored.id AND taken.school_id = %(school)s
          AND taken.status <> 'cancelled')
    ORDER BY score DESC, km NULLS LAST, id
    LIMIT %(limit)s
)
SELECT best.*, offer.title, offer.kind, company.name, company.city
FROM best
JOIN offers_offer AS offer ON offer.id = best.id
JOIN organisations_organisation AS company ON company.id = best.organisation_id
ORDER BY best.score DESC, best.km NULLS LAST, best.id
"""  # noqa: S608 -- constant fragments; every value is a parameter


@dataclass(frozen=True)
class Suggestion:
    """One ranked candidate with what made it fit."""

    id: int
    name: str
    city: str
    distance_km: float | None
    levels: list[str]
    worlds: list[str]
    last_match_at: datetime | None
    score: float
    # For an offer suggested to a school.
    title: str = ""
    kind: str = ""

    @classmethod
    def of(cls, row: dict, **extra: str) -> Suggestion:
        """One row of the ranking queries."""
        return cls(
            id=row["id"],
            name=row["name"],
            city=row["city"],
            distance_km=row["km"],
            levels=row["levels_fit"],
            worlds=row["worlds_fit"],
            last_match_at=row["last_match_at"],
            score=row["score"],
            **extra,
        )

    @property
    def kind_label(self) -> str:
        return str(OfferKind(self.kind).label) if self.kind else ""

    @property
    def reasons(self) -> list[str]:
        """ "12 km · vmbo-TL · Energie, Water & Veiligheid · geen match in 12 maanden"."""
        reasons = [self._distance_reason()]
        reasons += short_levels(self.levels)
        reasons += labels_of(World, self.worlds)
        reasons.append(self._spread_reason())
        return [reason for reason in reasons if reason]

    def _distance_reason(self) -> str:
        if self.distance_km is None:
            return _("afstand onbekend")
        if self.distance_km < 1:
            return _("< 1 km")
        return _("%(km)d km") % {"km": round(self.distance_km)}

    def _spread_reason(self) -> str:
        if self.last_match_at is None:
            return _("nog geen match") if not self.title else _("nieuw bedrijf voor deze school")
        months = (timezone.now() - self.last_match_at).days // 30
        if months >= 12:
            return _("geen match in 12 maanden")
        if months == 0:
            return _("match deze maand")
        return ngettext(
            "laatste match %(count)d maand geleden",
            "laatste match %(count)d maanden geleden",
            months,
        ) % {"count": months}


def _reach(latitude: float | None, longitude: float | None, max_km: float) -> tuple[dict, dict]:
    """The SQL of the reach and its parameters: areas within `max_km`, or (no origin) all."""
    if latitude is None or longitude is None:
        return {"reach": _NO_REACH_SQL, "join": "LEFT JOIN"}, {}
    dlon = max_km / (KM_PER_DEGREE_LATITUDE * max(math.cos(math.radians(latitude)), 0.01))
    return {"reach": _REACH_SQL, "join": "JOIN"}, {
        "lat": latitude,
        "lon": longitude,
        "dlat": max_km / KM_PER_DEGREE_LATITUDE,
        "dlon": dlon,
    }


def _weights(max_km: float) -> dict:
    return {f"w_{name}": weight for name, weight in WEIGHTS.items()} | {"max_km": max_km}


def _fetch(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def reach_km(offer: Offer) -> float:
    if offer.location == Location.ONLINE:
        return float(settings.MATCH_SUGGESTION_ONLINE_MAX_KM)
    return float(settings.MATCH_SUGGESTION_MAX_KM)


def schools_for_offer(offer: Offer, *, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """The school locations that fit `offer` best, best first. One query."""
    if offer.kind == OfferKind.EVENT_WORKSHOP:
        return []  # hosted at an event: the organiser assigns it (events' workshop hosts page)
    max_km = reach_km(offer)
    reach, origin = _reach(offer.latitude, offer.longitude, max_km)
    if offer.latitude is None:
        if offer.region_id is None:
            return []
        where, extra = "school.region_id = %(region)s", {"region": offer.region_id}
    else:
        where, extra = "reach.km <= %(max_km)s", {}
    rows = _fetch(
        _SCHOOLS_SQL.format(**reach, where=where),
        origin
        | extra
        | _weights(max_km)
        | {
            "offer": offer.pk,
            "levels": list(offer.levels),
            "worlds": list(offer.worlds),
            "limit": limit,
        },
    )
    return [Suggestion.of(row) for row in rows]


def offers_for_school(school: Organisation, *, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """The published offers that fit `school` best, best first. Two small queries."""
    if school.kind != Organisation.Kind.SCHOOL or not school.school_levels:
        return []
    max_km = float(settings.MATCH_SUGGESTION_MAX_KM)
    area = PostcodeArea.objects.filter(pc4=(school.postcode or "0")[:4]).first()
    reach, origin = _reach(
        area.latitude if area else None, area.longitude if area else None, max_km
    )
    if area is None:
        if school.region_id is None:
            return []
        where, extra = "offer.region_id = %(region)s", {"region": school.region_id}
        reach["join"] = "RIGHT JOIN"  # every offer, also those of an unknown area
    else:
        where, extra = "reach.km <= %(max_km)s", {}
    rows = _fetch(
        _OFFERS_SQL.format(**reach, where=where),
        origin
        | extra
        | _weights(max_km)
        | {
            "school": school.pk,
            "levels": list(school.school_levels),
            "school_worlds": list(school.worlds),
            "event_workshop": OfferKind.EVENT_WORKSHOP.value,
            "today": timezone.localdate(),
            "limit": limit,
        },
    )
    return [Suggestion.of(row, title=row["title"], kind=row["kind"]) for row in rows]
