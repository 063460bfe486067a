"""Form plumbing every public form shares: plain text only, a honeypot, one token per rendered
form, and the error summary at the top of the page."""

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Text fields are plain text: markup is refused rather than stored (and later shown escaped).
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&#|javascript:", re.IGNORECASE)

STALE_FORM = _("Dit formulier is onvolledig. Vernieuw de pagina en probeer het opnieuw.")


def refuse_markup(value: str) -> None:
    if MARKUP.search(value):
        raise ValidationError(
            _("Gebruik hier gewone tekst, zonder HTML-code of scripts (zoals <b> of <script>)."),
            code="markup",
        )


# Characters that are not text but steer how text shows: control characters (tab and line
# breaks aside), and the bidirectional overrides and isolates that make a name or a file name
# display differently from what it says.
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")
INVISIBLE_CATEGORIES = {"Cf", "Zs", "Zl", "Zp", "Cc"}


class PlainTextField(forms.CharField):
    """Plain text: no markup, no control characters, one line unless its widget is a textarea,
    and a required field is not filled in by invisible characters alone (zero-width spaces)."""

    default_validators = [refuse_markup]

    def validate(self, value) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        if all(unicodedata.category(char) in INVISIBLE_CATEGORIES for char in value):
            raise ValidationError(self.error_messages["required"], code="required")
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError(
                _("Deze tekst bevat onzichtbare stuurtekens. Typ de tekst opnieuw in."),
                code="control_characters",
            )
        if not isinstance(self.widget, forms.Textarea) and LINE_BREAKS.search(value):
            raise ValidationError(_("Gebruik hier één regel tekst."), code="line_break")


def plain_text(label, *, max_length: int, required: bool = True, help_text="", **kwargs):
    """A text field that refuses markup and control characters (see PlainTextField)."""
    return PlainTextField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        **kwargs,
    )


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PublicForm(forms.Form):
    """A form anyone may submit: a token per rendered form and a field only robots fill in.

    Render `form_token` and the honeypot with `{% include "includes/form_plumbing.html" %}`.
    """

    form_token = forms.UUIDField(
        label=_("Formuliercode"),
        widget=forms.HiddenInput,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM},
    )
    fax = forms.CharField(
        required=False,
        label=_("Laat dit veld leeg"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("form_token", "fax"):  # last, so the error summary follows the page
            self.fields[name] = self.fields.pop(name)

    def clean_fax(self) -> str:
        if self.cleaned_data.get("fax"):
            raise ValidationError(
                _("Dit formulier kon niet worden verzonden. Laat het verborgen veld leeg."),
                code="honeypot",
            )
        return ""

    @property
    def is_honeypot(self) -> bool:
        return any(error.code == "honeypot" for error in self.errors.as_data().get("fax", []))


@dataclass
class ErrorLink:
    """One line of the error summary at the top of the page."""

    field_id: str
    label: str
    message: str


def error_links(
    form: forms.Form, labels: Mapping[str, str | Promise] | None = None
) -> Iterator[ErrorLink]:
    """Every error of `form` with the id of its field, in field order, for the summary.

    `labels` overrides a field's label where the summary needs a clearer one.
    """
    for name, messages in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name]
        label = (labels or {}).get(name, bound.label)
        # A group of checkboxes or radios has no id of its own: link to its first one.
        field_id = bound.id_for_label or f"{bound.auto_id}_0"
        for message in messages:
            yield ErrorLink(field_id=field_id, label=str(label), message=str(message))
    for message in form.non_field_errors():
        yield ErrorLink(field_id="", label="", message=str(message))


class LoginForm(AdminAuthenticationForm):
    """The /beheer/ login form, refusing a username longer than any account's.

    Django's AuthenticationForm sets the username's max_length after the field is made, so it
    is only an HTML attribute: a 1 MB username reached authenticate() and django-axes' failure
    log (a 255-character column), a server error.
    """

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])
        if username.max_length is not None:
            username.validators.append(MaxLengthValidator(username.max_length))
