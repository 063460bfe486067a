"""CSV export of class registrations for organisers: Excel-friendly, formula-injection safe.

UTF-8 with a byte order mark and `;` as separator, so a Dutch Excel opens it with the accents
and the columns right.
"""

import csv
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from techportal.exports import csv_cell, csv_datetime

from .models import Registration


def registrations_for_export(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """One query for the rows, by event, slot and arrival."""
    return queryset.select_related("event", "slot", "school").order_by(
        "event__date", "event__pk", "slot__starts_at", "created_at", "pk"
    )


def _header() -> list[str]:
    return [
        gettext("Evenement"),
        gettext("Datum"),
        gettext("Tijdvak"),
        gettext("Status"),
        gettext("School"),
        gettext("BRIN"),
        gettext("Docent"),
        gettext("E-mailadres docent"),
        gettext("Klas of groep"),
        gettext("Niveau"),
        gettext("Leerlingen"),
        gettext("Toegankelijkheid of vervoer"),
        gettext("Ingeschreven op"),
    ]


def _row(registration: Registration) -> list[object]:
    return [
        registration.event.title,
        registration.event.date.isoformat(),
        str(registration.slot),
        registration.get_status_display(),
        registration.school.name,
        registration.school.brin,
        registration.teacher_name,
        registration.teacher_email,
        registration.group,
        registration.get_level_display(),
        registration.pupils,
        registration.remarks,
        csv_datetime(registration.created_at),
    ]


def registrations_csv(registrations: Iterable[Registration], *, name: str) -> HttpResponse:
    """An attachment `<name>-<today>.csv` with one row per registration."""
    filename = f"{name}-{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # so spreadsheet programs read the accents as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(_header())
    for registration in registrations:
        writer.writerow([csv_cell(value) for value in _row(registration)])
    return response
