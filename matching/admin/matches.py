"""Matches in /beheer/: a coordinator sees those whose offer or school lies in their regions.

The lifecycle (confirmations, report, evaluations, cancellation) is shown read-only: it moves
only through `matching.services.matches`, from the sides' private links or from the actions
here. A coordinator may fill in the teacher and the planned date and pupils of an open match;
a match made from a teacher's request keeps its teacher as they were.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
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
from offers.models import Offer
from offers.queries import visible_in_regions
from organisations.admin import regions_visible_to
from organisations.models import Organisation
from techportal.admin_pages import action_page

from ..match_forms import CancelForm, CarriedOutFields
from ..models import Match
from ..services import matches as services
from .suggestions import ProposeMatchMixin


def admin_link(obj, label: str | None = None) -> str:
    """A link to the change page of `obj` in /beheer/ (scoping there decides what it shows)."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


class ProposeForm(forms.ModelForm):
    """The add page: a proposal, checked as `match_propose` checks it."""

    class Meta:
        model = Match
        fields = ["offer", "school", "teacher_name", "teacher_email"]
        help_texts = {
            "teacher_email": _(
                "Leeg: de eerste contactpersoon van de school krijgt de uitnodiging."
            ),
        }

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("offer") and cleaned.get("school"):
            services.check_proposal(offer=cleaned["offer"], school=cleaned["school"])
        return cleaned


LIFECYCLE_FIELDSETS: list[tuple[Any, Any]] = [
    (
        _("Bevestiging"),
        {
            "fields": [
                "proposed_by",
                "company_invited_at",
                "school_invited_at",
                "company_confirmed_at",
                "school_confirmed_at",
                "confirmed_at",
            ]
        },
    ),
    (_("Uitvoering"), {"fields": ["date", "pupils", "carried_out_at"]}),
    (
        _("Evaluatie"),
        {
            "fields": [
                "company_rating",
                "company_evaluation",
                "company_evaluated_at",
                "teacher_rating",
                "teacher_evaluation",
                "teacher_evaluated_at",
                "closed_at",
            ]
        },
    ),
    (_("Annulering"), {"fields": ["cancelled_at", "cancelled_by", "cancel_reason"]}),
    (_("Historie"), {"fields": ["reminders_sent", "created_at", "updated_at"]}),
]


