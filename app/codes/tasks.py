"""Code-batch work for the background worker: generating a batch with its codes CSV, importing a large
printing-line file in chunks, exporting a large batch's CSV. Each result lands in the shared storage."""
import csv
import io
from contextlib import contextmanager
from datetime import datetime

from flask import current_app

from ..audit.service import record
from ..db import transaction
from ..errors import ApiError
from ..tasks import service as tasks
from ..tasks.service import TaskFailed, task_kind
from . import batches

CSV_PREWRITE_MAX = 2_000_000  # a generation task writes the CSV of batches up to this size; larger ones export


@contextmanager
def _failing_with_its_message():
    """A business error (no batch ids left, product gone) fails the task with its message for the admin."""
    try:
        yield
    except ApiError as error:
        raise TaskFailed(str(error.message)) from error


def _when(value):
    return datetime.fromisoformat(value) if value else None


def _write_codes(ctx, batch):
    """The batch's codes CSV as the task's result, reporting progress per chunk of lines."""
    ctx.set_total(batch.count)
    with ctx.result_file(f"batch-{batch.id}.csv", ".csv", "w", encoding="ascii", newline="") as out:
        for chunk in batches.csv_lines(batch):
            out.write(chunk)
            ctx.advance(chunk.count("\n") - (1 if chunk == "code\n" else 0))


@task_kind("code_batch")
def generate_batch(ctx, sku, count, valid_from=None, valid_until=None, note=None, created_by=None,
                   batch_id=None):
    """Open the batch (one row; a retry reuses the one it opened), then write its codes CSV."""
    with _failing_with_its_message():
        batch = batches.get_batch(batch_id) if batch_id else batches.create_generated(
            sku=sku, count=count, valid_from=_when(valid_from), valid_until=_when(valid_until), note=note,
            created_by=created_by, opened=lambda new_id: ctx.remember(batch_id=new_id))
    if count > CSV_PREWRITE_MAX:
        ctx.set_total(1)
        ctx.advance(1)
        return {"batch_id": batch.id, "codes": count}
    _write_codes(ctx, batch)
    return {"batch_id": batch.id, "codes": count}


@task_kind("code_export")
def export_codes(ctx, batch_id):
    with _failing_with_its_message():
        batch = batches.get_batch(batch_id)
        _write_codes(ctx, batch)
    return {"batch_id": batch.id, "codes": batch.count}


@task_kind("code_import")
def import_codes(ctx, upload, sku, valid_from=None, valid_until=None, note=None, created_by=None, batch_id=None):
    """Import a large file in chunks; the report of its bad and repeated lines is the task's download."""
    data = tasks.read_upload(upload)
    ctx.set_total(batches.count_lines(data))
    text = data.decode("utf-8-sig", errors="replace")
    with _failing_with_its_message():
        report = batches.import_batch(sku=sku, text=text, valid_from=_when(valid_from),
                                      valid_until=_when(valid_until), note=note, created_by=created_by,
                                      batch_id=batch_id, opened=lambda new_id: ctx.remember(batch_id=new_id),
                                      progress=ctx.advance)
    problems = sorted(report.errors + report.duplicates, key=lambda item: item["line"])
    if problems:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "message"])
        writer.writerows((item["line"], item["message"]) for item in problems)
        with ctx.result_file(f"batch-{report.batch.id}-import-report.csv", ".csv") as target:
            target.write(out.getvalue().encode("utf-8-sig"))
    return {"batch_id": report.batch.id, "imported": report.imported, "duplicates": len(report.duplicates),
            "errors": len(report.errors)}


def import_in_background(data: bytes, *, sku, valid_from=None, valid_until=None, note=None, created_by=None):
    """Queue the import of a file too large to import during the request; the queued Task."""
    params = {"upload": tasks.save_upload(data, ".csv"), "sku": sku, "note": note, "created_by": created_by,
              "valid_from": valid_from.isoformat() if valid_from else None,
              "valid_until": valid_until.isoformat() if valid_until else None}
    with transaction():
        task = tasks.submit("code_import", params, created_by=created_by)
        record("batch.import.start", target_type="task", target_id=task.id, note=sku)
    return task


def runs_in_background(lines: int) -> bool:
    return lines > current_app.config["CODE_IMPORT_SYNC_LINES"]


def export_in_background(batch, *, created_by=None):
    """Queue the codes CSV of a batch too large to stream during the request."""
    batches.generated_codes(batch, count=0)  # an imported batch is refused here, not in the worker
    with transaction():
        task = tasks.submit("code_export", {"batch_id": batch.id}, created_by=created_by)
        record("batch.export.start", target_type="code_batch", target_id=batch.id, note=f"task {task.id}")
    return task
