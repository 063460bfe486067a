"""The machine-readable export of one person's data (AVG art. 15 and 20): JSON, grouped by kind,
each kind with the purposes, legal bases and retention periods of the register.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.utils import timezone

from .person import KINDS, Person, person_find
from .register import purposes_of


@dataclass(frozen=True)
class Shape:
    """How one kind of row is exported: its fields, and what else belongs with each row."""

    fields: tuple[str, ...]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    more: Callable[[Any], dict[str, Any]] = lambda row: {}


def _signup_extra(signup) -> dict[str, Any]:
    return {
        "historie": [
            {"tijdstip": event.at, "stap": event.get_kind_display(), "toelichting": event.message}
            for event in signup.events.all()
        ],
        "notities": [
            {"geschreven_op": note.created_at, "notitie": note.text} for note in signup.notes.all()
        ],
    }


def _log_entry_extra(entry) -> dict[str, Any]:
    return {"wijziging": entry.get_change_message(), "soort": entry.content_type.name}


SHAPES: dict[str, Shape] = {
    "contacts": Shape(
        ("id", "organisation", "name", "role", "email", "phone", "created_at"), ("organisation",)
    ),
    "signups": Shape(
        (
            "id",
            "reference",
            "status",
            "organisation",
            "contact",
            "wants_event_workshop",
            "message",
            "consent_at",
            "received_at",
            "closed_at",
            "decline_reason",
        ),
        ("organisation", "contact"),
        prefetch=("events", "notes"),
        more=_signup_extra,
    ),
    "offer_requests": Shape(
        (
            "id",
            "offer",
            "school",
            "teacher_name",
            "teacher_email",
            "group",
            "level",
            "pupils",
            "preferred_period",
            "message",
            "status",
            "response_message",
            "created_at",
            "responded_at",
        ),
        ("offer", "school"),
    ),
    "matches": Shape(
        (
            "id",
            "offer",
            "school",
            "teacher_name",
            "teacher_email",
            "status",
            "date",
            "pupils",
            "teacher_rating",
            "teacher_evaluation",
            "company_evaluation",
            "cancel_reason",
            "created_at",
        ),
        ("offer", "school"),
    ),
    "registrations": Shape(
        (
            "id",
            "event",
            "slot",
            "school",
            "teacher_name",
            "teacher_email",
            "group",
            "level",
            "pupils",
            "remarks",
            "status",
            "created_at",
        ),
        ("event", "slot", "school"),
    ),
    "saved_searches": Shape(("id", "email", "query", "created_at", "confirmed_at", "last_sent_at")),
    "log_entries": Shape(
        ("id", "action_time", "object_repr"), ("content_type",), more=_log_entry_extra
    ),
}


def _value(row: Model, name: str) -> Any:
    field = row._meta.get_field(name)
    if field.is_relation:
        related = getattr(row, name)
        return str(related) if related is not None else None
    return getattr(row, name)


def _rows(queryset: QuerySet, shape: Shape) -> list[dict[str, Any]]:
    rows = queryset.select_related(*shape.related).prefetch_related(*shape.prefetch)
    rows = rows.order_by("pk")
    return [{name: _value(row, name) for name in shape.fields} | shape.more(row) for row in rows]


def person_export(person: Person) -> dict[str, Any]:
    """Everything about `person` as JSON-serialisable data (dates as they are; see `dumps`)."""
    data: dict[str, Any] = {}
    for attribute, label in KINDS:
        queryset = getattr(person, attribute)
        rows = _rows(queryset, SHAPES[attribute])
        if not rows:
            continue
        data[attribute] = {
            "omschrijving": str(label),
            "model": queryset.model._meta.label,
            "doelen": purposes_of(queryset.model._meta.label),
            "rijen": rows,
        }
    return {
        "e-mailadres": person.email,
        "gemaakt_op": timezone.now(),
        "gegevens": data,
    }


def dumps(export: dict[str, Any] | list[dict[str, Any]]) -> str:
    return json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def person_export_json(email: str) -> str:
    return dumps(person_export(person_find(email)))
