"""iCalendar (RFC 5545) files of events: one event (download, email attachment) and the feed.

Times are written as local Europe/Amsterdam times with a TZID and a VTIMEZONE, so calendar
apps show the hours the organiser typed, in summer and in winter time alike.
"""

from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar.enums import STATUS

from .models import Event
from .queries import event_url

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//Techportal//Evenementen//NL"


def event_calendar(event: Event) -> bytes:
    """A VCALENDAR with this one event, as bytes (UTF-8, CRLF line endings)."""
    return _calendar([event], name=event.title)


def events_feed(events: Iterable[Event]) -> bytes:
    """A VCALENDAR with every event given, for calendar apps that subscribe to the agenda."""
    return _calendar(events, name=_("Techportal evenementen"))


def event_uid(event: Event) -> str:
    """Stable per event, so a changed or cancelled event replaces the copy in a calendar."""
    host = urlsplit(settings.SITE_URL).hostname or "techportal"
    return f"event-{event.pk}@{host}"


def _calendar(events: Iterable[Event], *, name: str) -> bytes:
    calendar = icalendar.Calendar.new(prodid=PRODID, name=name)
    # Calendar.new() gives the calendar a random UID; leave it out so equal input gives equal
    # bytes (RFC 7986 makes it optional).
    del calendar["UID"]
    calendar.add("X-WR-TIMEZONE", "Europe/Amsterdam")
    years = set()
    for event in events:
        calendar.add_component(_vevent(event))
        years.add(event.date.year)
    if years:
        # A VTIMEZONE with the transitions of the years in use only, not since 1970.
        calendar.add_missing_timezones(
            first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1)
        )
    return calendar.to_ical()


def _vevent(event: Event) -> icalendar.Event:
    cancelled = event.status == Event.Status.CANCELLED
    stamp = event.updated_at or timezone.now()
    vevent = icalendar.Event.new(
        uid=event_uid(event),
        stamp=stamp,
        last_modified=stamp,
        start=_local(event, event.starts_at),
        end=_local(event, event.ends_at),
        summary=event.title,
        description=_description(event),
        location=_location(event),
        url=event_url(event),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        # Calendar apps apply a change only when the sequence goes up.
        sequence=1 if cancelled else 0,
        categories=[str(event.get_kind_display())],
    )
    return vevent


def _local(event: Event, time) -> datetime:
    return datetime.combine(event.date, time, tzinfo=AMSTERDAM)


def _location(event: Event) -> str:
    parts = [event.venue_name, event.street_address, f"{event.postcode} {event.city}".strip()]
    return ", ".join(part for part in parts if part)


def _description(event: Event) -> str:
    lines = []
    if event.status == Event.Status.CANCELLED:
        lines.append(_("Dit evenement is geannuleerd."))
        if event.cancel_reason:
            lines.append(event.cancel_reason)
        lines.append("")
    if event.description:
        lines += [event.description, ""]
    lines.append(_("Meer informatie en aanmelden: %(url)s") % {"url": event_url(event)})
    return "\n".join(lines)
