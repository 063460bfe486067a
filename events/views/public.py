"""The public pages of events: the list (/evenementen/) and the iCal files."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from organisations.models import Region
from techportal.choices import Level, labels_of

from .. import queries
from ..ical import event_calendar, events_feed
from ..models import Event
from ..queries import public_events

PAGE_SIZE = 20
# The feed keeps past events for a while, so a subscribed calendar does not lose them at once.
FEED_PAST_DAYS = 30
# Longer values are not echoed back in notices.
ECHO_MAX_LENGTH = 40


@dataclass(frozen=True)
class EventFilters:
    """The filters of the list, read from the query string; bad values become notices."""

    region: Region | None = None
    kind: str = ""
    level: str = ""
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, str], regions: list[Region]) -> "EventFilters":
        notices: list[str] = []
        slug = params.get("regio", "").strip()
        region = next((r for r in regions if r.slug == slug), None)
        if slug and region is None:
            notices.append(
                _("Regio „%(value)s” bestaat niet; dit filter is genegeerd.") % _echo(slug)
            )
        kind = params.get("soort", "").strip()
        if kind and kind not in Event.Kind.values:
            notices.append(
                _("Soort „%(value)s” bestaat niet; dit filter is genegeerd.") % _echo(kind)
            )
            kind = ""
        level = params.get("niveau", "").strip()
        if level and level not in Level.values:
            notices.append(
                _("Niveau „%(value)s” bestaat niet; dit filter is genegeerd.") % _echo(level)
            )
            level = ""
        return cls(region, kind, level, _page_number(params.get("page", "")), tuple(notices))

    def query_string(self, **changes) -> str:
        """The query string of these filters with `changes`; the page resets unless given."""
        filters = replace(self, **({"page": 1} | changes))
        params = {
            "regio": filters.region.slug if filters.region else "",
            "soort": filters.kind,
            "niveau": filters.level,
            "page": filters.page if filters.page > 1 else "",
        }
        return urlencode({name: value for name, value in params.items() if value})

    @property
    def active(self) -> bool:
        return bool(self.region or self.kind or self.level)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events, filtered by region, kind and level, 20 to a page."""
    regions = list(Region.objects.order_by("name"))
    filters = EventFilters.from_params(request.GET, regions)
    page = _page(listed_events(filters), filters.page)
    now = timezone.now()
    for event in page.object_list:
        event.level_labels = labels_of(Level, event.levels)
        event.registration_state = registration_state(event, now=now)
    return render(
        request,
        "events/list.html",
        _list_context(filters, page, regions) | {"feed_url": reverse("events:feed")},
    )


@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One event as an .ics download; drafts do not exist for the public."""
    event = get_object_or_404(public_events(), slug=slug)
    return _calendar_response(event_calendar(event), filename=f"{event.slug}.ics")


@require_safe
@cache_control(public=True, max_age=600)
def feed_ics(request: HttpRequest) -> HttpResponse:
    """Every published event from a month ago on, for calendar apps that subscribe.

    Cancelled events stay in the feed, marked CANCELLED, so subscribed calendars drop them.
    """
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    events = public_events().filter(date__gte=since).order_by("date", "starts_at", "pk")
    return _calendar_response(events_feed(events), filename="evenementen.ics", inline=True)


def listed_events(filters: EventFilters) -> QuerySet[Event]:
    """Public upcoming events matching `filters`, each with its places left in one query."""
    events = public_events().filter(date__gte=timezone.localdate())
    if filters.region:
        events = events.filter(region=filters.region)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.level:
        # An event without target levels is open to every level.
        events = events.filter(Q(levels__contains=[filters.level]) | Q(levels=[]))
    return queries.with_places_left(events).order_by("date", "starts_at", "pk")


def registration_state(event: Event, *, now: datetime.datetime) -> str:
    """One of cancelled, not_yet_open, closed, full (waiting list only) and open."""
    if event.status == Event.Status.CANCELLED:
        return "cancelled"
    if now < event.registration_opens_at:
        return "not_yet_open"
    if now > event.registration_deadline:  # the deadline itself still counts, as in queries
        return "closed"
    if getattr(event, "capacity", None) and getattr(event, "places_left", 1) <= 0:
        return "full"
    return "open"


def _list_context(filters: EventFilters, page: Page, regions: list[Region]) -> dict:
    base = reverse("events:list")

    def url(**changes) -> str:
        query_string = filters.query_string(**changes)
        return f"{base}?{query_string}" if query_string else base

    kind_links = [Link(_("Alle soorten"), url(kind=""), not filters.kind)] + [
        Link(str(label), url(kind=value), filters.kind == value)
        for value, label in Event.Kind.choices
    ]
    active_filters = []
    if filters.region:
        active_filters.append(Link(filters.region.name, url(region=None)))
    if filters.kind:
        active_filters.append(Link(str(Event.Kind(filters.kind).label), url(kind="")))
    if filters.level:
        active_filters.append(Link(str(Level(filters.level).label), url(level="")))
    return {
        "filters": filters,
        "page": page,
        "events": page.object_list,
        "regions": regions,
        "kinds": Event.Kind.choices,
        "levels": Level.choices,
        "kind_links": kind_links,
        "active_filters": active_filters,
        "previous_url": url(page=page.number - 1) if page.has_previous() else "",
        "next_url": url(page=page.number + 1) if page.has_next() else "",
        "page_links": [
            None
            if number == page.paginator.ELLIPSIS
            else Link(str(number), url(page=number), number == page.number)
            for number in page.paginator.get_elided_page_range(page.number)
        ],
        "clear_url": base,
    }


def _page(events: QuerySet[Event], number: int) -> Page:
    """The page `number`, or the last one when it lies beyond the end."""
    paginator = Paginator(events, PAGE_SIZE, allow_empty_first_page=True)
    return paginator.page(min(number, paginator.num_pages))


def _page_number(raw: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        return 1
    return max(number, 1)


def _echo(value: str) -> dict[str, str]:
    if len(value) > ECHO_MAX_LENGTH:
        value = value[: ECHO_MAX_LENGTH - 1] + "…"
    return {"value": value}


def _calendar_response(body: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
