"""The impact figures: one aggregate query per table, grouped by region in the database.

Every figure covers a `Period` (first and last day, both inclusive, in Europe/Amsterdam) and a
`Scope` of regions (a coordinator's own regions, one chosen region, or everything). Definitions,
also shown under each table:

- Aanmeldingen: sign-ups received in the period, by the sign-up's region; sign-ups outside every
  region form their own row "Zonder regio" (only where every region is in view). With the median
  hours from received to routed, and from received to the start of triage.
- Aanbod gepubliceerd: offers whose `published_at` lies in the period (whatever their status
  now), per kind, by the offer's region.
- Aanvragen: teachers' requests created in the period, per status, by the offer's region.
- Matches: matches created in the period, per (current) status, by the offer's region.
- Leerlingen bereikt: pupils of matches carried out or closed whose date lies in the period (by
  the offer's region), plus pupils of confirmed class registrations for events held in the
  period (published events, by the event's region).
- Evenementen: published events held in the period, one row each: confirmed and waitlisted
  classes, pupils confirmed and capacity (the sum of its time slots' places).
- Actieve bedrijven: distinct companies with an offer published in the period or an offer
  matched in the period, per world of technique of those offers (a company with offers in two
  worlds counts in both; the total counts it once). The vocabulary of worlds is fixed, so one
  conditional COUNT(DISTINCT …) per world does what an `unnest` would, and gives the true
  distinct total in the same query.

Counts are summed into the total row in Python (the rows are already aggregated); medians and
distinct counts cannot be summed, so their totals come from the same aggregate without GROUP BY.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, field

from django.db import models
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration, TimeSlot
from offers.models import Offer, OfferKind, OfferRequest
from organisations.models import Region
from techportal.choices import World

from ..models import Match, SignUp

NO_REGION = _("Zonder regio")
TOTAL = _("Totaal")


class Hours(Func):
    """The length of an interval (a later minus an earlier moment), in hours."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision) / 3600.0"
    output_field = FloatField()


