"""/beheer/ for offers: a coordinator sees and keeps up the offers of their own regions."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.admin import RegionScopedAdmin, VisibleRegionFilter
from techportal.choices import Level, labels_of

from .models import Offer


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
