"""Writing a list's rows to CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX (openpyxl, streaming)."""
import csv
import io

from flask import Response
from openpyxl import Workbook
from sqlalchemy import func, select

from ..extensions import db
from ..spreadsheet import cell
from ..timeutil import local_today

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def header(spec):
    return [str(c.label) for c in spec.columns]


def row_of(spec, item):
    return [cell(c.value(item)) for c in spec.columns]


def fetch(statement, limit):
    return db.session.scalars(statement.limit(limit)).unique().all()


def count(statement):
    return db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))


def write(fmt, spec, items, out, advance=lambda n: None):
    """Write header and rows to a binary file object; `advance(n)` reports progress."""
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header(spec))
        for item in items:
            writer.writerow(row_of(spec, item))
            advance(1)
        text.flush()
        text.detach()
        return
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(spec.title)[:31])
    sheet.append(header(spec))
    for item in items:
        sheet.append(row_of(spec, item))
        advance(1)
    book.save(out)


def filename(spec, fmt):
    return f"{spec.name}-{local_today().isoformat()}.{fmt}"


def response(spec, items, fmt):
    out = io.BytesIO()
    write(fmt, spec, items, out)
    name = filename(spec, fmt)
    return Response(out.getvalue(), mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
