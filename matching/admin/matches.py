"""Matches in /beheer/: a coordinator sees those whose offer or school lies in their regions.

A match made from a teacher's request keeps its offer, school, request and teacher as they were;
the coordinator follows it up: the date, the number of pupils and the status.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from offers.admin import (
    OFFER_AND_SCHOOL_SEARCH_FIELDS,
    OFFER_AND_SCHOOL_SEARCH_HELP,
    OfferOrSchoolRegionFilter,
)
from offers.queries import visible_in_regions
from organisations.admin import regions_visible_to
from organisations.models import Organisation

from ..models import Match


def admin_link(obj, label: str | None = None) -> str:
    """A link to the change page of `obj` in /beheer/ (scoping there decides what it shows)."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["offer", "company", "school", "status", "pupils", "date", "created_at"]
    list_select_related = ["offer__organisation", "school"]
    list_filter = ["status", OfferOrSchoolRegionFilter]
    search_fields = OFFER_AND_SCHOOL_SEARCH_FIELDS
    search_help_text = OFFER_AND_SCHOOL_SEARCH_HELP
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["offer_link", "company_link", "school_link", "request_link"]}),
        (_("Docent"), {"fields": ["teacher_name", "teacher_email"]}),
        (_("Uitvoering"), {"fields": ["status", "pupils", "date"]}),
        (_("Historie"), {"fields": ["created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["offer", "school", "teacher_name", "teacher_email"]}),
        (_("Uitvoering"), {"fields": ["status", "pupils", "date"]}),
    ]
    readonly_fields = [
        "offer_link",
        "company_link",
        "school_link",
        "request_link",
        "teacher_name",
        "teacher_email",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["offer", "school"]
    actions = ["mark_carried_out", "cancel"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        queryset = super().get_queryset(request)
        return visible_in_regions(queryset, regions_visible_to(request.user))

    def get_fieldsets(self, request: HttpRequest, obj=None):
        return self.fieldsets if obj is not None else self.add_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.readonly_fields if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        regions = regions_visible_to(request.user)
        if db_field.related_model is Organisation and regions is not None:
            kwargs["queryset"] = Organisation.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- columns and read-only links -----------------------------------------------------------

    @admin.display(description=_("bedrijf"), ordering="offer__organisation__name")
    def company(self, match: Match) -> str:
        return match.offer.organisation.name

    @admin.display(description=_("aanbod"))
    def offer_link(self, match: Match) -> str:
        return admin_link(match.offer)

    @admin.display(description=_("bedrijf"))
    def company_link(self, match: Match) -> str:
        return admin_link(match.offer.organisation)

    @admin.display(description=_("school"))
    def school_link(self, match: Match) -> str:
        return admin_link(match.school)

    @admin.display(description=_("aanvraag"))
    def request_link(self, match: Match) -> str:
        offer_request = match.request
        if offer_request is None:
            return "—"
        label = gettext("Aanvraag van %(date)s") % {
            "date": timezone.localtime(offer_request.created_at).strftime("%d-%m-%Y")
        }
        return admin_link(offer_request, label)

    # --- actions -------------------------------------------------------------------------------

    def _move(
        self, request: HttpRequest, queryset: QuerySet[Match], *, to: str, allowed_from: list[str]
    ) -> None:
        total = queryset.count()
        done = Match.objects.filter(
            pk__in=queryset.filter(status__in=allowed_from).values("pk")
        ).update(status=to, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d match bijgewerkt.", "%(count)d matches bijgewerkt.", done)
            % {"count": done},
            messages.SUCCESS,
        )
        if total - done:
            self.message_user(
                request,
                gettext("%(count)d × ongewijzigd: de status liet het niet toe.")
                % {"count": total - done},
                messages.WARNING,
            )

    @admin.action(description=_("Markeren als uitgevoerd"), permissions=["change"])
    def mark_carried_out(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        self._move(
            request,
            queryset,
            to=Match.Status.CARRIED_OUT,
            allowed_from=[Match.Status.PROPOSED, Match.Status.CONFIRMED],
        )

    @admin.action(description=_("Annuleren"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        self._move(
            request,
            queryset,
            to=Match.Status.CANCELLED,
            allowed_from=[Match.Status.PROPOSED, Match.Status.CONFIRMED],
        )
