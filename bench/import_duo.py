"""Benchmark, not a test: import a synthetic DUO file of N school locations three times.

    make bench-import-duo            (N=10000; the changes are rolled back afterwards)

Prints wall time and query count for a first import (all new), a re-import (nothing changes)
and an import in which every row changed.
"""

import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techportal.settings.base")
os.environ.setdefault("DEBUG", "1")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from organisations.duo import import_school_locations  # noqa: E402

HEADER = "INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;HUISNUMMER-TOEVOEGING;"
HEADER += "POSTCODE;PLAATSNAAM;PROVINCIE;ONDERWIJSSTRUCTUUR"
LETTERS = "ABCDEFGHJKLMNPRTUVWXYZ"


def synthetic_file(rows: int, suffix: str = "") -> bytes:
    lines = [HEADER]
    for n in range(rows):
        brin = f"{10 + n // 2000 % 90:02d}{LETTERS[n // 100 % 22]}{LETTERS[n // 10 % 22]}"
        code = f"{brin}{n % 10:02d}"
        postcode = f"{1000 + n % 8999}{LETTERS[n % 22]}{LETTERS[n // 22 % 22]}"
        lines.append(
            f"{brin};{code};Bench College {n}{suffix};Schoolweg;{n % 200 + 1};{postcode};"
            f"PLAATS {n % 300};Utrecht;VMBO-B/K/G/T/HAVO/VWO"
        )
    return "\n".join(lines).encode("latin-1")


def measure(label: str, data: bytes) -> None:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = import_school_locations(data)
        seconds = time.perf_counter() - started
    print(
        f"{label:<22} {seconds:6.2f} s  {len(queries):4d} queries  "
        f"created={report.created} updated={report.updated} unchanged={report.unchanged} "
        f"rejected={len(report.rejected)}"
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    first, changed = synthetic_file(rows), synthetic_file(rows, suffix=" (nieuw)")
    print(f"import_duo benchmark, {rows} rows")
    with transaction.atomic():
        measure("first import", first)
        measure("re-import, unchanged", first)
        measure("every row changed", changed)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
