"""The forms on a match's private page (one per step) and on the admin's action pages.

Each page form carries a hidden `stap`: a form posted for a step the match has left (an old
tab, a second click) is recognised as such and refused politely, never read as another form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techportal.forms import plain_text, textarea

from .services import matches as services

RATINGS = [(str(n), str(n)) for n in range(1, 6)]
DATE_INVALID = _("Vul een geldige datum in, zoals 14-11-2025.")
PUPILS_MESSAGES = {
    "required": _("Vul het aantal leerlingen in."),
    "invalid": _("Vul het aantal leerlingen in als een getal, zoals 24."),
    "min_value": _("Vul een aantal leerlingen tussen 1 en 500 in."),
    "max_value": _("Vul een aantal leerlingen tussen 1 en 500 in."),
}


def _date_field(label, *, required: bool, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Vul de datum in."), "invalid": DATE_INVALID},
    )


def _pupils_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Aantal leerlingen bereikt"),
        min_value=services.PUPILS_MIN,
        max_value=services.PUPILS_MAX,
        error_messages=PUPILS_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _rating_field(*, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Waardering (1 = slecht, 5 = uitstekend)"),
        choices=RATINGS,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een waardering van 1 tot 5."),
            "invalid_choice": _("Kies een waardering van 1 tot 5."),
        },
    )


def _evaluation_field() -> forms.CharField:
    return plain_text(
        _("Evaluatie"),
        max_length=services.EVALUATION_MAX_LENGTH,
        required=False,
        widget=textarea(4),
        help_text=_(
            "Wat ging goed, wat kan beter? Noem geen leerlingen bij naam. Hoogstens 1000 tekens."
        ),
    )


class StepForm(forms.Form):
    """A form for one step of the match; `STEP` is posted back in the hidden `stap`."""

    STEP = ""

    stap = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stap"].initial = self.STEP

    @classmethod
    def posted_step(cls, data) -> str:
        return str(data.get("stap", ""))[:20]


class AnswerForm(StepForm):
    """A side's answer to a proposal: confirm (perhaps with a date) or decline (with why)."""

    STEP = "antwoord"
    CONFIRM = "bevestigen"
    DECLINE = "afwijzen"

    decision = forms.ChoiceField(
        choices=[(CONFIRM, _("Bevestigen")), (DECLINE, _("Afwijzen"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Kies ‘Bevestigen’ of ‘Afwijzen’."),
            "invalid_choice": _("Kies ‘Bevestigen’ of ‘Afwijzen’."),
        },
    )
    date = _date_field(_("Datum (als die al bekend is)"), required=False)
    reason = plain_text(
        _("Reden"),
        max_length=services.REASON_MAX_LENGTH,
        required=False,
        widget=textarea(3),
        help_text=_(
            "Bij afwijzen verplicht: de coördinator en de andere partij lezen waarom. Vul geen "
            "namen of andere gegevens van leerlingen in."
        ),
    )

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date and date < timezone.localdate():
            raise ValidationError(_("Deze datum ligt in het verleden."), code="past")
        return date

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.DECLINE:
            cleaned["date"] = None
            if not (cleaned.get("reason") or "").strip() and "reason" not in self.errors:
                self.add_error("reason", _("Schrijf kort waarom het niet lukt."))
        return cleaned


class CarriedOutFields(forms.Form):
    """Date and pupils of a match that took place; shared by the page and the admin."""

    date = _date_field(_("Datum van uitvoering"), required=True)
    pupils = _pupils_field()

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("date") and cleaned.get("pupils") is not None:
            try:
                services.check_carried_out(date=cleaned["date"], pupils=cleaned["pupils"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class CarriedOutForm(StepForm, CarriedOutFields):
    """A side reports the match took place, and may evaluate it at once."""

    STEP = "uitvoering"

    rating = _rating_field(required=False)
    evaluation = _evaluation_field()

    def clean(self):
        cleaned = super().clean()
        if (
            (cleaned.get("evaluation") or "").strip()
            and cleaned.get("rating") is None
            and "rating" not in self.errors
        ):
            self.add_error("rating", _("Geef bij uw evaluatie ook een waardering van 1 tot 5."))
        return cleaned


class EvaluationForm(StepForm):
    STEP = "evaluatie"

    rating = _rating_field(required=True)
    evaluation = _evaluation_field()


class CancelForm(forms.Form):
    """The admin's intermediate page of "Annuleren"."""

    reason = forms.CharField(
        label=_("Reden van annulering"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=services.REASON_MAX_LENGTH,
        help_text=_(
            "Het bedrijf en de school krijgen deze reden per e-mail te lezen. Vul geen namen of "
            "andere gegevens van leerlingen in."
        ),
        error_messages={"required": _("Geef een reden op; beide partijen krijgen die te lezen.")},
    )

    def clean_reason(self) -> str:
        return services.clean_reason(self.cleaned_data["reason"])
