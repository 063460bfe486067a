"""The public form of events: a teacher registers a class into a slot of one event."""

import uuid
from typing import cast

from django import forms
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offers.forms import SchoolField
from organisations.models import Organisation
from techportal.choices import Level
from techportal.forms import PublicForm, plain_text, textarea

from .models import Event, TimeSlot

_privacy_label = lazy(
    lambda: format_html(
        gettext(
            'Ik ga akkoord met de <a href="{}" target="_blank" rel="noopener">privacyverklaring'
            "</a> (opent in een nieuw tabblad). De organisator van het evenement ziet mijn naam, "
            "e-mailadres en school."
        ),
        reverse("privacy"),
    ),
    SafeString,
)

PICK_A_SLOT = _("Kies een van de tijdvakken.")
MAX_PUPILS = 200


class SlotField(forms.ModelChoiceField):
    """One slot of the event, by id; an id of another event's slot is no choice at all."""

    def __init__(self, *, event: Event, **kwargs) -> None:
        super().__init__(
            queryset=TimeSlot.objects.filter(event=event),
            widget=forms.RadioSelect,
            error_messages={"required": PICK_A_SLOT, "invalid_choice": PICK_A_SLOT},
            **kwargs,
        )

    def to_python(self, value):
        # An id too large for the database is no slot either (and never a server error).
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) > 9:
            raise forms.ValidationError(PICK_A_SLOT, code="invalid_choice")
        return super().to_python(value)


class RegistrationForm(PublicForm):
    """A teacher registers one class of one school location for one slot of an event."""

    school = SchoolField(label=_("School"))
    teacher_name = plain_text(_("Uw naam"), max_length=150)
    teacher_email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        help_text=_("Hierheen sturen we de bevestiging en de link om uw inschrijving te beheren."),
    )
    group = plain_text(
        _("Klas of groep"),
        max_length=50,
        help_text=_("Bijvoorbeeld groep 7 of 2 vmbo-KB. Geen namen van leerlingen."),
    )
    level = forms.ChoiceField(
        label=_("Niveau"),
        choices=Level.choices,
        error_messages={
            "required": _("Kies het niveau van de klas."),
            "invalid_choice": _("Kies een van de niveaus uit de lijst."),
        },
    )
    pupils = forms.IntegerField(
        label=_("Aantal leerlingen"),
        min_value=1,
        max_value=MAX_PUPILS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Vul het aantal leerlingen in."),
            "invalid": _("Vul het aantal leerlingen in als getal, zoals 24."),
            "min_value": _("Vul ten minste 1 leerling in."),
            "max_value": _(
                "Vul hoogstens 200 leerlingen in. Komt u met meer klassen? Schrijf dan elke klas "
                "apart in."
            ),
        },
    )
    remarks = plain_text(
        _("Toegankelijkheid of vervoer"),
        max_length=2000,
        required=False,
        widget=textarea(3),
        help_text=_(
            "Bijvoorbeeld: rolstoeltoegankelijk nodig, of we komen met de bus. Geen "
            "persoonsgegevens van leerlingen."
        ),
    )
    consent = forms.BooleanField(
        label=_privacy_label(),
        error_messages={
            "required": _(
                "Ga akkoord met de privacyverklaring, anders kunnen we uw klas niet inschrijven."
            )
        },
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        # The slot comes first in the error summary's order after the school: as on the page.
        self.fields["slot"] = SlotField(event=event, label=_("Tijdvak"))
        order = ["school", "slot"]
        self.order_fields(order + [name for name in self.fields if name not in order])
        for name in ("teacher_name", "teacher_email", "group"):
            self.fields[name].error_messages["required"] = _("Vul dit veld in.")
        level = cast(forms.ChoiceField, self.fields["level"])
        allowed = [
            (v, label) for v, label in Level.choices if not event.levels or v in event.levels
        ]
        level.choices = [("", _("Kies een niveau")), *allowed]
        if len(event.levels) == 1:
            level.initial = event.levels[0]

    @classmethod
    def blank(cls, *, event: Event) -> "RegistrationForm":
        return cls(event=event, initial={"form_token": uuid.uuid4()})

    @property
    def chosen_school(self) -> Organisation | None:
        """The valid school of a bound form, to show it checked again when it is re-rendered."""
        if self.is_bound and "school" not in self.errors:
            return self.cleaned_data.get("school")
        return None

    @property
    def chosen_slot_id(self) -> int | None:
        if self.is_bound and "slot" not in self.errors and self.cleaned_data.get("slot"):
            return self.cleaned_data["slot"].pk
        return None

    def registration_arguments(self) -> dict:
        """The keyword arguments for `services.registrations.registration_create`."""
        data = self.cleaned_data
        return {
            "submission_token": data["form_token"],
            "event": self.event,
            "slot": data["slot"],
            "school": data["school"],
            "teacher_name": data["teacher_name"],
            "teacher_email": data["teacher_email"],
            "group": data["group"],
            "level": data["level"],
            "pupils": data["pupils"],
            "remarks": data["remarks"],
        }


# Shorter labels for the error summary, where a label with a link would be confusing.
SUMMARY_LABELS: dict[str, str] = {"consent": _("Privacyverklaring")}  # type: ignore[dict-item]
