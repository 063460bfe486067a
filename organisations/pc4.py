"""PC4 centres from public postal-code files, for distances in the catalogue.

Two layouts are read:

- GeoNames' postal-code dump for the Netherlands (`NL.txt` from download.geonames.org/export/zip,
  or the 6-position `NL_full.txt`): tab-separated, no header, columns country code, postal code,
  place, admin name 1, admin code 1, admin name 2, admin code 2, admin name 3, admin code 3,
  latitude, longitude, accuracy. Rows of full postcodes (`1011 AB`) are averaged per PC4.
- A CSV with a header naming a postcode column (`pc4`, `postcode`, `postal_code`) and
  latitude/longitude columns (`latitude`/`lat`, `longitude`/`lon`/`lng`), optionally a place
  (`place`, `plaats`, `woonplaats`), separated by commas or semicolons — the shape of the
  CBS/PDOK PC4 tables after exporting their centroids.

The whole file is read and checked before anything is written: a file with errors stores
nothing, unless the caller asks to skip bad rows.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .models import PostcodeArea

PC4 = re.compile(r"^\s*([1-9][0-9]{3})(?:\s*[A-Za-z]{2})?\s*$")
# The Netherlands with a margin: a centre outside this box is a wrong column or a typo.
LATITUDES = (50.5, 53.8)
LONGITUDES = (3.0, 7.5)

POSTCODE_COLUMNS = ("pc4", "postcode", "postal_code", "postalcode")
LATITUDE_COLUMNS = ("latitude", "lat", "breedtegraad")
LONGITUDE_COLUMNS = ("longitude", "lon", "lng", "lengtegraad")
PLACE_COLUMNS = ("place", "plaats", "woonplaats", "place_name")


@dataclass
class Centre:
    pc4: int
    latitude: float
    longitude: float
    place: str


@dataclass
class Pc4File:
    """What a file holds: one averaged centre per PC4, and the rows that could not be read."""

    centres: dict[int, Centre] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rows: int = 0


class _Sums:
    def __init__(self) -> None:
        self.latitude = 0.0
        self.longitude = 0.0
        self.count = 0
        self.place = ""


def pc4_file_read(lines: Iterable[str]) -> Pc4File:
    """Parse a GeoNames or CSV file (see the module docstring); never raises on bad rows."""
    result = Pc4File()
    sums: dict[int, _Sums] = {}
    for number, pc4, latitude, longitude, place in _rows(lines, result):
        result.rows += 1
        problem = _problem(pc4, latitude, longitude)
        if problem:
            result.errors.append(
                _("regel %(number)d: %(problem)s")
                % {
                    "number": number,
                    "problem": problem,
                }
            )
            continue
        match = PC4.match(pc4)
        assert match is not None  # noqa: S101 -- _problem checked it
        code = int(match.group(1))
        total = sums.setdefault(code, _Sums())
        total.latitude += float(latitude.replace(",", "."))
        total.longitude += float(longitude.replace(",", "."))
        total.count += 1
        total.place = total.place or place.strip()[:100]
    result.centres = {
        code: Centre(code, s.latitude / s.count, s.longitude / s.count, s.place)
        for code, s in sorted(sums.items())
    }
    return result


def _rows(lines: Iterable[str], result: Pc4File) -> Iterator[tuple[int, str, str, str, str]]:
    iterator = iter(lines)
    first = next(iterator, "")
    if not first.strip():
        return
    if "\t" in first:
        yield from _geonames_rows(first, iterator)
    else:
        yield from _csv_rows(first, iterator, result)


def _geonames_rows(first: str, rest: Iterator[str]) -> Iterator[tuple[int, str, str, str, str]]:
    for number, line in enumerate([first, *rest], start=1):
        if not line.strip():
            continue
        columns = line.rstrip("\r\n").split("\t")
        if len(columns) < 11:
            yield number, "", "", "", ""
            continue
        yield number, columns[1], columns[9], columns[10], columns[2]


def _csv_rows(
    first: str, rest: Iterator[str], result: Pc4File
) -> Iterator[tuple[int, str, str, str, str]]:
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter))]

    def column(names: tuple[str, ...]) -> int | None:
        return next((header.index(name) for name in names if name in header), None)

    postcode, latitude, longitude = (
        column(POSTCODE_COLUMNS),
        column(LATITUDE_COLUMNS),
        column(LONGITUDE_COLUMNS),
    )
    place = column(PLACE_COLUMNS)
    if postcode is None or latitude is None or longitude is None:
        result.errors.append(
            _(
                "De eerste regel noemt geen kolommen voor postcode, breedtegraad en lengtegraad "
                "(bijvoorbeeld: pc4;latitude;longitude). Is dit een GeoNames-bestand, dan moeten "
                "de kolommen met tabs gescheiden zijn."
            )
        )
        return
    for number, columns in enumerate(csv.reader(rest, delimiter=delimiter), start=2):
        if not any(value.strip() for value in columns):
            continue
        if len(columns) <= max(postcode, latitude, longitude):
            yield number, "", "", "", ""
            continue
        yield (
            number,
            columns[postcode],
            columns[latitude],
            columns[longitude],
            columns[place] if place is not None and place < len(columns) else "",
        )


def _problem(pc4: str, latitude: str, longitude: str) -> str:
    if not (pc4 or latitude or longitude):
        return _("te weinig kolommen")
    if not PC4.match(pc4):
        return _("'%(value)s' is geen postcode (vier cijfers, eventueel met twee letters)") % {
            "value": pc4[:20]
        }
    try:
        lat, lon = float(latitude.replace(",", ".")), float(longitude.replace(",", "."))
    except ValueError:
        return _("de coördinaten zijn geen getallen")
    if not (LATITUDES[0] <= lat <= LATITUDES[1] and LONGITUDES[0] <= lon <= LONGITUDES[1]):
        return _("de coördinaten (%(lat)s, %(lon)s) liggen niet in Nederland") % {
            "lat": latitude[:20],
            "lon": longitude[:20],
        }
    return ""


@dataclass
class Pc4Import:
    created: int
    updated: int
    offers_moved: int


@transaction.atomic
def postcode_areas_import(*, centres: Iterable[Centre]) -> Pc4Import:
    """Store the centres (new codes added, known ones updated) and move offers along with them."""
    centres = list(centres)
    known = set(
        PostcodeArea.objects.filter(pc4__in=[c.pc4 for c in centres]).values_list("pc4", flat=True)
    )
    PostcodeArea.objects.bulk_create(
        [
            PostcodeArea(pc4=c.pc4, latitude=c.latitude, longitude=c.longitude, place=c.place)
            for c in centres
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["pc4"],
        update_fields=["latitude", "longitude", "place"],
    )
    moved = offers_follow_centres()
    return Pc4Import(created=len(centres) - len(known), updated=len(known), offers_moved=moved)


def offers_follow_centres() -> int:
    """The offers' own copy of their centre (the search projection) follows the PC4 centres,
    in one statement; returns how many offers moved."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE offers_offer AS o
               SET latitude = a.latitude, longitude = a.longitude
              FROM organisations_postcodearea AS a
             WHERE a.pc4 = o.pc4
               AND (o.latitude, o.longitude) IS DISTINCT FROM (a.latitude, a.longitude)
            """
        )
        return cursor.rowcount


def read_text(data: bytes) -> io.StringIO:
    """Bytes of a file in UTF-8 (with or without BOM), else Latin-1, as text lines."""
    try:
        return io.StringIO(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return io.StringIO(data.decode("latin-1"))
