"""Triage in /beheer/: a coordinator sees and handles only the sign-ups of their own regions.

Scoping lives in `RegionScopedAdmin.get_queryset`, so the list, change pages, search, filters,
actions and the CSV export all respect it. Every change goes through `matching.services`.
"""

import csv
from collections.abc import Iterable
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from offers.models import Offer, OfferKind
from organisations.admin import RegionScopedAdmin, VisibleRegionFilter, regions_visible_to
from organisations.models import Coordinator
from techportal.admin_pages import action_page
from techportal.choices import Level, labels_of
from techportal.exports import csv_cell, csv_datetime

from .. import queries, services
from ..models import SignUp, SignUpEvent, SignUpNote

# --- filters ----------------------------------------------------------------------------------


class OfferKindFilter(admin.SimpleListFilter):
    title = _("soort aanbod")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return OfferKind.choices

    def queryset(self, request, queryset):
        if self.value() in OfferKind.values:
            # EXISTS rather than a join: no duplicate rows, and the kinds column stays whole.
            return queryset.filter(
                Exists(Offer.objects.filter(signup=OuterRef("pk"), kind=self.value()))
            )
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("termijn verstreken")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Ja")), ("no", _("Nee"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(queries.overdue_q())
        if self.value() == "no":
            return queryset.exclude(queries.overdue_q())
        return queryset


# --- inlines ----------------------------------------------------------------------------------


class SignUpNoteInline(admin.TabularInline):
    """Coordinators add notes; a note once written stays as it is."""

    model = SignUpNote
    extra = 1
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignUpNote]:
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SignUpEventInline(ReadOnlyInline):
    model = SignUpEvent
    fields = ["at", "kind", "actor", "message"]
    readonly_fields = ["at", "kind", "actor", "message"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignUpEvent]:
        return super().get_queryset(request).select_related("actor")


class SignUpOfferInline(ReadOnlyInline):
    """The sign-up's offers, each with a link to its own change page."""

    model = Offer
    fk_name = "signup"
    fields = ["title", "kind", "status", "levels_display", "published_at"]
    readonly_fields = ["title", "kind", "status", "levels_display", "published_at"]
    show_change_link = True
    verbose_name_plural = _("aanbod uit deze aanmelding")

    @admin.display(description=_("onderwijsniveaus"))
    def levels_display(self, offer: Offer) -> str:
        return ", ".join(labels_of(Level, offer.levels))


# --- forms of the intermediate action pages --------------------------------------------------


class ReassignForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        queryset=Coordinator.objects.none(),
        label=_("Nieuwe coördinator"),
        help_text=_("Alleen coördinatoren die de regio van elke gekozen aanmelding behandelen."),
        error_messages={
            "invalid_choice": _("Deze coördinator behandelt niet alle gekozen regio's."),
            "required": _("Kies een coördinator."),
        },
    )

    def __init__(self, *args, coordinators: QuerySet[Coordinator], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = coordinators


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van afwijzing"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text=_(
            "Het bedrijf krijgt deze reden per e-mail te lezen. Vul geen namen of andere "
            "gegevens van leerlingen in."
        ),
        error_messages={"required": _("Geef een reden op; het bedrijf krijgt die te lezen.")},
    )


def eligible_coordinators(signups: Iterable[SignUp]) -> QuerySet[Coordinator]:
    """The active coordinators who cover the region of every one of `signups`."""
    eligible = queries.active_coordinators()
    regions = {signup.region_id: signup.region for signup in signups}
    for region in regions.values():
        eligible = eligible.filter(pk__in=queries.coordinators_for_region(region).values("pk"))
    return eligible.select_related("user")


# --- the sign-up admin ------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User | None:
    """The user acting, for the sign-up's history (always a staff user in /beheer/)."""
    user = request.user
    return user if isinstance(user, User) else None