@admin.register(Match)
class MatchAdmin(ProposeMatchMixin, admin.ModelAdmin):
    list_display = ["offer", "company", "school", "status", "pupils", "date", "created_at"]
    list_select_related = ["offer__organisation", "school"]
    list_filter = ["status", OfferOrSchoolRegionFilter]
    search_fields = OFFER_AND_SCHOOL_SEARCH_FIELDS
    search_help_text = OFFER_AND_SCHOOL_SEARCH_HELP
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "offer_link",
                    "company_link",
                    "school_link",
                    "request_link",
                    "status",
                ]
            },
        ),
        (_("Docent"), {"fields": ["teacher_name", "teacher_email", "school_invitation"]}),
        *LIFECYCLE_FIELDSETS,
    ]
    add_fieldsets = [(None, {"fields": ["offer", "school", "teacher_name", "teacher_email"]})]
    # Editable while the match is open: the teacher (unless from a request), date and pupils.
    editable_when_open = ["teacher_name", "teacher_email", "date", "pupils"]
    autocomplete_fields = ["offer", "school"]
    actions = ["mark_carried_out", "cancel", "close"]
    action_template = "admin/matching/match/action_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        queryset = super().get_queryset(request)
        return visible_in_regions(queryset, regions_visible_to(request.user))

    def get_fieldsets(self, request: HttpRequest, obj=None):
        return self.fieldsets if obj is not None else self.add_fieldsets

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProposeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return []
        every = [name for _title, options in self.fieldsets for name in options["fields"]]
        editable = set(self.editable_when_open) if obj.is_open else set()
        if obj.request_id is not None:
            editable -= {"teacher_name", "teacher_email"}
        return [name for name in every if name not in editable]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        regions = regions_visible_to(request.user)
        if db_field.related_model is Organisation and regions is not None:
            kwargs["queryset"] = Organisation.objects.filter(region__in=regions)
        if db_field.related_model is Offer and regions is not None:
            # Any published offer may go to a school of one's own region; drafts and paused
            # offers of another region stay out of sight.
            kwargs["queryset"] = Offer.objects.filter(
                Q(status=Offer.Status.PUBLISHED) | Q(region__in=regions)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Match, form, change: bool) -> None:
        if not change:
            proposed = services.match_propose(
                offer=form.cleaned_data["offer"],
                school=form.cleaned_data["school"],
                actor=_actor(request),
                teacher_name=form.cleaned_data.get("teacher_name", ""),
                teacher_email=form.cleaned_data.get("teacher_email", ""),
            )
            obj.pk = proposed.pk  # so the admin's message and redirect name the new match
            return
        if not form.changed_data:
            return
        try:
            services.match_update(
                match=obj,
                teacher_name=obj.teacher_name,
                teacher_email=obj.teacher_email,
                date=obj.date,
                pupils=obj.pupils,
            )
        except ValidationError as error:  # the match moved on meanwhile
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        pass  # nothing related is edited here; the proposal was saved whole by its service

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        match = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and match is not None
            and match.status == Match.Status.PROPOSED
            and not match.teacher_email
        ):
            self.message_user(request, self._no_teacher_email_warning(), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _no_teacher_email_warning() -> str:
        return gettext(
            "De school heeft geen uitnodiging gekregen: er is geen e-mailadres van een docent. "
            "Vul het e-mailadres in; de uitnodiging gaat dan alsnog uit."
        )

    # --- columns and read-only fields --------------------------------------------------------

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

    @admin.display(description=_("uitnodiging school"))
    def school_invitation(self, match: Match) -> str:
        if match.school_invited_at is not None:
            return gettext("Verstuurd op %(date)s") % {
                "date": timezone.localtime(match.school_invited_at).strftime("%d-%m-%Y %H:%M")
            }
        if match.status == Match.Status.PROPOSED and not match.teacher_email:
            return format_html(
                '<strong class="overdue">⚠ {}</strong>', self._no_teacher_email_warning()
            )
        return "—"

    @admin.display(description=_("herinneringen"))
    def reminders_sent(self, match: Match) -> str:
        reminders = [
            f"{reminder.get_kind_display()} ({timezone.localtime(reminder.sent_at):%d-%m-%Y})"
            for reminder in match.reminders.all()
        ]
        return ", ".join(reminders) or "—"

    # --- actions ---------------------------------------------------------------------------

    def _report(self, request: HttpRequest, message: str, *, skipped: int) -> None:
        """Say what an action did, and how many matches it left alone."""
        self.message_user(request, message, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d match bleef ongewijzigd: de status liet het niet toe.",
                    "%(count)d matches bleven ongewijzigd: de status liet het niet toe.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def _each(self, matches: list[Match], step) -> int:
        """Apply `step` to every match; a refused transition is counted as skipped."""
        done = 0
        for match in matches:
            try:
                step(match)
            except services.TransitionRefused:
                continue
            done += 1
        return done

    def _selected(self, queryset: QuerySet[Match]) -> list[Match]:
        return list(queryset.select_related("offer__organisation", "school").order_by("pk"))

    @admin.action(description=_("Markeren als uitgevoerd"), permissions=["change"])
    def mark_carried_out(
        self, request: HttpRequest, queryset: QuerySet[Match]
    ) -> TemplateResponse | None:
        matches = self._selected(queryset)
        form = CarriedOutFields(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_page(
                self,
                request,
                action="mark_carried_out",
                objects=matches,
                form=form,
                title=gettext("Matches markeren als uitgevoerd"),
                intro=gettext(
                    "Wanneer vonden deze matches plaats, en hoeveel leerlingen deden mee? "
                    "Alleen bevestigde matches kunnen als uitgevoerd worden gemarkeerd."
                ),
                submit=gettext("Markeren als uitgevoerd"),
            )
        data = form.cleaned_data
        done = self._each(
            matches,
            lambda match: services.match_report_carried_out(
                match=match, side=Match.Side.COORDINATOR, date=data["date"], pupils=data["pupils"]
            ),
        )
        self._report(
            request,
            ngettext(
                "%(count)d match gemarkeerd als uitgevoerd.",
                "%(count)d matches gemarkeerd als uitgevoerd.",
                done,
            )
            % {"count": done},
            skipped=len(matches) - done,
        )
        return None

    @admin.action(description=_("Annuleren"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Match]) -> TemplateResponse | None:
        matches = self._selected(queryset)
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_page(
                self,
                request,
                action="cancel",
                objects=matches,
                form=form,
                title=gettext("Matches annuleren"),
                intro=gettext(
                    "Waarom annuleert u deze matches? Het bedrijf en de school krijgen uw reden "
                    "per e-mail. Uitgevoerde matches blijven zoals ze zijn."
                ),
                submit=gettext("Annuleren"),
            )
        reason = form.cleaned_data["reason"]
        done = self._each(
            matches,
            lambda match: services.match_cancel(match=match, reason=reason, actor=_actor(request)),
        )
        self._report(
            request,
            ngettext(
                "%(count)d match geannuleerd; beide partijen krijgen een e-mail.",
                "%(count)d matches geannuleerd; beide partijen krijgen een e-mail.",
                done,
            )
            % {"count": done},
            skipped=len(matches) - done,
        )
        return None

    @admin.action(description=_("Afsluiten"), permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        matches = self._selected(queryset)
        done = self._each(
            matches, lambda match: services.match_close(match=match, actor=_actor(request))
        )
        self._report(
            request,
            ngettext("%(count)d match afgesloten.", "%(count)d matches afgesloten.", done)
            % {"count": done},
            skipped=len(matches) - done,
        )
