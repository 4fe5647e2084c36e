"""Code batches (喷码批次): generated ones are one row however many codes they hold; imported ones keep a
keyed hash per code. Export streams codes from the codec, never from the database."""
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import delete, select, update

from .. import csvtext, regions
from ..audit.service import record
from ..db import transaction
from ..errors import ApiError, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..pagination import paginate
from ..products.service import by_sku
from . import keys
from .codec import MAX_BATCH_ID, format_code
from .models import CodeBatch, ImportedCode, insert_ignoring

MAX_GENERATED = 100_000_000  # per batch; the codec allows 2**31 serials, the print shop never needs that


class BatchNotExportable(Conflict):
    code, message = "BATCH_NOT_EXPORTABLE", _l("Imported batches keep only hashes of their codes; "
                                               "export them from the printing line's own file.")


class NothingImported(ApiError):
    status, code, message = 422, "NOTHING_IMPORTED", _l("The file holds no new codes.")


UNKNOWN_REGION = _l("Unknown region code: a current province, city or county code (GB/T 2260).")


def known_sales_region(code):
    """A sales region is any current province, city or county: where a batch may be shipped."""
    return regions.is_current(code)


def _check(valid_from, valid_until, region_code, errors=None):
    """Every problem with the window and the sales region at once (422)."""
    errors = dict(errors or {})
    if valid_from and valid_until and valid_until <= valid_from:
        errors["valid_until"] = [_("Must be after valid_from.")]
    if region_code is not None and not known_sales_region(region_code):
        errors["region_code"] = [str(UNKNOWN_REGION)]
    if errors:
        raise ValidationFailed(errors)


def create_generated(*, sku, count, valid_from=None, valid_until=None, region_code=None, note=None,
                     created_by=None, opened=None) -> CodeBatch:
    """Open a generated batch of `count` codes: one row; the codes come from codec(batch id, serial).
    `region_code`: the province, city or county the packs are shipped to (regional earning rules follow it).
    `opened(batch_id)` runs in the same transaction (a task remembers its batch there)."""
    _check(valid_from, valid_until, region_code, None if 1 <= count <= MAX_GENERATED else
           {"count": [_("Must be between 1 and %(max)s.", max=MAX_GENERATED)]})
    with transaction():
        batch = CodeBatch(product_id=by_sku(sku).id, source="generated", count=count, valid_from=valid_from,
                          valid_until=valid_until, region_code=region_code, status="active", note=note,
                          created_by=created_by)
        db.session.add(batch)
        db.session.flush()
        if batch.id > MAX_BATCH_ID:  # the code has 18 bits for the batch; refuse rather than wrap around
            raise Conflict(_l("No batch ids left for generated codes."), code="BATCH_IDS_EXHAUSTED")
        record("batch.generate", target_type="code_batch", target_id=batch.id, note=f"{sku} × {count}")
        if opened:
            opened(batch.id)
    return batch


def get_batch(batch_id) -> CodeBatch:
    batch = db.session.get(CodeBatch, batch_id)
    if batch is None:
        raise NotFound()
    return batch


def void_batch(batch_id) -> CodeBatch:
    """Void a batch: its unscanned codes stop crediting (CODE_NOT_ACTIVE); past credits stand."""
    with transaction():
        batch = get_batch(batch_id)
        batch.status = "voided"
    return batch


def list_batches(page, per_page, product_id=None):
    statement = select(CodeBatch).order_by(CodeBatch.id.desc())
    if product_id:
        statement = statement.where(CodeBatch.product_id == product_id)
    return paginate(statement, page, per_page)


def generated_codes(batch, start=0, count=None, formatted=True):
    """The batch's codes in serial order (printed form by default)."""
    if batch.source != "generated":
        raise BatchNotExportable()
    count = batch.count - start if count is None else min(count, batch.count - start)
    return keys.codec().generate(batch.id, start, max(count, 0), formatted=formatted)


def csv_lines(batch):
    """CSV text in chunks of lines: header `code`, then one code per line."""
    codes = generated_codes(batch)  # raises before the first byte is sent

    def chunks(size=10_000):
        yield "code\n"
        buffer = []
        for code in codes:
            buffer.append(code)
            if len(buffer) == size:
                yield "\n".join(buffer) + "\n"
                buffer = []
        if buffer:
            yield "\n".join(buffer) + "\n"

    return chunks()


# --- imported batches ----------------------------------------------------------------

@dataclass
class ImportReport:
    batch: CodeBatch | None
    imported: int = 0
    duplicates: list = field(default_factory=list)  # [{"line", "message"}]
    errors: list = field(default_factory=list)