@admin.register(SignUp)
class SignUpAdmin(RegionScopedAdmin):
    region_lookup = "region"
    # What to act on first stands left: the overdue mark, status and age.
    list_display = [
        "reference",
        "overdue",
        "status",
        "age",
        "company",
        "kinds",
        "region",
        "coordinator",
    ]
    list_select_related = ["organisation", "region", "coordinator__user", "contact"]

    class Media:
        css = {"all": ["css/beheer.css"]}

    list_filter = ["status", OfferKindFilter, VisibleRegionFilter, OverdueFilter]
    search_fields = [
        "organisation__name",
        "organisation__kvk_number",
        "reference",
        "contact__email",
    ]
    search_help_text = _(
        "Zoek op bedrijfsnaam, KvK-nummer, kenmerk of e-mailadres van de contactpersoon."
    )
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "status",
                    "organisation",
                    "contact",
                    "contact_reach",
                    "postcode",
                    "region",
                    "coordinator",
                ]
            },
        ),
        (_("Aanmelding"), {"fields": ["wants_event_workshop", "message", "consent_at"]}),
        (
            _("Verloop"),
            {
                "fields": [
                    "received_at",
                    "routed_at",
                    "triage_started_at",
                    "reminded_at",
                    "escalated_at",
                    "closed_at",
                    "decline_reason",
                ]
            },
        ),
    ]
    inlines = [SignUpOfferInline, SignUpNoteInline, SignUpEventInline]
    actions = [
        "take_in_triage",
        "reassign",
        "publish_offers",
        "decline",
        "close",
        "export_csv",
    ]
    action_template = "admin/matching/signup/action_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignUp]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                offer_kinds=ArrayAgg("offers__kind", distinct=True, filter=Q(offers__isnull=False)),
                is_overdue=Case(
                    When(queries.overdue_q(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
        )

    # --- permissions: sign-ups come from the form; everything but notes is read-only --------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    @admin.display(description=_("bereikbaar via"))
    def contact_reach(self, signup: SignUp) -> str:
        contact = signup.contact
        return " · ".join(part for part in (contact.role, contact.email, contact.phone) if part)

    def get_list_display(self, request: HttpRequest):
        visible = regions_visible_to(request.user)
        if visible is not None and visible.count() == 1:
            return [name for name in self.list_display if name != "region"]
        return self.list_display

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        # Nothing on the sign-up itself is editable here; saving the row anyway could write
        # back a status or coordinator a task changed meanwhile. Only the notes are saved.
        pass

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        if formset.model is not SignUpNote:
            # Read-only: saving changes nothing, but the change message reads what was saved.
            super().save_formset(request, form, formset, change)
            return
        for note in formset.save(commit=False):
            if note.pk is None:
                note.author = _actor(request)
                note.save()

    # --- columns ----------------------------------------------------------------------------

    @admin.display(description=_("bedrijf"), ordering="organisation__name")
    def company(self, signup: SignUp) -> str:
        return signup.organisation.name

    @admin.display(description=_("soort aanbod"))
    def kinds(self, signup: SignUp) -> str:
        return ", ".join(labels_of(OfferKind, signup.offer_kinds))  # type: ignore[attr-defined]

    @admin.display(description=_("wacht sinds"), ordering="received_at")
    def age(self, signup: SignUp) -> str:
        return timesince(signup.received_at, depth=1)

    @admin.display(description=_("te laat"), ordering="-is_overdue")
    def overdue(self, signup: SignUp) -> str:
        # A warning only where there is one: a green tick for "late" would read as "fine".
        if not signup.is_overdue:  # type: ignore[attr-defined]  # annotated
            return ""
        return format_html(
            '<strong class="overdue" title="{}">⚠ {}</strong>',
            gettext("Na %(days)d werkdagen nog niet in behandeling genomen.")
            % {"days": settings.SIGNUP_REMIND_AFTER_WORKING_DAYS},
            gettext("te laat"),
        )

    # --- actions ----------------------------------------------------------------------------

    def _report(self, request: HttpRequest, message: str, *, skipped: int) -> None:
        """Say what an action did, and how many sign-ups it left alone."""
        self.message_user(request, message, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d aanmelding bleef ongewijzigd: die was al zo, of de status liet "
                    "het niet toe.",
                    "%(count)d aanmeldingen bleven ongewijzigd: die waren al zo, of de status "
                    "liet het niet toe.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def _nothing_selected(self, request: HttpRequest) -> None:
        """The chosen ids were none of this user's sign-ups (gone, or another region's)."""
        self.message_user(
            request,
            gettext("Geen van de gekozen aanmeldingen is voor u te zien."),
            messages.WARNING,
        )

    @admin.action(description=_("In behandeling nemen"), permissions=["change"])
    def take_in_triage(self, request: HttpRequest, queryset: QuerySet[SignUp]) -> None:
        signups = list(queryset)
        done = sum(
            services.signup_take_in_triage(signup=signup, actor=_actor(request))
            for signup in signups
        )
        self._report(
            request,
            ngettext(
                "%(count)d aanmelding in behandeling genomen.",
                "%(count)d aanmeldingen in behandeling genomen.",
                done,
            )
            % {"count": done},
            skipped=len(signups) - done,
        )

    @admin.action(description=_("Overdragen aan een andere coördinator"), permissions=["change"])
    def reassign(self, request: HttpRequest, queryset: QuerySet[SignUp]) -> TemplateResponse | None:
        signups = list(queryset)
        if not signups:
            self._nothing_selected(request)
            return None
        form = ReassignForm(
            request.POST if "apply" in request.POST else None,
            coordinators=eligible_coordinators(signups),
        )
        if not form.is_valid():
            return action_page(
                self,
                request,
                action="reassign",
                objects=signups,
                form=form,
                title=gettext("Aanmeldingen overdragen"),
                intro=gettext(
                    "Aan wie draagt u deze aanmeldingen over? De nieuwe coördinator krijgt "
                    "een e-mail."
                ),
                submit=gettext("Overdragen"),
            )
        coordinator = form.cleaned_data["coordinator"]
        done = refused = 0
        for signup in signups:
            try:
                done += services.signup_reassign(
                    signup=signup, coordinator=coordinator, actor=_actor(request)
                )
            except ValidationError as error:
                refused += 1
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        self._report(
            request,
            ngettext(
                "%(count)d aanmelding overgedragen aan %(coordinator)s.",
                "%(count)d aanmeldingen overgedragen aan %(coordinator)s.",
                done,
            )
            % {"count": done, "coordinator": coordinator},
            skipped=len(signups) - done - refused,
        )
        return None

    @admin.action(description=_("Conceptaanbod publiceren"), permissions=["change"])
    def publish_offers(self, request: HttpRequest, queryset: QuerySet[SignUp]) -> None:
        signups = list(queryset)
        published = 0
        for signup in signups:
            published += services.signup_publish_offers(signup=signup, actor=_actor(request))
        self.message_user(
            request,
            gettext("%(count)d × aanbod gepubliceerd.") % {"count": published},
            messages.SUCCESS if published else messages.WARNING,
        )

    @admin.action(description=_("Afwijzen met een reden"), permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet[SignUp]) -> TemplateResponse | None:
        signups = list(queryset)
        if not signups:
            self._nothing_selected(request)
            return None
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                done = sum(
                    services.signup_decline(
                        signup=signup, reason=form.cleaned_data["reason"], actor=_actor(request)
                    )
                    for signup in signups
                )
            except ValidationError as error:  # a reason of only spaces
                form.add_error("reason", error)
            else:
                self._report(
                    request,
                    ngettext(
                        "%(count)d aanmelding afgewezen; het bedrijf krijgt een e-mail.",
                        "%(count)d aanmeldingen afgewezen; de bedrijven krijgen een e-mail.",
                        done,
                    )
                    % {"count": done},
                    skipped=len(signups) - done,
                )
                return None
        return action_page(
            self,
            request,
            action="decline",
            objects=signups,
            form=form,
            title=gettext("Aanmeldingen afwijzen"),
            intro=gettext(
                "Waarom wijst u deze aanmeldingen af? Het bedrijf krijgt uw reden per e-mail; "
                "het conceptaanbod wordt gearchiveerd."
            ),
            submit=gettext("Afwijzen"),
        )

    @admin.action(description=_("Afronden"), permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[SignUp]) -> None:
        signups = list(queryset)
        done = sum(
            services.signup_close(signup=signup, actor=_actor(request)) for signup in signups
        )
        self._report(
            request,
            ngettext("%(count)d aanmelding afgerond.", "%(count)d aanmeldingen afgerond.", done)
            % {"count": done},
            skipped=len(signups) - done,
        )

    @admin.action(description=_("Exporteren als CSV"), permissions=["change"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[SignUp]) -> HttpResponse:
        rows = queryset.select_related(
            "organisation", "contact", "region", "coordinator__user"
        ).order_by("-received_at", "pk")
        filename = f"aanmeldingen-{timezone.localdate():%Y%m%d}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
        response.write("\ufeff")  # so spreadsheet programs read the accents as UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [
                gettext("Kenmerk"),
                gettext("Bedrijf"),
                gettext("KvK-nummer"),
                gettext("E-mailadres contactpersoon"),
                gettext("Soort aanbod"),
                gettext("Regio"),
                gettext("Coördinator"),
                gettext("Status"),
                gettext("Ontvangen op"),
                gettext("Doorgestuurd op"),
            ]
        )
        for signup in rows:
            writer.writerow(
                csv_cell(value)
                for value in [
                    signup.reference,
                    signup.organisation.name,
                    signup.organisation.kvk_number,
                    signup.contact.email,
                    ", ".join(labels_of(OfferKind, signup.offer_kinds)),  # type: ignore[attr-defined]
                    signup.region or "",
                    signup.coordinator or "",
                    signup.get_status_display(),
                    csv_datetime(signup.received_at),
                    csv_datetime(signup.routed_at),
                ]
            )
        return response