class Median(Aggregate):
    """The median of the (non-null) values: PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY …)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


# --- periods and scopes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days inclusive, in the site's time zone (Europe/Amsterdam)."""

    start: datetime.date
    end: datetime.date

    @property
    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first moment of the period and the first moment after it."""
        zone = timezone.get_default_timezone()
        after = self.end + datetime.timedelta(days=1)
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
        )

    def at(self, lookup: str) -> Q:
        """Rows whose moment `lookup` (a DateTimeField) lies in the period."""
        first, after = self.moments
        return Q(**{f"{lookup}__gte": first, f"{lookup}__lt": after})

    def on(self, lookup: str) -> Q:
        """Rows whose day `lookup` (a DateField) lies in the period."""
        return Q(**{f"{lookup}__range": (self.start, self.end)})

    @classmethod
    def school_year(cls, today: datetime.date, *, years_back: int = 0) -> "Period":
        """The school year (1 August – 31 July) of `today`, or one `years_back` before it."""
        first_year = (today.year if today.month >= 8 else today.year - 1) - years_back
        return cls(datetime.date(first_year, 8, 1), datetime.date(first_year + 1, 7, 31))

    @classmethod
    def calendar_year(cls, today: datetime.date) -> "Period":
        return cls(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))

    @classmethod
    def last_twelve_months(cls, today: datetime.date) -> "Period":
        """The twelve months up to and including `today`."""
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(year_ago + datetime.timedelta(days=1), today)


@dataclass(frozen=True)
class Scope:
    """A period and the regions in view. `everywhere`: no region filter at all, so the rows
    outside every region count too (and get their own "Zonder regio" row)."""

    period: Period
    regions: tuple[Region, ...]
    everywhere: bool = False

    @classmethod
    def of(cls, period: Period, regions: Iterable[Region] | None) -> "Scope":
        """The scope of `regions` (None: every region, and what lies outside them)."""
        if regions is None:
            return cls(period, tuple(Region.objects.order_by("name")), everywhere=True)
        return cls(period, tuple(sorted(regions, key=lambda region: region.name)))

    def filter(self, queryset: QuerySet, region_lookup: str) -> QuerySet:
        if self.everywhere:
            return queryset
        return queryset.filter(**{f"{region_lookup}__in": [region.pk for region in self.regions]})


# --- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str | Promise
    numeric: bool = True
    decimals: int = 0


@dataclass(frozen=True)
class Table:
    """One table of the dashboard: rows of cells (first cell the row's name) and a total row.

    `chart_column` is the column the bar chart next to the table shows, one bar per row.
    """

    slug: str
    title: str | Promise
    definition: str | Promise
    columns: tuple[Column, ...]
    rows: list[tuple] = field(default_factory=list)
    total: tuple | None = None
    chart_column: int = 1

    @property
    def bars(self) -> list[tuple[str, float]]:
        return [(str(row[0]), row[self.chart_column] or 0) for row in self.rows]

    @property
    def chart_label(self) -> str | Promise:
        return self.columns[self.chart_column].label

    @property
    def body(self) -> list[list[tuple[object, Column]]]:
        """The rows as (value, column) pairs, for a template to format each cell."""
        return [list(zip(row, self.columns, strict=True)) for row in self.rows]

    @property
    def footer(self) -> list[tuple[object, Column]]:
        return list(zip(self.total, self.columns, strict=True)) if self.total else []


def _grouped(
    queryset: QuerySet, scope: Scope, region_lookup: str, **aggregates
) -> dict[int | None, dict]:
    """One aggregate query: `aggregates` per region (key None: outside every region)."""
    rows = (
        scope.filter(queryset, region_lookup)
        .order_by()
        .values(region_key=F(region_lookup))
        .annotate(**aggregates)
    )
    return {row.pop("region_key"): row for row in rows}


def _region_rows(
    scope: Scope, values: dict[int | None, dict], keys: Sequence[str], *, blank=None
) -> list[tuple]:
    """A row per region in view (in name order), plus "Zonder regio" where it has figures.

    A region without any rows gets `blank` (by default: zero for every key).
    """
    blank = blank or dict.fromkeys(keys, 0)
    rows = [
        (region.name, *(values.get(region.pk, blank)[key] for key in keys))
        for region in scope.regions
    ]
    if scope.everywhere and None in values:
        rows.append((NO_REGION, *(values[None][key] for key in keys)))
    return rows


def _sum_columns(rows: list[tuple], width: int) -> tuple:
    """The total row of `rows` (`width` cells each, the first its name): each column summed."""
    columns = zip(*(row[1:] for row in rows), strict=True) if rows else [()] * (width - 1)
    return (TOTAL, *(sum(values) for values in columns))


def _counts_per_choice(choices, lookup: str) -> dict[str, Count]:
    return {choice.value: Count("pk", filter=Q(**{lookup: choice.value})) for choice in choices}


# --- what each figure counts ----------------------------------------------------------------


def signups_received(period: Period) -> QuerySet[SignUp]:
    return SignUp.objects.filter(period.at("received_at"))


def offers_published(period: Period) -> QuerySet[Offer]:
    return Offer.objects.filter(period.at("published_at"))


def requests_created(period: Period) -> QuerySet[OfferRequest]:
    return OfferRequest.objects.filter(period.at("created_at"))


def matches_created(period: Period) -> QuerySet[Match]:
    return Match.objects.filter(period.at("created_at"))


def matches_done(period: Period) -> QuerySet[Match]:
    """Matches carried out (or closed after it) on a day in the period."""
    return Match.objects.filter(period.on("date"), status__in=Match.DONE_STATUSES)


def events_held(period: Period) -> QuerySet[Event]:
    return Event.objects.filter(period.on("date"), status=Event.Status.PUBLISHED)


def registrations_confirmed(period: Period) -> QuerySet[Registration]:
    return Registration.objects.filter(
        period.on("event__date"),
        event__status=Event.Status.PUBLISHED,
        status=Registration.Status.CONFIRMED,
    )


def offers_active(period: Period) -> QuerySet[Offer]:
    """Offers published in the period, or matched in it: their companies were active."""
    matched = matches_created(period).values("offer_id")
    return Offer.objects.filter(period.at("published_at") | Q(pk__in=matched))


# --- the dashboard's tables -----------------------------------------------------------------


def signups_table(scope: Scope) -> Table:
    received = signups_received(scope.period)
    aggregates = {
        "count": Count("pk"),
        "to_routing": Median(Hours(F("routed_at") - F("received_at"))),
        "to_triage": Median(Hours(F("triage_started_at") - F("received_at"))),
    }
    values = _grouped(received, scope, "region", **aggregates)
    total = scope.filter(received, "region").aggregate(**aggregates)
    keys = ("count", "to_routing", "to_triage")
    no_signups = {"count": 0, "to_routing": None, "to_triage": None}
    rows = _region_rows(scope, values, keys, blank=no_signups)
    return Table(
        slug="aanmeldingen",
        title=_("Aanmeldingen"),
        definition=_(
            "Aanmeldingen ontvangen in de periode, naar de regio van de aanmelding. Mediaan in "
            "uren van ontvangst tot doorsturen naar een coördinator, en van ontvangst tot het "
            "begin van de behandeling (alleen aanmeldingen die zo ver zijn)."
        ),
        columns=(
            Column(_("Regio"), numeric=False),
            Column(_("Aanmeldingen")),
            Column(_("Mediaan uren tot doorsturen"), decimals=1),
            Column(_("Mediaan uren tot behandeling"), decimals=1),
        ),
        rows=rows,
        total=(TOTAL, *(total[key] for key in keys)),
    )


def _per_choice_table(
    scope: Scope,
    rows_in_period: QuerySet,
    region_lookup: str,
    choices: type[models.TextChoices],
    field_name: str,
    *,
    slug: str,
    title: Promise,
    definition: Promise,
) -> Table:
    """A count per value of `choices` (one column each) and a total, per region."""
    aggregates = {**_counts_per_choice(choices, field_name), "total": Count("pk")}
    values = _grouped(rows_in_period, scope, region_lookup, **aggregates)
    keys = [*(choice.value for choice in choices), "total"]
    rows = _region_rows(scope, values, keys)
    return Table(
        slug=slug,
        title=title,
        definition=definition,
        columns=(
            Column(_("Regio"), numeric=False),
            *(Column(choice.label) for choice in choices),
            Column(TOTAL),
        ),
        rows=rows,
        total=_sum_columns(rows, len(keys) + 1),
        chart_column=len(keys),
    )


def offers_table(scope: Scope) -> Table:
    return _per_choice_table(
        scope,
        offers_published(scope.period),
        "region",
        OfferKind,
        "kind",
        slug="aanbod",
        title=_("Aanbod gepubliceerd"),
        definition=_(
            "Aanbod dat in de periode is gepubliceerd (ook als het nu gepauzeerd of "
            "gearchiveerd is), per soort, naar de regio van het aanbod."
        ),
    )


def requests_table(scope: Scope) -> Table:
    return _per_choice_table(
        scope,
        requests_created(scope.period),
        "offer__region",
        OfferRequest.Status,
        "status",
        slug="aanvragen",
        title=_("Aanvragen van docenten"),
        definition=_(
            "Aanvragen die docenten in de periode deden, naar hun huidige status, naar de regio "
            "van het aangevraagde aanbod."
        ),
    )


def matches_table(scope: Scope) -> Table:
    return _per_choice_table(
        scope,
        matches_created(scope.period),
        "offer__region",
        Match.Status,
        "status",
        slug="matches",
        title=_("Matches"),
        definition=_(
            "Matches die in de periode zijn gemaakt, naar hun huidige status, naar de regio van "
            "het aanbod."
        ),
    )


def pupils_table(scope: Scope) -> Table:
    pupils = Coalesce(Sum("pupils"), 0)
    via_matches = _grouped(matches_done(scope.period), scope, "offer__region", pupils=pupils)
    via_events = _grouped(
        registrations_confirmed(scope.period), scope, "event__region", pupils=pupils
    )
    values = {
        key: {
            "matches": via_matches.get(key, {}).get("pupils", 0),
            "events": via_events.get(key, {}).get("pupils", 0),
        }
        for key in via_matches.keys() | via_events.keys()
    }
    rows = [
        (name, matches, events, matches + events)
        for name, matches, events in _region_rows(scope, values, ("matches", "events"))
    ]
    return Table(
        slug="leerlingen",
        title=_("Leerlingen bereikt"),
        definition=_(
            "Leerlingen van matches die in de periode zijn uitgevoerd (uitgevoerd of afgesloten, "
            "op de datum van uitvoering; naar de regio van het aanbod), plus leerlingen van "
            "bevestigde inschrijvingen voor evenementen die in de periode plaatsvonden (naar de "
            "regio van het evenement)."
        ),
        columns=(
            Column(_("Regio"), numeric=False),
            Column(_("Via matches")),
            Column(_("Via evenementen")),
            Column(TOTAL),
        ),
        rows=rows,
        total=_sum_columns(rows, 4),
        chart_column=3,
    )


def events_table(scope: Scope) -> Table:
    capacity = (
        TimeSlot.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(places=Sum("capacity"))
        .values("places")
    )
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    events = (
        scope.filter(events_held(scope.period), "region")
        .annotate(
            confirmed=Count("registrations", filter=confirmed),
            waitlisted=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.WAITLISTED),
            ),
            pupils=Coalesce(Sum("registrations__pupils", filter=confirmed), 0),
            capacity=Coalesce(Subquery(capacity), 0),
        )
        .order_by("date", "starts_at", "pk")
        .values_list(
            "title", "date", "region__name", "confirmed", "waitlisted", "pupils", "capacity"
        )
    )
    rows = [
        (f"{title} ({day:%d-%m-%Y})", region, *counts) for title, day, region, *counts in events
    ]
    sums = _sum_columns([(row[0], *row[2:]) for row in rows], 5)
    return Table(
        slug="evenementen",
        title=_("Inschrijvingen per evenement"),
        definition=_(
            "Gepubliceerde evenementen die in de periode plaatsvonden, in de regio's in beeld: "
            "bevestigde klassen, klassen op de wachtlijst, bevestigde leerlingen en de "
            "capaciteit (de plaatsen van alle tijdvakken samen)."
        ),
        columns=(
            Column(_("Evenement"), numeric=False),
            Column(_("Regio"), numeric=False),
            Column(_("Klassen bevestigd")),
            Column(_("Klassen op de wachtlijst")),
            Column(_("Leerlingen bevestigd")),
            Column(_("Capaciteit (leerlingen)")),
        ),
        rows=rows,
        total=(sums[0], "", *sums[1:]),
        chart_column=4,
    )


def companies_table(scope: Scope) -> Table:
    company = "organisation"
    counts = scope.filter(offers_active(scope.period), "region").aggregate(
        total=Count(company, distinct=True),
        **{
            world.value: Count(company, distinct=True, filter=Q(worlds__contains=[world.value]))
            for world in World
        },
    )
    return Table(
        slug="bedrijven",
        title=_("Actieve bedrijven per wereld van techniek"),
        definition=_(
            "Bedrijven met aanbod dat in de periode is gepubliceerd of gematcht, per wereld van "
            "techniek van dat aanbod, naar de regio van het aanbod. Een bedrijf in twee werelden "
            "telt in beide; in het totaal telt het één keer."
        ),
        columns=(Column(_("Wereld van techniek"), numeric=False), Column(_("Bedrijven"))),
        rows=[(world.label, counts[world.value]) for world in World],
        total=(_("Totaal (elk bedrijf één keer)"), counts["total"]),
    )


TABLES: dict[str, Callable[[Scope], Table]] = {
    "aanmeldingen": signups_table,
    "aanbod": offers_table,
    "aanvragen": requests_table,
    "matches": matches_table,
    "leerlingen": pupils_table,
    "evenementen": events_table,
    "bedrijven": companies_table,
}


def dashboard(scope: Scope) -> list[Table]:
    """Every table of the impact dashboard, in the order of the page."""
    return [table(scope) for table in TABLES.values()]


# --- the public page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """One row of the public page: counts only, nothing about a person."""

    name: str
    companies: int
    offers: int
    matches: int
    pupils: int
    registrations: int


@dataclass(frozen=True)
class Summary:
    period: Period
    regions: list[Totals]
    national: Totals


def public_summary(period: Period) -> Summary:
    """National and per-region totals of `period`, for everyone to see (five queries)."""
    scope = Scope.of(period, None)
    pupils = Coalesce(Sum("pupils"), 0)
    companies = _grouped(
        offers_active(period), scope, "region", n=Count("organisation", distinct=True)
    )
    offers = _grouped(offers_published(period), scope, "region", n=Count("pk"))
    matches = _grouped(matches_done(period), scope, "offer__region", n=Count("pk"), pupils=pupils)
    registrations = _grouped(
        registrations_confirmed(period), scope, "event__region", n=Count("pk"), pupils=pupils
    )
    values = {
        key: {
            "companies": companies.get(key, {}).get("n", 0),
            "offers": offers.get(key, {}).get("n", 0),
            "matches": matches.get(key, {}).get("n", 0),
            "pupils": matches.get(key, {}).get("pupils", 0)
            + registrations.get(key, {}).get("pupils", 0),
            "registrations": registrations.get(key, {}).get("n", 0),
        }
        for key in companies.keys() | offers.keys() | matches.keys() | registrations.keys()
    }
    keys = ("companies", "offers", "matches", "pupils", "registrations")
    rows = [Totals(str(name), *counts) for name, *counts in _region_rows(scope, values, keys)]
    national_companies = offers_active(period).aggregate(n=Count("organisation", distinct=True))[
        "n"
    ]
    _label, _companies, *rest = _sum_columns([astuple(row) for row in rows], len(keys) + 1)
    return Summary(
        period=period,
        regions=rows,
        national=Totals(str(TOTAL), national_companies, *rest),
    )
