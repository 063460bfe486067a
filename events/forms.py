"""The public form of events: a teacher registers a class into a slot of one event."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from offers.forms import ClassForm, privacy_consent, pupils_field
from techportal.forms import plain_text, textarea

from .models import Event, TimeSlot

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


class RegistrationForm(ClassForm):
    """A teacher registers one class of one school location for one slot of an event."""

    pupils = pupils_field(
        maximum=MAX_PUPILS,
        too_many=_(
            "Vul hoogstens 200 leerlingen in. Komt u met meer klassen? Schrijf dan elke klas "
            "apart in."
        ),
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
    consent = privacy_consent(
        _("De organisator van het evenement ziet mijn naam, e-mailadres en school."),
        _("Ga akkoord met de privacyverklaring, anders kunnen we uw klas niet inschrijven."),
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        # The slot comes first in the error summary's order after the school: as on the page.
        self.fields["slot"] = SlotField(event=event, label=_("Tijdvak"))
        order = ["school", "slot"]
        self.order_fields(order + [name for name in self.fields if name not in order])
        self.fields["teacher_email"].help_text = _(
            "Hierheen sturen we de bevestiging en de link om uw inschrijving te beheren."
        )
        self.limit_levels(event.levels)

    @classmethod
    def blank(cls, *, event: Event) -> "RegistrationForm":
        return cls(event=event, initial={"form_token": uuid.uuid4()})

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
