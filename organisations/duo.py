"""Import school locations from DUO's open-data CSV ("adressen van alle vestigingen").

DUO publishes `;`-separated files in Latin-1. Two generations of column names exist; both are
accepted. Rows are upserted by vestigingscode in one transaction, with bulk writes, so a
file of ~10,000 locations takes a handful of queries. Rows that fail validation are skipped
and reported with their line number; a file that is not a DUO CSV at all stores nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from techportal.choices import Level
from techportal.fields import normalise_postcode, normalise_vestigingscode

from .models import Organisation
from .services import organisations_assign_regions

BATCH_SIZE = 500

# Our name for a column → the names DUO has used for it, newest first.
COLUMNS = {
    "brin": ("INSTELLINGSCODE", "BRIN NUMMER"),
    "vestigingscode": ("VESTIGINGSCODE", "VESTIGINGSNUMMER"),
    "name": ("VESTIGINGSNAAM",),
    "street": ("STRAATNAAM",),
    "house_number": ("HUISNUMMER-TOEVOEGING",),
    "postcode": ("POSTCODE",),
    "city": ("PLAATSNAAM",),
    "structure": ("ONDERWIJSSTRUCTUUR",),
}
REQUIRED_COLUMNS = ("vestigingscode", "name", "postcode", "city")

# The Organisation fields an import writes (besides kind and vestigingscode).
IMPORTED_FIELDS = ("name", "street_address", "postcode", "city", "school_levels")

VMBO_LEERWEGEN = {
    "B": Level.VMBO_BB,
    "K": Level.VMBO_KB,
    "G": Level.VMBO_GL,
    "T": Level.VMBO_TL,
}
STRUCTURE_TOKENS = {
    "PO": [Level.PO],
    "PRO": [Level.PRO],
    "VMBO": list(VMBO_LEERWEGEN.values()),
    # Pre-1999 names: together they are the whole of vmbo.
    "VBO": [Level.VMBO_BB, Level.VMBO_KB],
    "MAVO": [Level.VMBO_GL, Level.VMBO_TL],
    "HAVO": [Level.HAVO],
    "VWO": [Level.VWO],
}


class DuoImportError(Exception):
    """The file as a whole cannot be imported; the message is in Dutch, for the user."""


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


def parse_onderwijsstructuur(value: str) -> list[str]:
    """`VMBO-B/K/G/T/HAVO/VWO` → the Level values, in Level order; unknown tokens are skipped.

    Leerweg letters after a `VMBO-` token belong to it: `VMBO-B/K` is BB and KB, and
    `VMBO-(G)T` is GL and TL.
    """
    found: set[str] = set()
    in_vmbo = False
    for token in value.upper().replace(" ", "").split("/"):
        if token in STRUCTURE_TOKENS:
            found.update(STRUCTURE_TOKENS[token])
            in_vmbo = False
            continue
        if token.startswith("VMBO-"):
            token, in_vmbo = token.removeprefix("VMBO-"), True
        if in_vmbo:
            found.update(VMBO_LEERWEGEN[letter] for letter in token if letter in VMBO_LEERWEGEN)
    return [level.value for level in Level if level in found]


def import_school_locations(
    source: str | Path | bytes, *, encoding: str = "auto", level: str | None = None
) -> ImportReport:
    """Create or update a school for every valid row of a DUO file (a path, or its bytes).

    `level` is given to rows without an onderwijsstructuur (primary-school files have none).
    Raises DuoImportError, storing nothing, when the file cannot be read as a DUO CSV.
    """
    if level is not None and level not in Level.values:
        raise DuoImportError(_("Onbekend onderwijsniveau: %(level)s.") % {"level": level})
    report = ImportReport()
    wanted: dict[str, tuple[int, dict]] = {}
    for line, row in _read_rows(_read_text(source, encoding)):
        try:
            code, values = _clean_row(row, level)
        except ValidationError as exc:
            report.rejected.append(RejectedRow(line, " ".join(exc.messages)))
            continue
        if code in wanted:
            reason = _("Vestigingscode %(code)s staat al op regel %(line)d.") % {
                "code": code,
                "line": wanted[code][0],
            }
            report.rejected.append(RejectedRow(line, reason))
            continue
        wanted[code] = (line, values)

    with transaction.atomic():
        existing = Organisation.objects.in_bulk(list(wanted), field_name="vestigingscode")
        to_create, to_update = [], []
        now = timezone.now()
        for code, (line, values) in wanted.items():
            school = existing.get(code)
            if school is None:
                to_create.append(
                    Organisation(kind=Organisation.Kind.SCHOOL, vestigingscode=code, **values)
                )
            elif school.kind != Organisation.Kind.SCHOOL:
                reason = _(
                    "Vestigingscode %(code)s is al in gebruik door een organisatie "
                    "die geen schoollocatie is."
                ) % {"code": code}
                report.rejected.append(RejectedRow(line, reason))
            elif any(getattr(school, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(school, name, value)
                school.updated_at = now  # bulk_update skips auto_now
                to_update.append(school)
            else:
                report.unchanged += 1

        Organisation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        Organisation.objects.bulk_update(
            to_update, [*IMPORTED_FIELDS, "updated_at"], batch_size=BATCH_SIZE
        )
        # The bulk writes bypassed Organisation.save(), which keeps the region in step.
        changed_ids = [school.pk for school in to_create + to_update]
        if changed_ids:
            organisations_assign_regions(ids=changed_ids)

    report.created, report.updated = len(to_create), len(to_update)
    report.rejected.sort(key=lambda rejected: rejected.line)
    return report


def _read_text(source: str | Path | bytes, encoding: str) -> str:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise DuoImportError(
                _("Het bestand %(path)s bestaat niet.") % {"path": source}
            ) from None
        except OSError as exc:
            raise DuoImportError(
                _("Het bestand %(path)s kan niet worden gelezen: %(error)s")
                % {"path": source, "error": exc.strerror}
            ) from None

    if encoding == "auto":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise DuoImportError(
                _("Onbekende tekencodering: %(encoding)s.") % {"encoding": encoding}
            ) from None
        except UnicodeDecodeError:
            raise DuoImportError(
                _("Het bestand is niet in de tekencodering %(encoding)s opgeslagen.")
                % {"encoding": encoding}
            ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DuoImportError(_("Het bestand is leeg."))
    if "\x00" in text:
        raise DuoImportError(
            _(
                "Het bestand bevat NUL-tekens: het is geen CSV-bestand in UTF-8 of Latin-1 "
                "(misschien UTF-16 of een binair bestand, zoals een Excel-bestand)."
            )
        )
    return text


def _read_rows(text: str):
    """Yield (line number, {our column name: value}) for every non-blank data row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        yield from _parse(reader)
    except csv.Error:
        raise DuoImportError(
            _(
                "Regel %(line)d kan niet als CSV worden gelezen; staat er een aanhalingsteken "
                '(") dat niet wordt gesloten?'
            )
            % {"line": reader.line_num}
        ) from None


