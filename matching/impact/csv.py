"""One dashboard table as a CSV: UTF-8 with a byte order mark and `;`, as a Dutch Excel reads it.

Every cell goes through `csv_cell`, so a region or event name can never run as a formula.
"""

import csv

from django.http import HttpResponse
from django.utils.formats import number_format

from techportal.exports import csv_cell

from .figures import Period, Table


def _cell(value: object, decimals: int) -> str:
    if isinstance(value, float):
        return number_format(value, decimals)  # 12,5 in Dutch
    return csv_cell(value)


def table_csv(table: Table, period: Period) -> HttpResponse:
    filename = f"impact-{table.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(str(column.label)) for column in table.columns])
    rows = [*table.rows, table.total] if table.total else table.rows
    for row in rows:
        writer.writerow(
            [
                _cell(str(value) if not column.numeric else value, column.decimals)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return response
