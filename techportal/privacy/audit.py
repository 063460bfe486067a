"""Checks of the register against the models, and of free-text fields against pupil data.

Used by the tests: a new field that looks personal, without a register entry or a reason why it
is not personal, fails the suite; so does an entry naming a field that no longer exists.
"""

import re
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation

from techportal.fields import PhoneField

from .register import (
    NOT_PERSONAL,
    PUPIL_FREE_TEXT_CHARFIELDS,
    PUPIL_TEXT_EXEMPT,
    REGISTER,
    registered_fields,
)

# Field names that usually hold personal data, as whole words of the name (`first_name`,
# `teacher_email`, `ip_address`), so `description` does not count as an `ip`.
PERSONAL_NAME = re.compile(
    r"(?:^|_)(?:name|naam|email|e_mail|phone|telefoon|contact|ip|address|adres|username|"
    r"user_agent)(?:_|$)"
)
PERSONAL_TYPES: tuple[type[models.Field], ...] = (
    models.EmailField,
    models.GenericIPAddressField,
    PhoneField,
    models.TextField,  # free text may hold anything, names included
)
# A help text that warns against pupil data: "Geen namen van leerlingen", "Vul geen namen of
# andere gegevens van leerlingen in", "Noem geen leerlingen bij naam", ….
PUPIL_WARNING = re.compile(r"\bgeen\b[^.]*\bleerling", re.IGNORECASE)
PROJECT_APPS = ("techportal", "organisations", "offers", "matching", "events")


def all_fields() -> Iterator[tuple[str, models.Field]]:
    """(model label, field) for every concrete field of every installed model, the automatic
    many-to-many tables included."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            yield model._meta.label, field


def looks_personal(field: models.Field) -> bool:
    if isinstance(field, PERSONAL_TYPES):
        return True
    if field.is_relation and field.related_model is not None:
        related = field.related_model._meta.label  # type: ignore[union-attr]
        if related == settings.AUTH_USER_MODEL:
            return True
    return bool(PERSONAL_NAME.search(field.name))


def unregistered_personal_fields() -> list[str]:
    """Fields that look personal but are neither registered nor declared not personal."""
    known = registered_fields() | set(NOT_PERSONAL)
    return sorted(
        f"{label}.{field.name}"
        for label, field in all_fields()
        if looks_personal(field) and (label, field.name) not in known
    )


def stale_entries() -> list[str]:
    """Register (and not-personal) entries that name a model or field that does not exist."""
    stale = []
    names = [(entry.model, name) for entry in REGISTER for name in entry.fields]
    names += [*NOT_PERSONAL, *PUPIL_FREE_TEXT_CHARFIELDS, *PUPIL_TEXT_EXEMPT]
    for label, name in names:
        try:
            apps.get_model(label)._meta.get_field(name)
        except (LookupError, FieldDoesNotExist):
            stale.append(f"{label}.{name}")
    return stale


def warns_against_pupil_data(help_text: object) -> bool:
    with translation.override("nl"):
        return bool(PUPIL_WARNING.search(str(help_text)))


def free_text_without_pupil_warning() -> list[str]:
    """The project's TextFields (and listed free-text CharFields) whose help text does not say
    to leave pupils' names and other pupil data out."""
    missing = []
    for label, field in all_fields():
        if label.split(".")[0] not in PROJECT_APPS:
            continue
        free = isinstance(field, models.TextField) or (label, field.name) in set(
            PUPIL_FREE_TEXT_CHARFIELDS
        )
        if not free or (label, field.name) in PUPIL_TEXT_EXEMPT:
            continue
        if not warns_against_pupil_data(field.help_text):
            missing.append(f"{label}.{field.name}")
    return sorted(missing)
