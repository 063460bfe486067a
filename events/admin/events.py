"""Events in /beheer/: organisers manage their own, coordinators follow those of their regions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from techportal.admin_pages import action_page
from techportal.choices import World, labels_of

from .. import queries
from ..exports import registrations_csv, registrations_for_export
from ..models import Event, Registration, TimeSlot, Workshop
from ..services.hosts import workshop_host_assign, workshop_host_candidates
from .pages import WorkshopHostForm, event_workshops, slot_overviews
from .scoping import EventRegionFilter, EventScopedAdmin, event_or_404, organisers_of

# Slugs that the public URLs already use: /evenementen/feed.ics would shadow an event "feed".
RESERVED_SLUGS = frozenset({"feed", "inschrijving"})


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "slug",
            "organiser",
            "region",
            "levels",
            "venue_name",
            "street_address",
            "postcode",
            "city",
            "date",
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_deadline",
            "description",
        ]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug.lower() in RESERVED_SLUGS:
            raise ValidationError(
                _("De slug “%(slug)s” is gereserveerd; kies een andere."),
                code="reserved",
                params={"slug": slug},
            )
        return slug


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van annulering"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text=_(
            "Alle ingeschreven docenten en de workshopbedrijven krijgen deze reden. Vul geen "
            "namen of andere gegevens van leerlingen in."
        ),
        error_messages={"required": _("Geef een reden op; de docenten krijgen die te lezen.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Geef een reden op; de docenten krijgen die te lezen."))
        return reason


class TimeSlotInline(admin.TabularInline):
    model = TimeSlot
    fields = ["starts_at", "ends_at", "capacity"]
    extra = 0

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        return 0 if obj else 3


class WorkshopInline(admin.StackedInline):
    """Workshops; the host is chosen on the workshop hosts page, which emails the company."""

    model = Workshop
    fields = ["title", "description", "capacity_per_round", "host"]
    readonly_fields = ["host"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workshop]:
        return super().get_queryset(request).select_related("host")


def _with_world_labels(companies: QuerySet[Organisation]) -> list[Organisation]:
    rows = list(companies)
    for company in rows:
        company.world_labels = ", ".join(labels_of(World, company.worlds))  # type: ignore[attr-defined]
    return rows


@admin.register(Event)
class EventAdmin(EventScopedAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "date",
        "region",
        "status",
        "pupils_display",
        "waitlist_display",
    ]
    list_select_related = ["region"]
    list_filter = ["status", "kind", EventRegionFilter]
    search_fields = ["title", "slug", "venue_name", "city", "organiser__name"]
    search_help_text = _("Zoek op titel, slug, locatie, plaats of organisator.")
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "cancelled_at", "cancel_reason"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "organiser", "region", "levels"]}),
        (_("Locatie"), {"fields": ["venue_name", "street_address", "postcode", "city"]}),
        (
            _("Datum en inschrijving"),
            {
                "fields": [
                    "date",
                    "starts_at",
                    "ends_at",
                    "registration_opens_at",
                    "registration_deadline",
                ]
            },
        ),
        (_("Omschrijving"), {"fields": ["description"]}),
        (
            _("Status"),
            {"fields": ["status", "published_at", "cancelled_at", "cancel_reason"]},
        ),
    ]
    inlines = [TimeSlotInline, WorkshopInline]
    actions = ["publish", "cancel"]
    action_template = "admin/events/event/action_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        registrations = Registration.objects.filter(event=OuterRef("pk"))
        waitlisted = (
            registrations.filter(status=Registration.Status.WAITLISTED)
            .order_by()
            .values("event_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return queries.with_places_left(super().get_queryset(request)).annotate(
            waitlist_count=Coalesce(Subquery(waitlisted, output_field=IntegerField()), 0)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organiser":
            own = organisers_of(request.user)
            if own is not None:
                kwargs["queryset"] = own  # an organiser only picks their own organisation
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- columns ----------------------------------------------------------------------------

    @admin.display(description=_("leerlingen / plaatsen"), ordering="confirmed_pupils")
    def pupils_display(self, event: Event) -> str:
        return f"{event.confirmed_pupils} / {event.capacity or 0}"  # type: ignore[attr-defined]

    @admin.display(description=_("wachtlijst"), ordering="waitlist_count")
    def waitlist_display(self, event: Event) -> int:
        return event.waitlist_count  # type: ignore[attr-defined]  # annotated

    # --- the organiser's pages --------------------------------------------------------------

    def get_urls(self):
        def view(function, suffix: str, route: str):
            return path(
                f"<int:object_id>/{route}",
                self.admin_site.admin_view(function),
                name=f"events_event_{suffix}",
            )

        return [
            view(self.registrations_view, "registrations", "inschrijvingen/"),
            view(self.export_view, "export", "export.csv"),
            view(self.schedule_view, "schedule", "dagprogramma/"),
            view(self.hosts_view, "hosts", "bedrijven/"),
            *super().get_urls(),
        ]

    def _event(self, request: HttpRequest, object_id: int) -> Event:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        queryset = Event.objects.select_related("region", "organiser")
        return event_or_404(request, object_id, queryset=queryset)

    def _page(
        self, request: HttpRequest, template: str, event: Event, *, status: int = 200, **context
    ) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            f"admin/events/event/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "event": event,
                "original": event,
                **context,
            },
            status=status,
        )

    def registrations_view(self, request: HttpRequest, object_id: int) -> TemplateResponse:
        event = self._event(request, object_id)
        return self._page(
            request,
            "registrations.html",
            event,
            title=gettext("Inschrijvingen per tijdvak: %(event)s") % {"event": event.title},
            slots=slot_overviews(event),
        )

    def export_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        event = self._event(request, object_id)
        rows = registrations_for_export(Registration.objects.filter(event=event))
        return registrations_csv(rows, name=f"inschrijvingen-{event.slug}")

    def schedule_view(self, request: HttpRequest, object_id: int) -> TemplateResponse:
        event = self._event(request, object_id)
        return self._page(
            request,
            "schedule.html",
            event,
            title=gettext("Dagprogramma: %(event)s") % {"event": event.title},
            slots=slot_overviews(event),
            workshops=event_workshops(event),
        )

    def hosts_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        event = self._event(request, object_id)
        candidates = workshop_host_candidates(event)
        form = WorkshopHostForm(
            request.POST if request.method == "POST" else None,
            event=event,
            candidates=candidates,
        )
        if request.method == "POST":
            if not self.has_change_permission(request, event):
                raise PermissionDenied
            if form.is_valid():
                try:
                    changed = workshop_host_assign(
                        workshop=form.cleaned_data["workshop"],
                        company=form.cleaned_data["company"],
                    )
                except ValidationError as error:
                    form.add_error("company", error)
                else:
                    self._report_host(request, form.cleaned_data, changed=changed)
                    return HttpResponseRedirect(
                        reverse("admin:events_event_hosts", args=[event.pk])
                    )
        return self._page(
            request,
            "hosts.html",
            event,
            title=gettext("Workshopbedrijven: %(event)s") % {"event": event.title},
            candidates=_with_world_labels(candidates),
            workshops=event_workshops(event),
            form=form,
            can_change=self.has_change_permission(request, event),
            status=400 if form.is_bound else 200,
        )

    def _report_host(self, request: HttpRequest, data: dict, *, changed: bool) -> None:
        names = {"company": data["company"].name, "workshop": data["workshop"].title}
        if changed:
            self.message_user(
                request,
                gettext("%(company)s verzorgt nu “%(workshop)s”; het bedrijf krijgt een e-mail.")
                % names,
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("%(company)s verzorgde “%(workshop)s” al; er is niets veranderd.") % names,
                messages.INFO,
            )

    # --- actions ----------------------------------------------------------------------------

    @admin.action(description=_("Publiceren"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        chosen = queryset.count()
        # A conditional update: only drafts, so a repeat or a cancelled event changes nothing.
        done = Event.objects.filter(
            pk__in=queryset.filter(status=Event.Status.DRAFT).values("pk")
        ).update(status=Event.Status.PUBLISHED, published_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d evenement gepubliceerd.", "%(count)d evenementen gepubliceerd.", done
            )
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
        if chosen - done:
            self.message_user(
                request,
                gettext(
                    "%(count)d gekozen evenement(en) bleven ongewijzigd: alleen een concept "
                    "kan worden gepubliceerd."
                )
                % {"count": chosen - done},
                messages.WARNING,
            )

    @admin.action(description=_("Annuleren met een reden"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Event]) -> TemplateResponse | None:
        events = list(queryset.exclude(status=Event.Status.CANCELLED))
        if not events:
            self.message_user(
                request,
                gettext("Geen van de gekozen evenementen kan nog worden geannuleerd."),
                messages.WARNING,
            )
            return None
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_page(
                self,
                request,
                action="cancel",
                objects=events,
                form=form,
                title=gettext("Evenementen annuleren"),
                intro=gettext(
                    "Waarom annuleert u deze evenementen? Alle ingeschreven docenten (ook op de "
                    "wachtlijst) en de workshopbedrijven krijgen uw reden per e-mail."
                ),
                submit=gettext("Annuleren"),
            )

        from ..services.registrations import event_cancel  # written alongside, see contract

        for event in events:
            event_cancel(event=event, reason=form.cleaned_data["reason"])
        self.message_user(
            request,
            ngettext(
                "%(count)d evenement geannuleerd; iedereen krijgt een e-mail.",
                "%(count)d evenementen geannuleerd; iedereen krijgt een e-mail.",
                len(events),
            )
            % {"count": len(events)},
            messages.SUCCESS,
        )
        return None
