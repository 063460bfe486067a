"""Class registrations in /beheer/: scoped to the events the user may see."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..exports import registrations_csv, registrations_for_export
from ..models import OrganiserStaff, Registration, TimeSlot
from .scoping import EventRegionFilter, EventScopedAdmin, visible_events


class EventFilter(admin.SimpleListFilter):
    """Filter by event, offering only the events the user may see."""

    title = _("evenement")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        events = visible_events(request.user).order_by("-date", "title")
        return [(str(event.pk), f"{event.title} ({event.date:%d-%m-%Y})") for event in events]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(event_id=int(value))
        return queryset


class SlotFilter(admin.SimpleListFilter):
    """Filter by slot, once an event is chosen (only that event's slots)."""

    title = _("tijdvak")
    parameter_name = "slot"

    def lookups(self, request, model_admin):
        event = request.GET.get(EventFilter.parameter_name, "")
        if not event.isdigit():
            return []
        slots = TimeSlot.objects.filter(
            event__in=visible_events(request.user), event_id=int(event)
        ).order_by("starts_at")
        return [(str(slot.pk), str(slot)) for slot in slots]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(slot_id=int(value))
        return queryset


@admin.register(Registration)
class RegistrationAdmin(EventScopedAdmin):
    event_lookup = "event"
    list_display = [
        "school",
        "event",
        "slot",
        "status",
        "group",
        "level",
        "pupils",
        "teacher_name",
        "created_at",
    ]
    list_select_related = ["school", "event", "slot"]
    list_filter = ["status", EventFilter, SlotFilter, EventRegionFilter]
    search_fields = [
        "school__name",
        "school__vestigingscode",
        "teacher_name",
        "teacher_email",
        "group",
    ]
    search_help_text = _("Zoek op school, BRIN, docent, e-mailadres of klas.")
    # Status, slot and pupils change only through the services (capacity, waiting list).
    readonly_fields = [
        "event",
        "slot",
        "school",
        "pupils",
        "status",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    fields = [
        "event",
        "slot",
        "school",
        "status",
        "teacher_name",
        "teacher_email",
        "group",
        "level",
        "pupils",
        "remarks",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    actions = ["export_csv", "cancel_registrations"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # teachers register on the public site

    @admin.action(description=_("Exporteren als CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Registration]) -> HttpResponse:
        return registrations_csv(registrations_for_export(queryset), name="inschrijvingen")

    @admin.action(
        description=_("Inschrijving annuleren (wachtlijst schuift door)"), permissions=["change"]
    )
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        from ..services.registrations import registration_cancel  # see the contract

        live = list(queryset.exclude(status=Registration.Status.CANCELLED))
        promoted = sum(len(registration_cancel(registration=r)) for r in live)
        self.message_user(
            request,
            ngettext(
                "%(count)d inschrijving geannuleerd",
                "%(count)d inschrijvingen geannuleerd",
                len(live),
            )
            % {"count": len(live)}
            + "; "
            + gettext("%(promoted)d klas(sen) van de wachtlijst geplaatst.")
            % {"promoted": promoted},
            messages.SUCCESS if live else messages.WARNING,
        )


@admin.register(OrganiserStaff)
class OrganiserStaffAdmin(admin.ModelAdmin):
    """Who manages which organiser's events (superusers: nobody else has the permission)."""

    list_display = ["user", "organiser"]
    list_select_related = ["user", "organiser"]
    search_fields = ["user__username", "user__email", "organiser__name"]
    autocomplete_fields = ["user", "organiser"]
