"""The aanmeldformulier: company, contact person, and details per kind of offer.

One page, no account. `SignUpSubmission` bundles the main form with one small details form
per kind; only the details of the kinds a company ticks are validated and stored.
"""

import uuid
from collections.abc import Iterator
from typing import cast

from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offers.models import USUAL_LOCATION, Location, OfferKind
from techportal.choices import Level, World
from techportal.fields import normalise_kvk_number, normalise_phone, normalise_postcode
from techportal.forms import ErrorLink, PublicForm, error_links, plain_text
from techportal.forms import textarea as _textarea

from .services import CompanyDetails, ContactDetails, OfferDetails


class NormalisedField(forms.CharField):
    """A text field cleaned by one of the Dutch identifier normalisers (KvK, postcode, phone)."""

    def __init__(self, normalise, **kwargs):
        self.normalise = normalise
        super().__init__(max_length=32, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.normalise(value) if value else value


_privacy_label = lazy(
    lambda: format_html(
        gettext(
            'Ik ga akkoord met de <a href="{}" target="_blank" rel="noopener">privacyverklaring'
            "</a> (opent in een nieuw tabblad)."
        ),
        reverse("privacy"),
    ),
    SafeString,
)


class SignUpForm(PublicForm):
    """The company, its contact person, the kinds of offer and the consent."""

    # --- company
    company_name = plain_text(_("Naam van het bedrijf"), max_length=200)
    kvk_number = NormalisedField(
        normalise_kvk_number,
        label=_("KvK-nummer"),
        help_text=_("8 cijfers; u vindt het op kvk.nl of op uw facturen."),
    )
    street_address = plain_text(_("Adres"), max_length=200, help_text=_("Straat en huisnummer."))
    postcode = NormalisedField(
        normalise_postcode,
        label=_("Postcode"),
        help_text=_("Bijvoorbeeld 1234 AB. Hiermee vinden we de coördinator van uw regio."),
    )
    city = plain_text(_("Plaats"), max_length=100)
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("Bijvoorbeeld www.uwbedrijf.nl."),
    )
    worlds = forms.MultipleChoiceField(
        label=_("In welke werelden van techniek is uw bedrijf actief?"),
        choices=World.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # --- contact person
    contact_name = plain_text(_("Uw naam"), max_length=150)
    contact_role = plain_text(_("Uw functie"), max_length=100, required=False)
    contact_email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("Hierheen sturen we de bevestiging en de link naar uw aanmelding."),
    )
    contact_phone = NormalisedField(
        normalise_phone,
        label=_("Telefoonnummer"),
        help_text=_("Zodat de coördinator u kan bellen, bijvoorbeeld 020 123 4567."),
    )

    # --- what they offer
    kinds = forms.MultipleChoiceField(
        label=_("Wat biedt u aan?"),
        choices=OfferKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies één of meer. Per keuze vragen we hieronder een paar details."),
        error_messages={"required": _("Kies ten minste één soort aanbod.")},
    )
    wants_event_workshop = forms.BooleanField(
        label=_(
            "Wij willen graag een workshop verzorgen op een regionaal evenement "
            "(PET-event voor groep 6–8 of Tech Your Talent voor vmbo-2)."
        ),
        required=False,
    )
    message = plain_text(
        _("Toelichting of vragen"),
        max_length=2000,
        required=False,
        widget=_textarea(3),
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    consent = forms.BooleanField(
        label=_privacy_label(),
        error_messages={
            "required": _("Ga akkoord met de privacyverklaring, anders kunnen we u niet helpen.")
        },
    )

    COMPANY_FIELDS = ("company_name", "kvk_number", "street_address", "postcode", "city")
    COMPANY_EXTRA_FIELDS = ("website", "worlds")
    CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")

    def fields_named(self, names) -> list[forms.BoundField]:
        return [self[name] for name in names]


class OfferDetailsForm(forms.Form):
    """The short details of one kind of offer; prefixed with its kind in the page."""

    ON_REQUEST = "op_aanvraag"
    PERIOD = "periode"

    title = plain_text(
        _("Titel"),
        max_length=200,
        required=False,
        help_text=_("Kort en concreet, bijvoorbeeld ‘Gastles duurzame energie’."),
    )
    description = plain_text(
        _("Omschrijving"),
        max_length=2000,
        widget=_textarea(3),
        help_text=_(
            "Wat gaan de leerlingen doen of zien? Vul geen namen of andere gegevens van "
            "leerlingen in. Maximaal 2000 tekens."
        ),
    )
    levels = forms.MultipleChoiceField(
        label=_("Voor welke onderwijsniveaus?"),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één onderwijsniveau.")},
    )
    group_size = forms.IntegerField(
        label=_("Groepsgrootte"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Het grootste aantal leerlingen per keer."),
    )
    availability = forms.ChoiceField(
        label=_("Wanneer?"),
        choices=[(ON_REQUEST, _("Op aanvraag")), (PERIOD, _("In een bepaalde periode"))],
        initial=ON_REQUEST,
        widget=forms.RadioSelect,
    )
    available_from = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.ChoiceField(
        label=_("Waar?"), choices=Location.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, kind: OfferKind, **kwargs):
        self.kind = kind
        kwargs["prefix"] = kind.value
        super().__init__(*args, **kwargs)
        self.fields["location"].initial = USUAL_LOCATION[kind]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("availability") == self.PERIOD:
            start, end = cleaned.get("available_from"), cleaned.get("available_until")
            if not start and "available_from" not in self.errors:
                self.add_error("available_from", _("Vul de begindatum in."))
            if not end and "available_until" not in self.errors:
                self.add_error("available_until", _("Vul de einddatum in."))
            if start and end and end < start:
                self.add_error("available_until", _("De einddatum ligt vóór de begindatum."))
        else:
            cleaned["available_from"] = cleaned["available_until"] = None
        return cleaned

    def details(self, company_name: str) -> OfferDetails:
        data = self.cleaned_data
        return OfferDetails(
            kind=self.kind,
            title=data["title"] or f"{self.kind.label} bij {company_name}"[:200],
            description=data["description"],
            levels=data["levels"],
            location=Location(data["location"]),
            group_size=data["group_size"],
            available_from=data["available_from"],
            available_until=data["available_until"],
        )


# Shorter labels for the error summary, where a label with a link would be confusing.
SUMMARY_LABELS = {"consent": _("Privacyverklaring")}


class SignUpSubmission:
    """The main form plus the details forms, validated and summarised together."""

    def __init__(self, data=None, *, initial=None):
        self.form = SignUpForm(data, initial=initial)
        self.data = data
        self.is_bound = data is not None
        self._details: dict[OfferKind, OfferDetailsForm] = {}

    def details_form(self, kind: OfferKind) -> OfferDetailsForm:
        """The details form of one kind, made when first needed (a valid submit needs few).

        Only the details of ticked kinds are bound: the page shows every kind's details (all
        of them without JavaScript), and those of the others must not show errors.
        """
        if kind not in self._details:
            bound = self.data if kind in self.chosen_kinds() else None
            self._details[kind] = OfferDetailsForm(bound, kind=kind)
        return self._details[kind]

    @property
    def details_forms(self) -> list[OfferDetailsForm]:
        return [self.details_form(kind) for kind in OfferKind]

    @classmethod
    def blank(cls) -> "SignUpSubmission":
        return cls(initial={"form_token": uuid.uuid4()})

    def chosen_kinds(self) -> set[str]:
        """The known kinds ticked, also when the rest of the form (or a forged kind) is invalid."""
        if not self.is_bound:
            return set()
        data = cast(QueryDict, self.form.data)
        return {value for value in data.getlist("kinds") if value in OfferKind.values}

    def chosen_details(self) -> list[OfferDetailsForm]:
        chosen = self.chosen_kinds()
        return [self.details_form(kind) for kind in OfferKind if kind in chosen]

    def is_valid(self) -> bool:
        # Validate every form (no short-circuit), so the page shows all errors at once.
        results = [self.form.is_valid()] + [form.is_valid() for form in self.chosen_details()]
        return all(results)

    @property
    def is_honeypot(self) -> bool:
        return self.form.is_honeypot

    def errors(self) -> Iterator[ErrorLink]:
        """Every error with the id of its field, in page order, for the summary."""
        yield from error_links(self.form, SUMMARY_LABELS)
        for form in self.chosen_details():
            for link in error_links(form, SUMMARY_LABELS):
                if link.field_id:
                    link.label = f"{form.kind.label}: {link.label}"
                yield link

    def signup_arguments(self) -> dict:
        """The keyword arguments for `services.signup_create`."""
        data = self.form.cleaned_data
        return {
            "submission_token": data["form_token"],
            "company": CompanyDetails(
                name=data["company_name"],
                kvk_number=data["kvk_number"],
                street_address=data["street_address"],
                postcode=data["postcode"],
                city=data["city"],
                website=data["website"],
                worlds=data["worlds"],
            ),
            "contact": ContactDetails(
                name=data["contact_name"],
                role=data["contact_role"],
                email=data["contact_email"],
                phone=data["contact_phone"],
            ),
            "offers": [form.details(data["company_name"]) for form in self.chosen_details()],
            "wants_event_workshop": data["wants_event_workshop"],
            "message": data["message"],
        }
