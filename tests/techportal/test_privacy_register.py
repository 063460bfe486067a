"""The register of personal data against the models, and pupils' data kept out of free text."""

import importlib
import re

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation

from techportal.fields import PhoneField
from techportal.privacy import audit
from techportal.privacy.register import NOT_PERSONAL, REGISTER, Entry, registered_fields

# --- the register ------------------------------------------------------------------------------


def test_every_field_that_looks_personal_is_registered_or_declared_not_personal():
    assert audit.unregistered_personal_fields() == []


def test_every_entry_names_a_field_that_exists():
    assert audit.stale_entries() == []


def test_a_personal_field_without_an_entry_fails_the_check(monkeypatch):
    monkeypatch.setattr(
        audit,
        "registered_fields",
        lambda: registered_fields() - {("organisations.Contact", "phone")},
    )

    assert audit.unregistered_personal_fields() == ["organisations.Contact.phone"]


def test_an_entry_for_a_field_that_is_gone_fails_the_check(monkeypatch):
    gone = Entry("organisations.Contact", ("fax",), "", "", "", "")
    monkeypatch.setattr(audit, "REGISTER", (*REGISTER, gone))

    assert audit.stale_entries() == ["organisations.Contact.fax"]


@pytest.mark.parametrize(
    ("field", "personal"),
    [
        (models.EmailField(name="backup"), True),
        (PhoneField(name="mobile"), True),
        (models.GenericIPAddressField(name="origin"), True),
        (models.TextField(name="notes"), True),
        (models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, name="owner"), True),
        (models.CharField(name="first_name"), True),
        (models.CharField(name="teacher_email"), True),
        (models.CharField(name="ip_address"), True),
        (models.CharField(name="user_agent"), True),
        (models.CharField(name="contact_adres"), True),
        (models.CharField(name="description"), False),  # no `ip` in the middle of a word
        (models.CharField(name="reference"), False),
        (models.PositiveIntegerField(name="pupils"), False),
    ],
)
def test_what_looks_personal(field, personal):
    if field.is_relation:
        field.remote_field.model = get_user_model()
    assert audit.looks_personal(field) is personal


def test_every_entry_says_whose_data_why_on_what_basis_and_how_long():
    with translation.override("nl"):
        for entry in REGISTER:
            for text in (entry.subject, entry.purpose, entry.legal_basis, entry.display()):
                assert str(text).strip(), entry
            assert "%(" not in entry.retention_text(), entry
            assert entry.retention_days is None or entry.retention_days > 0, entry


def test_every_not_personal_field_has_a_reason():
    assert all(len(reason) > 10 for reason in NOT_PERSONAL.values())


# --- pupils ------------------------------------------------------------------------------------

PUPIL = re.compile(r"pupil|leerling", re.IGNORECASE)


def test_no_field_stores_pupils_personal_data_only_counts():
    """A field about pupils is a number (how many), never a name or a text."""
    about_pupils = [
        (model._meta.label, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if PUPIL.search(field.name) or PUPIL.search(str(field.verbose_name))
    ]

    assert about_pupils  # the counts are there
    for label, field in about_pupils:
        assert isinstance(field, models.IntegerField), f"{label}.{field.name}"


def test_every_free_text_field_says_to_leave_pupils_data_out():
    assert audit.free_text_without_pupil_warning() == []


def test_a_free_text_field_without_the_warning_fails_the_check(monkeypatch):
    field = apps.get_model("matching", "SignUpNote")._meta.get_field("text")
    monkeypatch.setattr(field, "help_text", "Een notitie voor collega's.")

    assert audit.free_text_without_pupil_warning() == ["matching.SignUpNote.text"]


FORM_MODULES = [
    "matching.forms",
    "matching.match_forms",
    "matching.admin.signups",
    "matching.admin.matches",
    "offers.forms",
    "events.forms",
    "events.admin.events",
    "techportal.privacy.admin_views",
]


def _form_classes(base=forms.BaseForm):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _form_classes(subclass)


def test_every_text_area_in_the_project_forms_says_to_leave_pupils_data_out():
    for name in FORM_MODULES:
        importlib.import_module(name)
    areas = [
        (form, name, field)
        for form in set(_form_classes())
        if form.__module__.split(".")[0] in audit.PROJECT_APPS
        for name, field in form.base_fields.items()
        if isinstance(field.widget, forms.Textarea)
    ]

    assert len(areas) >= 8  # sign-up, offers, requests and answers, matches, events
    missing = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form, name, field in areas
        if not audit.warns_against_pupil_data(field.help_text)
    ]
    assert missing == []
