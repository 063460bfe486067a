"""Who sees which events in /beheer/.

An organiser's staff see the events of their own organiser organisation(s); a coordinator sees
the events in their regions; the national desk and superusers see all. Every events admin scopes
through `EventScopedAdmin.get_queryset`, so lists, change pages, search, filters, actions,
exports and the custom pages all follow it.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from organisations.admin import regions_visible_to
from organisations.models import Organisation, Region

from ..models import Event, OrganiserStaff


def organisers_of(user) -> QuerySet[Organisation] | None:
    """The organiser organisations a staff user may manage events for; None means all."""
    if regions_visible_to(user) is None:  # superuser or national desk
        return None
    return Organisation.objects.filter(
        kind=Organisation.Kind.ORGANISER,
        pk__in=OrganiserStaff.objects.filter(user=user).values("organiser_id"),
    )


def event_scope(user) -> Q | None:
    """The events `user` may see, as a condition on Event; None means every event."""
    regions = regions_visible_to(user)
    if regions is None:
        return None
    own = OrganiserStaff.objects.filter(user=user).values("organiser_id")
    # Subqueries, not joins: an event is one row however many staff its organiser has.
    return Q(organiser_id__in=own) | Q(region__in=regions)


def visible_events(user) -> QuerySet[Event]:
    scope = event_scope(user)
    return Event.objects.all() if scope is None else Event.objects.filter(scope)


class EventScopedAdmin(admin.ModelAdmin):
    """Shows a user only the rows of the events they may see (see `event_scope`).

    `event_lookup` is the path from the model to its Event ("" for Event itself).
    """

    event_lookup = ""

    def scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        condition = event_scope(request.user)
        if condition is None:
            return queryset
        if not self.event_lookup:
            return queryset.filter(condition)
        return queryset.filter(**{f"{self.event_lookup}__in": visible_events(request.user)})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))


def event_or_404(request: HttpRequest, object_id: int, *, queryset: QuerySet[Event]) -> Event:
    """The event, if this user may see it; 404 otherwise (no hint that it exists)."""
    scope = event_scope(request.user)
    if scope is not None:
        queryset = queryset.filter(scope)
    event = queryset.filter(pk=object_id).first()
    if event is None:
        raise Http404(_("Dit evenement bestaat niet of is niet voor u te zien."))
    return event


class EventRegionFilter(admin.SimpleListFilter):
    """Filter by region, offering only the regions of events the user may see."""

    title = _("regio")
    parameter_name = "region"

    def __init__(self, request, params, model, model_admin) -> None:
        self.region_lookup = "region" if model is Event else "event__region"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        regions = Region.objects.filter(
            pk__in=visible_events(request.user).values("region_id")
        ).order_by("name")
        return [(str(region.pk), region.name) for region in regions]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.region_lookup: int(value)})
        return queryset
