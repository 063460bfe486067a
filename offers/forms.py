"""The public forms of the offers app: a teacher's request, and a company's answer to it."""

import uuid
from typing import TYPE_CHECKING, cast

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from techportal.choices import Level
from techportal.forms import PublicForm, error_links, plain_text, textarea

from . import queries

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .models import Offer

PICK_A_SCHOOL = _("Zoek uw school en kies die uit de lijst.")


class SchoolField(forms.ModelChoiceField):
    """A school location by id. The page lists only the search results, never all schools."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=queries.schools(),
            widget=forms.RadioSelect,
            error_messages={"required": PICK_A_SCHOOL, "invalid_choice": PICK_A_SCHOOL},
            **kwargs,
        )

    def to_python(self, value):
        # An id too large for the database is no school either (and never a server error).
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) > 9:
            raise forms.ValidationError(PICK_A_SCHOOL, code="invalid_choice")
        return super().to_python(value)


def privacy_consent(who_sees: "StrOrPromise", refused: "StrOrPromise") -> forms.BooleanField:
    """The consent checkbox; `who_sees` names who sees the teacher's details."""
    label = lazy(
        lambda: format_html(
            gettext(
                'Ik ga akkoord met de <a href="{}" target="_blank" rel="noopener">'
                "privacyverklaring</a> (opent in een nieuw tabblad). {}"
            ),
            reverse("privacy"),
            who_sees,
        ),
        SafeString,
    )
    return forms.BooleanField(label=label(), error_messages={"required": refused})


def pupils_field(*, maximum: int, too_many: "StrOrPromise") -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Aantal leerlingen"),
        min_value=1,
        max_value=maximum,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Vul het aantal leerlingen in."),
            "invalid": _("Vul het aantal leerlingen in als getal, zoals 24."),
            "min_value": _("Vul ten minste 1 leerling in."),
            "max_value": too_many,
        },
    )


class ClassForm(PublicForm):
    """The school location, the teacher and the class: what a request for an offer and a
    registration for an event both ask. Subclasses add the rest and call `limit_levels`."""

    school = SchoolField(label=_("School"))
    teacher_name = plain_text(_("Uw naam"), max_length=150)
    teacher_email = forms.EmailField(label=_("Uw e-mailadres"), max_length=254)
    group = plain_text(
        _("Klas of groep"),
        max_length=50,
        help_text=_("Bijvoorbeeld 3 vmbo-TL of groep 7. Geen namen van leerlingen."),
    )
    level = forms.ChoiceField(
        label=_("Niveau"),
        choices=Level.choices,
        error_messages={
            "required": _("Kies het niveau van de klas."),
            "invalid_choice": _("Kies een van de niveaus uit de lijst."),
        },
    )
    REQUIRED_TEXT: tuple[str, ...] = ("teacher_name", "teacher_email", "group")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED_TEXT:
            self.fields[name].error_messages["required"] = _("Vul dit veld in.")

    def limit_levels(self, levels: list[str]) -> None:
        """Offer only these levels (all when empty); preselect the only one."""
        level = cast(forms.ChoiceField, self.fields["level"])
        allowed = [(v, label) for v, label in Level.choices if not levels or v in levels]
        level.choices = [("", _("Kies een niveau")), *allowed]
        if len(levels) == 1:
            level.initial = levels[0]

    @property
    def chosen_school(self) -> Organisation | None:
        """The valid school of a bound form, to show it checked again when it is re-rendered."""
        if self.is_bound and "school" not in self.errors:
            return self.cleaned_data.get("school")
        return None


