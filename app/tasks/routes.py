"""Admin API for background tasks: a long import or export answers 202 with a task; poll it here and
download its result (from the shared storage, whichever host answers)."""
from flask import g, jsonify, send_file

from ..api import Blueprint
from ..audit.service import record
from ..db import transaction
from ..auth.decorators import roles
from ..errors import ErrorSchema, NotFound
from ..extensions import db
from . import service
from .schemas import TaskSchema

blp = Blueprint("tasks", __name__, description="Background tasks (admin)")


def accepted(task):
    """The 202 answer of an endpoint that queued `task`."""
    return jsonify(TaskSchema().dump(task)), 202


@blp.route("/admin/tasks/<int:task_id>", methods=["GET"])
@blp.response(200, TaskSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such task, or another admin's")
@roles("admin")
def get_task(task_id):
    db.session.rollback()  # end any read snapshot (SQLite WAL): progress is committed by the worker
    task = service.get_task(task_id, owner_id=g.caller.id)
    if service.is_stale(task):  # its worker is gone: queue it again now rather than at the next sweep
        service.reap_stale()
        task = service.get_task(task_id, owner_id=g.caller.id)
    return task


@blp.route("/admin/tasks/<int:task_id>/result", methods=["GET"])
@blp.response(200, content_type="application/octet-stream", description="The task's result file")
@blp.alt_response(404, schema=ErrorSchema, description="Not done, no file, or purged")
@roles("admin")
def download_result(task_id):
    task = service.get_task(task_id, owner_id=g.caller.id)
    source = service.open_result(task)
    if source is None:
        raise NotFound()
    with transaction():  # results are exports: personal data, printable codes
        record("task.download", target_type="task", target_id=task.id, note=task.result_name)
    return send_file(source, as_attachment=True, download_name=task.result_name or f"task-{task.id}")
