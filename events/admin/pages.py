"""The organiser's pages of one event: registrations per slot, day schedule, workshop hosts.

Reads for these pages live here; each page shows only an event the user may see (404 else).
"""

from dataclasses import dataclass, field
from typing import cast

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from ..models import Event, Registration, TimeSlot, Workshop


@dataclass
class SlotOverview:
    """One slot with its confirmed classes and its waiting list (in order)."""

    slot: TimeSlot
    confirmed: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)

    @property
    def confirmed_pupils(self) -> int:
        return sum(registration.pupils for registration in self.confirmed)

    @property
    def waitlisted_pupils(self) -> int:
        return sum(registration.pupils for registration in self.waitlisted)

    @property
    def places_left(self) -> int:
        return max(self.slot.capacity - self.confirmed_pupils, 0)


def slot_overviews(event: Event) -> list[SlotOverview]:
    """Every slot of `event` with its live registrations by arrival: two queries in all."""
    live = (
        Registration.objects.exclude(status=Registration.Status.CANCELLED)
        .select_related("school")
        .order_by("created_at", "pk")
    )
    slots = event.slots.order_by("starts_at").prefetch_related(
        Prefetch("registrations", queryset=live, to_attr="live_registrations")
    )
    overviews = []
    for slot in slots:
        overview = SlotOverview(slot=slot)
        for registration in slot.live_registrations:  # prefetched
            if registration.status == Registration.Status.CONFIRMED:
                overview.confirmed.append(registration)
            else:
                overview.waitlisted.append(registration)
        overviews.append(overview)
    return overviews


def event_workshops(event: Event) -> list[Workshop]:
    return list(event.workshops.select_related("host").order_by("title", "pk"))


class WorkshopHostForm(forms.Form):
    """Assign one of the candidate companies to one of the event's workshops."""

    workshop = forms.ModelChoiceField(
        queryset=Workshop.objects.none(),
        label=_("Workshop"),
        error_messages={
            "required": _("Kies een workshop."),
            "invalid_choice": _("Kies een workshop van dit evenement."),
        },
    )
    company = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Bedrijf"),
        error_messages={
            "required": _("Kies een bedrijf."),
            "invalid_choice": _(
                "Kies een bedrijf uit de lijst: alleen bedrijven die een workshop op een "
                "evenement in deze regio willen verzorgen."
            ),
        },
    )

    def __init__(self, *args, event: Event, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["workshop"]).queryset = event.workshops.all()
        cast(forms.ModelChoiceField, self.fields["company"]).queryset = candidates