class ImportTooLarge(ApiError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


def import_limits() -> tuple[int, int]:
    """(most lines, most bytes) of a code import; the bytes are known before the body is read."""
    config = current_app.config
    return config["CODE_IMPORT_MAX_LINES"], config["CODE_IMPORT_MAX_LINES"] * config["CODE_IMPORT_LINE_BYTES"]


def count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def check_import_size(data: bytes) -> int:
    """The file's line count, or 413 before any parsing when it holds too many lines or bytes."""
    max_lines, max_bytes = import_limits()
    lines = count_lines(data)
    if len(data) > max_bytes or lines > max_lines:
        raise ImportTooLarge(_("The file is too large: at most %(lines)s lines.", lines=max_lines))
    return lines


def read_import(text) -> tuple[dict, ImportReport]:
    """Parse a printing line's CSV: {hash: line} of the new-looking codes, and the report of bad lines."""
    report, seen = ImportReport(None), {}
    for line_no, row in enumerate(csvtext.rows(text), start=1):
        raw = row[0].strip() if row else ""
        if not raw or (line_no == 1 and raw.lower() == "code"):
            continue
        try:
            compact = keys.clean_imported(raw)
        except keys.CodeFormatError:
            report.errors.append({"line": line_no, "message": _("Not a code: 6 to 64 letters and digits.")})
            continue
        if keys.generated_shape(compact):
            report.errors.append({"line": line_no, "message": _("This has the shape of our own generated codes; "
                                                                "such codes cannot be imported.")})
            continue
        digest = keys.imported_hash(compact)
        if digest in seen:
            report.duplicates.append({"line": line_no, "message": _("Repeats line %(line)s.", line=seen[digest])})
            continue
        seen[digest] = line_no
    if not seen:
        raise NothingImported(errors=report.errors, duplicates=report.duplicates)
    return seen, report


def import_batch(*, sku, text, valid_from=None, valid_until=None, region_code=None, note=None, created_by=None,
                 batch_id=None, opened=None, progress=None) -> ImportReport:
    """Import a printing line's CSV (first column the code; a header `code` is skipped).

    Codes are stored as keyed hashes, UNIQUE across every batch; lines that repeat a code of this file or
    of an earlier batch are reported as duplicates, unreadable ones as errors, each by line number.
    The batch row is opened first, then the codes go in one commit per CODE_IMPORT_CHUNK rows, so other
    writers wait a fraction of a second at most; `opened(batch_id)` runs in the opening transaction (a
    task remembers the batch there) and `progress(n)` after each chunk. Given `batch_id` (a retry), the
    import resumes into that batch: codes it already holds count as imported, not as duplicates.
    """
    _check(valid_from, valid_until, region_code)
    product = by_sku(sku)
    seen, report = read_import(text)
    batch = db.session.get(CodeBatch, batch_id) if batch_id else None
    if batch is None:
        with transaction():
            batch = CodeBatch(product_id=product.id, source="imported", count=0, valid_from=valid_from,
                              valid_until=valid_until, region_code=region_code, status="active", note=note,
                              created_by=created_by)
            db.session.add(batch)
            db.session.flush()
            if opened:
                opened(batch.id)
    batch_id, ours = batch.id, set()
    digests, size = list(seen), current_app.config["CODE_IMPORT_CHUNK"]
    for i in range(0, len(digests), size):
        with transaction():
            ours.update(_insert_chunk(batch_id, digests[i:i + size]))
            db.session.execute(update(CodeBatch).where(CodeBatch.id == batch_id).values(count=len(ours)))
        if progress:
            progress(min(size, len(digests) - i))
    report.duplicates += [{"line": seen[d], "message": _("Already imported in another batch.")}
                          for d in digests if d not in ours]
    report.duplicates.sort(key=_by_line)
    if not ours:
        with transaction():
            db.session.execute(delete(CodeBatch).where(CodeBatch.id == batch_id))
        raise NothingImported(errors=report.errors, duplicates=report.duplicates)
    with transaction():
        report.batch, report.imported = db.session.get(CodeBatch, batch_id, populate_existing=True), len(ours)
        record("batch.import", target_type="code_batch", target_id=batch_id,
               note=f"{sku}: {report.imported} codes, {len(report.duplicates)} duplicates, "
                    f"{len(report.errors)} errors")
    return report


def _insert_chunk(batch_id, digests):
    """The digests of `digests` this batch holds after inserting them (an earlier attempt's included)."""
    for i in range(0, len(digests), 5000):  # within SQLite's bound-parameter limit
        rows = [{"batch_id": batch_id, "code_hash": d} for d in digests[i:i + 5000]]
        db.session.execute(insert_ignoring(ImportedCode).values(rows).on_conflict_do_nothing(index_elements=["code_hash"]))
    return db.session.scalars(select(ImportedCode.code_hash).where(ImportedCode.batch_id == batch_id,
                                                                   ImportedCode.code_hash.in_(digests))).all()


def _by_line(item):
    return item["line"]


__all__ = ["create_generated", "import_batch", "void_batch", "get_batch", "list_batches", "generated_codes",
           "csv_lines", "format_code"]
