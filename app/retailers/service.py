"""Retailer use cases: create, find (near a point or by text) and the CSV import of a city's list."""
from decimal import Decimal

from flask_babel import gettext as _, lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from .. import csvtext
from ..db import transaction
from ..errors import ApiError, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..pagination import paginate
from .geo import bounding_box, haversine_m
from .models import Retailer
from .schemas import LABELS, RetailerInSchema

MAX_IMPORT_ROWS = 50_000
IMPORT_CHUNK = 5_000


class LicenceTaken(Conflict):
    code, message = "LICENCE_TAKEN", _l("A retailer with this licence number already exists.")


class ImportRejected(ApiError):
    status, code, message = 422, "IMPORT_REJECTED", _l("The file has bad rows; nothing was imported.")


def region_prefix(code: str) -> str:
    """The prefix every county code inside a region shares: '440000' → '44', '440100' → '4401', a county itself."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _to_row(data):
    """Loaded schema data → column values (coordinates as Decimal with 6 places)."""
    row = dict(data)
    for key in ("lat", "lon"):
        if row.get(key) is not None:
            row[key] = Decimal(f"{row[key]:.6f}")
    return row


def create_retailer(data) -> Retailer:
    with transaction():
        retailer = Retailer(**_to_row(data))
        db.session.add(retailer)
        try:
            db.session.flush()
        except IntegrityError:
            raise LicenceTaken() from None
    return retailer


def update_retailer(retailer_id, changes) -> Retailer:
    with transaction():
        retailer = get_retailer(retailer_id)
        merged = {"lat": retailer.lat, "lon": retailer.lon, **changes}
        if (merged["lat"] is None) != (merged["lon"] is None):
            raise ValidationFailed({"lat": [_("Give both lat and lon, or neither.")]})
        for name, value in _to_row(changes).items():
            setattr(retailer, name, value)
        try:
            db.session.flush()
        except IntegrityError:
            raise LicenceTaken() from None
    return retailer


def get_retailer(retailer_id) -> Retailer:
    retailer = db.session.get(Retailer, retailer_id)
    if retailer is None:
        raise NotFound(_l("No such retailer."))
    return retailer


def _search(statement, q):
    if not q:
        return statement
    return statement.where(or_(Retailer.name.icontains(q, autoescape=True),
                               Retailer.licence_no.icontains(q, autoescape=True),
                               Retailer.address.icontains(q, autoescape=True)))


def find_retailers(*, near=None, radius_m=5000, q=None, page=1, per_page=20, region_code=None, is_sample=None,
                   active_only=True):
    """A page of retailers; with `near` (lat, lon) only those within radius_m, nearest first, each with
    `distance_m`. A bounding box narrows the rows in SQL; exact distances are then computed here."""
    statement = _search(select(Retailer), q)
    if active_only:
        statement = statement.where(Retailer.status == "active")
    if region_code:
        statement = statement.where(Retailer.region_code.startswith(region_prefix(region_code)))
    if is_sample is not None:
        statement = statement.where(Retailer.is_sample == is_sample)
    if near is None:
        return paginate(statement.order_by(Retailer.id), page, per_page)
    lat, lon = near
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)
    candidates = db.session.scalars(statement.where(
        Retailer.lat.between(min_lat, max_lat), Retailer.lon.between(min_lon, max_lon))).all()
    found = []
    for retailer in candidates:
        distance = haversine_m(lat, lon, retailer.lat, retailer.lon)
        if distance <= radius_m:
            retailer.distance_m = round(distance)  # a plain attribute for the response, not a column
            found.append(retailer)
    found.sort(key=lambda r: (r.distance_m, r.id))
    start = (page - 1) * per_page
    return {"items": found[start:start + per_page], "page": page, "per_page": per_page, "total": len(found)}


def _decode(data: bytes) -> str:
    # Excel in China saves CSV as GB18030/GBK unless told otherwise; UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed({"file": [_("The file is neither UTF-8 nor GB18030 text.")]})


def _first_message(messages):
    from ..validation_messages import translate  # marshmallow's own English messages, in the caller's language

    name, msgs = next(iter(messages.items()))
    while isinstance(msgs, (dict, list)):
        msgs = next(iter(msgs.values())) if isinstance(msgs, dict) else msgs[0]
    return f"{name}: {translate(str(msgs))}"


def parse_import(data: bytes):
    """Validate every row of a retailer CSV. Returns (rows, errors) with errors as {"line", "message"};
    line 1 is the header."""
    reader = csvtext.records(_decode(data))
    header = [h.strip() for h in (reader.fieldnames or [])]
    # A bad header leaves no row to import, in either mode.
    missing = [name for name in ("licence_no", "name", "region_code") if name not in header]
    if missing:
        raise ImportRejected(errors=[{"line": 1, "message": _("Missing columns: %(names)s.",
                                                              names=", ".join(missing))}], imported=0)
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:  # DictReader would silently keep the last of the two columns
        raise ImportRejected(errors=[{"line": 1, "message": _("Columns named twice: %(names)s.",
                                                              names=", ".join(repeated))}], imported=0)
    reader.fieldnames = header
    schema, rows, errors, seen = RetailerInSchema(), [], [], {}
    for record in reader:
        line = reader.line_num
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            errors.append({"line": line, "message": _("Too many rows (at most %(n)d).", n=MAX_IMPORT_ROWS)})
            break
        if None in record:
            errors.append({"line": line, "message": _("More values than columns.")})
            continue
        raw = {k: v.strip() for k, v in record.items() if v is not None and v.strip() != ""}
        for column, labels in LABELS.items():
            if column in raw:
                raw[column] = labels.get(raw[column], raw[column])
        try:
            row = _to_row(schema.load(raw))
        except ValidationError as error:
            errors.append({"line": line, "message": _first_message(error.messages)})
            continue
        if row["licence_no"] in seen:
            errors.append({"line": line, "message": _("Licence number repeats line %(line)d.",
                                                      line=seen[row["licence_no"]])})
            continue
        seen[row["licence_no"]] = line
        rows.append((line, row))
    taken = _existing_licences([row["licence_no"] for _line, row in rows])
    for line, row in rows:
        if row["licence_no"] in taken:
            errors.append({"line": line, "message": _("A retailer with licence number %(no)s already exists.",
                                                      no=row["licence_no"])})
    errors.sort(key=lambda e: e["line"])
    return [row for _line, row in rows if row["licence_no"] not in taken], errors


def _existing_licences(numbers):
    taken = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        taken.update(db.session.scalars(select(Retailer.licence_no).where(Retailer.licence_no.in_(chunk))))
    return taken


def import_retailers(data: bytes, *, mode="all_or_nothing", progress=None):
    """Import a retailer CSV. Every bad row is reported by line; `all_or_nothing` imports nothing when any
    row is bad (ImportRejected with the errors), `good_rows` imports the good ones."""
    rows, errors = parse_import(data)
    if errors and mode == "all_or_nothing":
        raise ImportRejected(errors=errors, imported=0)
    # One commit per chunk: a large file never holds SQLite's write lock for long.
    for start in range(0, len(rows), IMPORT_CHUNK):
        with transaction():
            try:
                db.session.execute(insert(Retailer), rows[start:start + IMPORT_CHUNK])
            except IntegrityError:  # a concurrent import or create took a licence number meanwhile
                raise LicenceTaken(imported=start) from None
        if progress:
            progress(len(rows[start:start + IMPORT_CHUNK]))
    return {"imported": len(rows), "errors": errors}
