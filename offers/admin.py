"""/beheer/ for offers: a coordinator sees and keeps up the offers of their own regions."""

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.admin import RegionScopedAdmin, VisibleRegionFilter, regions_visible_to
from techportal.choices import Level, labels_of

from .models import Offer, OfferRequest
from .queries import visible_in_regions


@admin.register(Offer)
class OfferAdmin(RegionScopedAdmin):
    region_lookup = "organisation__region"
    list_display = ["title", "kind", "organisation", "status", "levels_display", "published_at"]
    list_select_related = ["organisation"]
    list_filter = ["kind", "status", VisibleRegionFilter]
    search_fields = ["title", "organisation__name"]
    search_help_text = _("Zoek op titel of bedrijfsnaam.")
    autocomplete_fields = ["organisation"]
    # The sign-up is where the offer came from; its choices would list other regions' sign-ups.
    readonly_fields = ["signup", "published_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organisation", "signup", "kind", "title", "description", "status"]}),
        (_("Voor wie"), {"fields": ["levels", "worlds", "group_size", "location"]}),
        (_("Wanneer"), {"fields": ["on_request", "available_from", "available_until"]}),
        (_("Historie"), {"fields": ["published_at", "created_at", "updated_at"]}),
    ]
    actions = ["publish", "pause", "archive"]

    @admin.display(description=_("onderwijsniveaus"))
    def levels_display(self, offer: Offer) -> str:
        return ", ".join(labels_of(Level, offer.levels))

    def save_model(self, request: HttpRequest, obj: Offer, form, change: bool) -> None:
        if obj.status == Offer.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def _set_status(
        self, queryset: QuerySet[Offer], status: str, *, allowed_from: list[str]
    ) -> tuple[int, int]:
        """Move the offers in `allowed_from` to `status`; returns (changed, left alone)."""
        now = timezone.now()
        total = queryset.count()
        changes: dict = {"status": status, "updated_at": now}
        if status == Offer.Status.PUBLISHED:
            changes["published_at"] = now
        # A fresh queryset without ordering or joins: the changelist's may carry both.
        changed = Offer.objects.filter(
            pk__in=queryset.filter(status__in=allowed_from).values("pk")
        ).update(**changes)
        return changed, total - changed

    def _report(self, request: HttpRequest, message: str, *, skipped: int) -> None:
        self.message_user(request, message, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                gettext(
                    "%(count)d × aanbod bleef ongewijzigd: dat was al zo, of de status liet het "
                    "niet toe."
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Publiceren"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        done, skipped = self._set_status(
            queryset,
            Offer.Status.PUBLISHED,
            allowed_from=[Offer.Status.DRAFT, Offer.Status.PAUSED],
        )
        self._report(
            request,
            gettext("%(count)d × aanbod gepubliceerd.") % {"count": done},
            skipped=skipped,
        )

    @admin.action(description=_("Pauzeren"), permissions=["change"])
    def pause(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        done, skipped = self._set_status(
            queryset, Offer.Status.PAUSED, allowed_from=[Offer.Status.PUBLISHED]
        )
        self._report(
            request,
            gettext("%(count)d × aanbod gepauzeerd.") % {"count": done},
            skipped=skipped,
        )

    @admin.action(description=_("Archiveren"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        done, skipped = self._set_status(
            queryset,
            Offer.Status.ARCHIVED,
            allowed_from=[Offer.Status.DRAFT, Offer.Status.PUBLISHED, Offer.Status.PAUSED],
        )
        self._report(
            request,
            gettext("%(count)d × aanbod gearchiveerd.") % {"count": done},
            skipped=skipped,
        )


# --- teachers' requests -------------------------------------------------------------------------


# Requests and matches are found by either side: the offer and its company, or the school and
# its teacher.
OFFER_AND_SCHOOL_SEARCH_FIELDS = [
    "offer__title",
    "offer__organisation__name",
    "school__name",
    "school__vestigingscode",
    "teacher_name",
    "teacher_email",
]
OFFER_AND_SCHOOL_SEARCH_HELP = _("Zoek op aanbod, bedrijf, school, BRIN of docent.")


class OfferOrSchoolRegionFilter(VisibleRegionFilter):
    """Filter requests or matches by region: that of the offer or that of the school."""

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            return queryset.filter(offer__region__isnull=True, school__region__isnull=True)
        if value and value.isdigit():
            return queryset.filter(Q(offer__region=int(value)) | Q(school__region=int(value)))
        return queryset


@admin.register(OfferRequest)
class OfferRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are answered by the company through its private link.

    A coordinator sees a request when the offer's or the school's region is one of theirs.
    """

    list_display = [
        "created_at",
        "offer",
        "company",
        "school",
        "teacher_name",
        "level",
        "pupils",
        "status",
        "match_link",
    ]
    list_select_related = ["offer__organisation", "school", "match"]
    list_filter = ["status", "level", OfferOrSchoolRegionFilter]
    search_fields = OFFER_AND_SCHOOL_SEARCH_FIELDS
    search_help_text = OFFER_AND_SCHOOL_SEARCH_HELP
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["offer", "school", "status", "match_link"]}),
        (
            _("Aanvraag"),
            {
                "fields": [
                    "teacher_name",
                    "teacher_email",
                    "group",
                    "level",
                    "pupils",
                    "preferred_period",
                    "message",
                ]
            },
        ),
        (_("Antwoord"), {"fields": ["response_message", "created_at", "responded_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfferRequest]:
        queryset = super().get_queryset(request)
        return visible_in_regions(queryset, regions_visible_to(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("bedrijf"), ordering="offer__organisation__name")
    def company(self, offer_request: OfferRequest) -> str:
        return offer_request.offer.organisation.name

    @admin.display(description=_("match"))
    def match_link(self, offer_request: OfferRequest) -> str:
        match = getattr(offer_request, "match", None)
        if match is None:
            return "—"
        url = reverse("admin:matching_match_change", args=[match.pk])
        return format_html('<a href="{}">{}</a>', url, match.get_status_display())
