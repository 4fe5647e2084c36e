"""Retailer work for the background worker: the import of a large CSV, committed in chunks; its error
report (line, message) is the task's download."""
import csv
import io

from flask import current_app

from ..audit.service import record
from ..db import transaction
from ..errors import ApiError
from ..tasks import service as tasks
from . import service


@tasks.task_kind("retailer_import")
def import_task(ctx, upload, mode):
    data = tasks.read_upload(upload)
    ctx.set_total(max(data.count(b"\n") - 1, 1))
    try:
        result = service.import_retailers(data, mode=mode, progress=ctx.advance)
    except ApiError as error:
        result = {"imported": error.details.get("imported") or 0, "errors": error.details.get("errors") or [],
                  "rejected": True}
    if result["errors"]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "message"])
        writer.writerows((e["line"], e["message"]) for e in result["errors"])
        with ctx.result_file("retailer-import-errors.csv", ".csv") as target:
            target.write(out.getvalue().encode("utf-8-sig"))
    with transaction():
        record("retailer.import", target_type="task", target_id=ctx.task_id,
               note=f"{mode}: {result['imported']} imported, {len(result['errors'])} errors")
    return {"imported": result["imported"], "errors": len(result["errors"]), "rejected": bool(result.get("rejected"))}


def runs_in_background(data: bytes) -> bool:
    """Files larger than RETAILER_IMPORT_SYNC_MAX_BYTES go to the worker rather than holding the request."""
    return len(data) > current_app.config["RETAILER_IMPORT_SYNC_MAX_BYTES"]


def import_in_background(data: bytes, mode: str, *, created_by=None):
    """Queue the import; the queued Task."""
    with transaction():
        task = tasks.submit("retailer_import", {"upload": tasks.save_upload(data, ".csv"), "mode": mode},
                            created_by=created_by)
        record("retailer.import.start", target_type="task", target_id=task.id, note=mode)
    return task