def _parse(reader):
    header: list[str] = next(reader, [])
    if len(header) < 2:
        raise DuoImportError(
            _(
                "Het bestand is niet gescheiden door puntkomma's (;), "
                "zoals de CSV-bestanden van DUO."
            )
        )

    positions = {_header_key(name): index for index, name in reversed(list(enumerate(header)))}
    columns = {}
    for ours, theirs in COLUMNS.items():
        found = next((positions[name] for name in theirs if name in positions), None)
        if found is not None:
            columns[ours] = found
    missing = [" / ".join(COLUMNS[ours]) for ours in REQUIRED_COLUMNS if ours not in columns]
    if missing:
        raise DuoImportError(
            _("Verplichte kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)}
        )

    for values in reader:
        if any(value.strip() for value in values):
            yield (
                reader.line_num,
                {
                    ours: _text(values[index]) if index < len(values) else ""
                    for ours, index in columns.items()
                },
            )


def _header_key(name: str) -> str:
    """` "Brin_nummer" ` → `BRIN NUMMER`."""
    return " ".join(name.strip().strip("\"'").replace("_", " ").upper().split())


def _text(value: str) -> str:
    """Trim a value and collapse runs of whitespace (including line breaks) to one space."""
    return " ".join(value.split())


def _clean_row(row: dict[str, str], level: str | None) -> tuple[str, dict]:
    """The vestigingscode and field values of a row; ValidationError for the first problem."""
    code = row["vestigingscode"]
    # Older files give just the 2-digit location number next to the 4-character BRIN.
    if code.isdigit() and len(code) <= 2:
        code = row.get("brin", "") + code.zfill(2)
    code = normalise_vestigingscode(code)

    if not row["name"]:
        raise ValidationError(_("De naam van de vestiging ontbreekt."))
    values: dict[str, Any] = {
        "name": row["name"],
        "street_address": _text(f"{row.get('street', '')} {row.get('house_number', '')}"),
        "postcode": normalise_postcode(row["postcode"]),
        "city": row["city"],
    }
    for name, value in values.items():
        model_field = cast(models.CharField, Organisation._meta.get_field(name))
        if model_field.max_length is not None and len(value) > model_field.max_length:
            raise ValidationError(
                _("%(field)s is te lang: %(length)d tekens, maximaal %(max)d.")
                % {
                    "field": capfirst(model_field.verbose_name),
                    "length": len(value),
                    "max": model_field.max_length,
                }
            )

    structure = row.get("structure", "")
    if structure:
        values["school_levels"] = parse_onderwijsstructuur(structure)
        if not values["school_levels"]:
            raise ValidationError(
                _("Onbekende onderwijsstructuur: %(value)s.") % {"value": structure}
            )
    elif level:
        values["school_levels"] = [level]
    # Else the levels are unknown: new schools get none, existing ones keep theirs.
    return code, values
