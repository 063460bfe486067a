"""PlainTextField: the text fields of every public form take plain, visible text only."""

import pytest
from django import forms

from techportal.forms import plain_text, textarea


class NoteForm(forms.Form):
    name = plain_text("Naam", max_length=50)
    note = plain_text("Toelichting", max_length=500, required=False, widget=textarea())


def errors(**data) -> dict:
    form = NoteForm(data={"name": "Jan de Vries", "note": ""} | data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    "name",
    ["Jan", "Anne-Marie 't Hooft", "Zoë Öztürk", "José 🙂", "' OR 1=1 --"],
)
def test_ordinary_text_is_accepted(name):
    assert errors(name=name) == {}


@pytest.mark.parametrize(
    "name",
    [
        "invoice\u202efdp.exe",  # right-to-left override
        "Jan\u2066de Vries",  # left-to-right isolate
        "Jan\x07",  # bell
        "Jan\x1b[31m",  # terminal escape
        "Jan\x85Piet",  # next line (C1)
    ],
)
def test_control_and_direction_characters_are_refused_in_dutch(name):
    assert errors(name=name) == {
        "name": ["Deze tekst bevat onzichtbare stuurtekens. Typ de tekst opnieuw in."]
    }


def test_a_nul_character_gets_djangos_own_message():
    assert errors(name="Jan\x00") == {"name": ["Null-tekens zijn niet toegestaan."]}


@pytest.mark.parametrize("name", ["Jan\r\nBcc: x@example.nl", "Jan\nPiet", "Jan\u2028Piet"])
def test_a_single_line_field_refuses_line_breaks(name):
    assert errors(name=name) == {"name": ["Gebruik hier één regel tekst."]}


def test_a_textarea_keeps_its_line_breaks_and_tabs():
    form = NoteForm(data={"name": "Jan", "note": "Regel één\r\n\tRegel twee"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "Regel één\r\n\tRegel twee"


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u200d", "\u00a0\u2060"])
def test_invisible_characters_alone_do_not_fill_in_a_required_field(name):
    assert errors(name=name) == {"name": ["Dit veld is verplicht."]}
