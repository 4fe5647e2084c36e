"""Observation import (POST /admin/observations/import): a CSV from the other collection channels
(smart terminals, phone, SMS). Good lines are imported in one transaction, bad lines reported by number."""
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from .. import csvtext
from ..db import transaction
from ..errors import ApiError
from ..extensions import db
from ..products.models import Product
from ..retailers.models import Retailer
from ..schema_fields import MIN_DATE
from ..timeutil import LOCAL_TZ, local_today
from .models import CHANNELS
from .service import record_observation

HEADER = ("date", "licence_no", "sku", "stock_packs", "ordered_packs", "demand_packs", "out_of_stock",
          "pack_price", "carton_price", "channel")
MAX_LINES = 200_000
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}
_DIGITS = re.compile(r"[0-9]+")


class BadImportFile(ApiError):
    status, code, message = 422, "BAD_FILE", _l("The file is not a CSV with the expected header.")


class LineError(ValueError):
    pass


def import_observations(data: bytes, now=None) -> dict:
    """Import every good line; returns {"imported": n, "errors": [{"line", "message"}]}.

    Line 1 is the header. An imported observation's time is the start of its date in Asia/Shanghai, so a
    later date (or, on one date, the later line) is the one that counts in its week."""
    rows = _read_rows(data)
    today = local_today(now)
    retailers = _lookup(Retailer, Retailer.licence_no, {r.get("licence_no", "").strip() for _, r in rows})
    products = _lookup(Product, Product.sku, {r.get("sku", "").strip() for _, r in rows})
    errors, imported = [], 0
    with transaction():
        for line, row in rows:
            try:
                values = _parse(row, retailers, products, today)
            except LineError as error:
                errors.append({"line": line, "message": str(error)})
                continue
            record_observation(**values)
            imported += 1
    return {"imported": imported, "errors": errors}


def _read_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadImportFile(_l("The file is not UTF-8 text.")) from None
    reader = csvtext.rows(text)
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        raise BadImportFile(_l("The first line must be the header: %(header)s", header=",".join(HEADER)))
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue  # blank lines are not data
        if len(rows) >= MAX_LINES:
            raise BadImportFile(_l("At most %(n)d lines per file.", n=MAX_LINES))
        row = dict(zip(HEADER, values)) if len(values) == len(HEADER) else {"_width": len(values)}
        rows.append((reader.line_num, row))
    return rows


def _lookup(model, column, keys):
    keys = [k for k in keys if k]
    found = {}
    for start in range(0, len(keys), 1000):  # IN lists of a bounded size
        chunk = keys[start:start + 1000]
        found.update({getattr(m, column.key): m.id for m in db.session.scalars(select(model).where(column.in_(chunk)))})
    return found


def _parse(row, retailers, products, today):
    if "_width" in row:
        raise LineError(_("Expected %(n)d fields, found %(found)d.", n=len(HEADER), found=row["_width"]))
    observed_on = _date(row["date"], today)
    licence_no, sku = row["licence_no"].strip(), row["sku"].strip()
    if licence_no not in retailers:
        raise LineError(_("Unknown retailer licence number %(value)s.", value=licence_no or "''"))
    if sku not in products:
        raise LineError(_("Unknown spec %(value)s.", value=sku or "''"))
    channel = row["channel"].strip().lower()
    if channel not in CHANNELS:
        raise LineError(_("channel must be one of: %(choices)s.", choices=", ".join(CHANNELS)))
    ordered = _count(row, "ordered_packs")
    return {
        "retailer_id": retailers[licence_no], "product_id": products[sku], "observed_on": observed_on,
        "observed_at": datetime.combine(observed_on, time(), tzinfo=LOCAL_TZ),
        "stock_packs": _count(row, "stock_packs"), "ordered_packs": ordered,
        "demand_packs": _count(row, "demand_packs") if row["demand_packs"].strip() else ordered,
        "out_of_stock": _flag(row["out_of_stock"]), "pack_price": _money(row, "pack_price"),
        "carton_price": _money(row, "carton_price"), "channel": channel,
    }


def _date(value, today):
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise LineError(_("date must be a date like 2026-11-20.")) from None
    if day > today:
        raise LineError(_("date is in the future."))
    if day < MIN_DATE:
        raise LineError(_("date must not be before %(first)s.", first=MIN_DATE.isoformat()))
    return day


def _count(row, name):
    value = row[name].strip()
    if not _DIGITS.fullmatch(value) or len(value) > 9:  # str.isdigit() takes "²", which int() refuses
        raise LineError(_("%(name)s must be a whole number of packs, 0 or more.", name=name))
    return int(value)


def _flag(value):
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise LineError(_("out_of_stock must be true or false."))


def _money(row, name):
    value = row[name].strip()
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("100000000") \
            or amount != amount.quantize(Decimal("0.01")):
        raise LineError(_("%(name)s must be an amount in yuan like 45.00.", name=name))
    return amount.quantize(Decimal("0.01"))
