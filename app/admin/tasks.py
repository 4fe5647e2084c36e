"""Long operations in the console: start one, watch its progress, download its result.

Any list registered in app/admin/listing.py exports in the background through
`POST /admin/exports/<list>?<its filters and sort>`; a feature plugs in its own long operation (a code
batch, a retailer import) by registering a task kind in its own package (app/tasks/service.py) and
redirecting to `admin.tasks_detail` after `submit(...)`; the worker process runs it.
"""
from flask import abort, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from ..extensions import db
from ..tasks import service as tasks
from ..tasks.models import Task
from . import bp, export
from .actions import record_action
from .guard import managers_may_post, passive
from .labels import STATUS_LABELS, TASK_KIND_LABELS, options
from .pages import current_language
from .listing import SPECS, Column, ListSpec, export_rows, query_note, show_list


class ExportForm(FlaskForm):
    format = SelectField(_l("Format"), choices=options([("xlsx", "XLSX"), ("csv", "CSV")]))


@tasks.task_kind("list_export")
def export_list(ctx, list_name, args, fmt, locale="zh_CN"):
    """Write a console list (its filters and sort as given) to a file, reporting progress by row."""
    spec = SPECS[list_name]
    with force_locale(locale):
        total, rows = export_rows(spec, MultiDict(args))
        ctx.set_total(total)
        with ctx.result_file(export.filename(spec, fmt), "." + fmt) as out:
            export.write(fmt, spec, rows, out, ctx.advance)
    return {"rows": ctx._done}


@bp.post("/exports/<list_name>")
@managers_may_post
def exports_start(list_name):
    spec = SPECS.get(list_name)
    form = ExportForm()
    if spec is None or not form.validate_on_submit():
        abort(404 if spec is None else 400)
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page", "export")}
    task = tasks.submit("list_export", {"list_name": list_name, "args": args, "fmt": form.format.data,
                                        "locale": current_language()}, created_by=g.staff.id)
    record_action("export.start", target_type="task", target_id=task.id,
                  note=f"{list_name} {form.format.data} {query_note(spec, args)}"[:200])
    return redirect(url_for("admin.tasks_detail", task_id=task.id))


def _own(task_id):
    return tasks.get_task(task_id, owner_id=g.staff.id)


def progress(task: Task) -> dict:
    return {"id": task.id, "status": task.status, "status_label": str(STATUS_LABELS.get(task.status, task.status)),
            "done": task.done, "total": task.total, "percent": task.percent, "error": task.error,
            "summary": task.summary,
            "download_url": url_for("admin.tasks_download", task_id=task.id) if tasks.has_result(task) else None}


@bp.get("/tasks/<int:task_id>")
def tasks_detail(task_id):
    task = _own(task_id)
    return render_template("admin/tasks/detail.html", task=task, progress=progress(task),
                           kind_label=TASK_KIND_LABELS.get(task.kind, task.kind))


@bp.get("/tasks/<int:task_id>.json")
@passive
def tasks_progress(task_id):
    db.session.rollback()  # end any read snapshot (SQLite WAL): progress is committed by the worker
    task = _own(task_id)
    if tasks.is_stale(task):  # its process is gone: say so now rather than at the next scheduled sweep
        tasks.reap_stale()
        task = _own(task_id)
    return jsonify(progress(task))


@bp.get("/tasks/<int:task_id>/download")
def tasks_download(task_id):
    task = _own(task_id)
    source = tasks.open_result(task)
    if source is None:
        abort(404)
    record_action("export.download", target_type="task", target_id=task.id, note=task.result_name)
    return send_file(source, as_attachment=True, download_name=task.result_name)


# Not registered for background export: its query reads the signed-in admin.
TASKS = ListSpec(
    name="tasks", title=_l("My background tasks"), default_sort="-id",
    query=lambda _filters: select(Task).where(Task.created_by == g.staff.id),
    columns=[
        Column("id", _l("ID"), lambda t: t.id, sort=Task.id,
               link=lambda t: url_for("admin.tasks_detail", task_id=t.id)),
        Column("kind", _l("Kind"), lambda t: TASK_KIND_LABELS.get(t.kind, t.kind), sort=Task.kind),
        Column("status", _l("Status"), lambda t: STATUS_LABELS.get(t.status, t.status), sort=Task.status),
        Column("progress", _l("Progress"), lambda t: f"{t.done}/{t.total if t.total is not None else '?'}"),
        Column("created_at", _l("Started"), lambda t: t.created_at, sort=Task.created_at),
    ])


@bp.get("/tasks")
def tasks_list():
    return show_list(TASKS, "admin/tasks/list.html")