class OfferRequestForm(ClassForm):
    """A teacher asks for one offer, for one class of one school location."""

    pupils = pupils_field(
        maximum=500,
        too_many=_(
            "Vul hoogstens 500 leerlingen in. Voor grotere groepen: neem contact op met de "
            "coördinator van uw regio."
        ),
    )
    preferred_period = plain_text(
        _("Voorkeursperiode"),
        max_length=200,
        help_text=_(
            "Bijvoorbeeld: na de herfstvakantie, bij voorkeur op dinsdag. Geen namen van "
            "leerlingen."
        ),
    )
    message = plain_text(
        _("Bericht aan het bedrijf"),
        max_length=2000,
        required=False,
        widget=textarea(4),
        help_text=_("Vertel kort wat de klas doet. Geen persoonsgegevens van leerlingen."),
    )
    consent = privacy_consent(
        _("Het bedrijf en de coördinator zien mijn naam, e-mailadres en school."),
        _("Ga akkoord met de privacyverklaring, anders kunnen we uw aanvraag niet doorsturen."),
    )
    REQUIRED_TEXT = (*ClassForm.REQUIRED_TEXT, "preferred_period")

    def __init__(self, *args, offer: Offer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["teacher_email"].help_text = _(
            "Hierheen sturen we de bevestiging en het antwoord van het bedrijf."
        )
        self.limit_levels(offer.levels)
        if offer.group_size:
            self.fields["pupils"].help_text = _(
                "Dit aanbod is voor groepen tot %(size)d leerlingen. Meer leerlingen? Vraag het "
                "gerust; het bedrijf beslist."
            ) % {"size": offer.group_size}

    @classmethod
    def blank(cls, *, offer: Offer) -> "OfferRequestForm":
        return cls(offer=offer, initial={"form_token": uuid.uuid4()})

    def request_arguments(self) -> dict:
        """The keyword arguments for `services.requests.offer_request_create`."""
        data = self.cleaned_data
        return {
            "submission_token": data["form_token"],
            "offer": self.offer,
            "school": data["school"],
            "teacher_name": data["teacher_name"],
            "teacher_email": data["teacher_email"],
            "group": data["group"],
            "level": data["level"],
            "pupils": data["pupils"],
            "preferred_period": data["preferred_period"],
            "message": data["message"],
        }


# Shorter labels for the error summary, where a label with a link would be confusing.
def school_form_errors(form: forms.Form, labels) -> list:
    """The error summary of a form with the school picker: the school's error links to the
    search box, which is always there (the radios may not be)."""
    errors = list(error_links(form, labels))
    for error in errors:
        if error.field_id == form["school"].auto_id + "_0":
            error.field_id = "school-zoek"
    return errors


REQUEST_SUMMARY_LABELS: dict[str, str] = {"consent": _("Privacyverklaring")}  # type: ignore[dict-item]


class AnswerForm(forms.Form):
    """The company's answer: accept (with an optional date) or decline (with a reason)."""

    ACCEPT = "accepteren"
    DECLINE = "afwijzen"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accepteren")), (DECLINE, _("Afwijzen"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Kies ‘Accepteren’ of ‘Afwijzen’."),
            "invalid_choice": _("Kies ‘Accepteren’ of ‘Afwijzen’."),
        },
    )
    date = forms.DateField(
        label=_("Datum (als die al bekend is)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in, zoals 14-11-2025.")},
    )
    message = plain_text(
        _("Bericht aan de docent"),
        max_length=2000,
        required=False,
        widget=textarea(4),
        help_text=_(
            "Bij afwijzen verplicht: de docent leest waarom het niet lukt. Vul geen namen of "
            "andere gegevens van leerlingen in."
        ),
    )

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date and date < timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in het verleden."), code="past")
        return date

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.DECLINE:
            cleaned["date"] = None
            if not (cleaned.get("message") or "").strip() and "message" not in self.errors:
                self.add_error("message", _("Schrijf de docent kort waarom het niet lukt."))
        return cleaned


# --- saved searches ------------------------------------------------------------------------------

from techportal.forms import STALE_FORM  # noqa: E402

from .services.saved_searches import normalise_query  # noqa: E402


class SaveSearchForm(PublicForm):
    """Mail me new offers for this search: an email address and the (hidden) search.

    The search is normalised again as the catalogue does it, so a forged value stores nothing
    the catalogue would not make itself. Saving twice finds the saved search by (email, query),
    so unlike other public forms this one needs no token per rendered form: the form on the
    catalogue page (a GET page, perhaps cached) has none.
    """

    QUERY_MAX_LENGTH = 1000

    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        help_text=_("Eén keer per week, alleen als er nieuw aanbod is. Afmelden met één klik."),
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@school.nl."),
        },
    )
    query = forms.CharField(
        label=_("Zoekopdracht"),
        required=False,
        strip=False,
        widget=forms.HiddenInput,
    )
    form_token = forms.UUIDField(
        label=_("Formuliercode"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": STALE_FORM},
    )

    def clean_query(self) -> str:
        too_long = forms.ValidationError(
            _("Deze zoekopdracht is te lang om te bewaren. Zoek met minder woorden of filters."),
            code="max_length",
        )
        raw = self.cleaned_data["query"]
        if len(raw) > self.QUERY_MAX_LENGTH:
            raise too_long
        query = normalise_query(raw)
        if len(query) > self.QUERY_MAX_LENGTH:  # percent-encoding can make it longer
            raise too_long
        if not query:
            raise forms.ValidationError(
                _(
                    "Zoek eerst op een woord of kies een filter (soort, niveau, wereld, regio of "
                    "postcode). Dan sturen we u nieuw aanbod dat daarbij past."
                ),
                code="empty",
            )
        return query
