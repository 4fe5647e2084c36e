"""Every statistic as CSV or XLSX: `?format=csv|xlsx` on the stats endpoints.

Cells go through the console export's `cell` (app/admin/export.py), so both downloads write values the same
way: text that starts like a formula (= + - @, tab, CR: a product or gift name like "=HYPERLINK(...)") is
prefixed with ' so spreadsheets show it instead of running it, times are Asia/Shanghai without an offset
(XLSX has none), numbers stay numbers."""
import csv
import io

from flask import Response
from openpyxl import Workbook

from ..spreadsheet import cell

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def flatten(items: list[dict]) -> tuple[list[str], list[list]]:
    """Columns and rows of a list of flat-ish dicts (nested dicts become `a.b` columns)."""
    rows = [_flat(item) for item in items]
    columns = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    return columns, [[row.get(c) for c in columns] for row in rows]


def _flat(item, prefix=""):
    out = {}
    for key, value in item.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def export(items: list[dict], name: str, fmt: str) -> Response:
    """A download of `items` as `<name>.csv` or `<name>.xlsx`."""
    columns, rows = flatten(items)
    rows = [[None if v is None else cell(v) for v in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        body = "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 Chinese text correctly
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        stream = io.BytesIO()
        book.save(stream)
        body = stream.getvalue()
    response = Response(body, mimetype=MEDIA_TYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
