"""Model fields shared by the apps: a multiple-choice array and Dutch identifiers."""

from typing import Any

import phonenumbers
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import brin, postcode


class ChoiceArrayField(ArrayField):
    """An array of choices, edited as checkboxes instead of comma-separated text."""

    def formfield(self, **kwargs):  # type: ignore[override]  # the form_class is ours
        defaults: dict[str, Any] = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield, which would force its own SimpleArrayField.
        return super(ArrayField, self).formfield(**defaults)


def normalise_postcode(value: str) -> str:
    """`1234 ab` → `1234AB`; raises ValidationError with a Dutch message."""
    try:
        return postcode.validate(value).replace(" ", "")
    except StdnumError:
        raise ValidationError(
            _("Vul een geldige postcode in: vier cijfers en twee letters, zoals 1234 AB."),
            code="invalid_postcode",
        ) from None


def normalise_kvk_number(value: str) -> str:
    compact = "".join(ch for ch in value if ch not in " .-")
    if len(compact) != 8 or not compact.isascii() or not compact.isdigit():
        raise ValidationError(
            _("Een KvK-nummer bestaat uit precies 8 cijfers, zoals 12345678."),
            code="invalid_kvk",
        )
    return compact


def normalise_vestigingscode(value: str) -> str:
    """A school location: BRIN (2 digits, 2 letters) plus a 2-digit location, e.g. `12AB01`."""
    try:
        code = brin.validate(value)
    except StdnumError:
        code = ""
    if len(code) != 6:
        raise ValidationError(
            _(
                "Een vestigingscode bestaat uit twee cijfers, twee letters en twee cijfers, "
                "zoals 12AB01."
            ),
            code="invalid_vestigingscode",
        )
    return code


def normalise_phone(value: str) -> str:
    """Any Dutch or international notation → E.164 (`+31201234567`)."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Vul een geldig telefoonnummer in, zoals 020 123 4567 of 06 1234 5678."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class _NormalisedCharField(models.CharField):
    """A CharField whose value is normalised (and so validated) wherever Django converts it:
    in `clean()`, and, because CharField.get_prep_value calls to_python, on every save,
    update and exact lookup. `1234 ab` is stored and found as `1234AB`.

    Subclasses name the normaliser and their default field options.
    """

    normalise = staticmethod(lambda value: value)
    defaults: dict[str, Any] = {}
    # People write `1234 ab` or `1234 5678`: forms accept more than the stored, compact form.
    input_max_length = 32

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **(self.defaults | kwargs))

    def formfield(self, **kwargs):  # type: ignore[override]
        return super().formfield(**{"max_length": self.input_max_length} | kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self.normalise(value)


class PostcodeField(_NormalisedCharField):
    normalise = staticmethod(normalise_postcode)
    defaults = {
        "max_length": 6,
        "verbose_name": _("postcode"),
        "help_text": _("Bijvoorbeeld 1234 AB."),
    }


class KvKNumberField(_NormalisedCharField):
    normalise = staticmethod(normalise_kvk_number)
    defaults = {
        "max_length": 8,
        "verbose_name": _("KvK-nummer"),
        "help_text": _("Het inschrijvingsnummer bij de Kamer van Koophandel: 8 cijfers."),
    }


class VestigingscodeField(_NormalisedCharField):
    normalise = staticmethod(normalise_vestigingscode)
    defaults = {
        "max_length": 6,
        "verbose_name": _("vestigingscode"),
        "help_text": _("BRIN-nummer plus vestigingsnummer, zoals 12AB01."),
    }


class PhoneField(_NormalisedCharField):
    normalise = staticmethod(normalise_phone)
    defaults = {"max_length": 20, "verbose_name": _("telefoonnummer")}
