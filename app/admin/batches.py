"""Code batches (喷码批次) in the console: list, detail, generate (a background task that also writes the
codes CSV), import a printing line's CSV, void, download the codes and QR proofs (app/codes/batches.py)."""
from flask import Response, abort, current_app, flash, g, redirect, render_template, request, \
    stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..codes import batches as service, qr, tasks as code_tasks
from ..codes.models import CodeBatch
from ..db import transaction
from ..errors import ApiError
from ..extensions import db
from ..http import accepts
from ..products.models import Product
from ..tasks import service as tasks
from . import bp
from .actions import flash_error, perform, record_action
from .formfields import LocalDateTimeField, ProductField, product_choices
from .labels import STATUS_LABELS, options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

AUDIT_FIELDS = ("status", "count", "note")
SOURCE_LABELS = {"generated": _l("Generated"), "imported": _l("Imported")}
BATCH_STATUS = (("", _l("Any status")), ("active", _l("Active")), ("voided", _l("Voided")))
SHEET_MAX = 200  # QR images on one HTML proof sheet


class BatchFilter(FilterForm):
    product_id = ProductField(_l("Product"))
    source = SelectField(_l("Source"), choices=options([("", _l("Any source"))] + list(SOURCE_LABELS.items())),
                         validators=[Optional()])
    status = SelectField(_l("Status"), choices=options(BATCH_STATUS), validators=[Optional()])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.product_id.choices = product_choices(blank_label=_l("Any product"))


def batch_query(filters):
    return where_equal(select(CodeBatch), filters, {"product_id": CodeBatch.product_id, "source": CodeBatch.source,
                                                    "status": CodeBatch.status})


BATCHES = register(ListSpec(
    name="code_batches", title=_l("Code batches"), filter_form=BatchFilter, query=batch_query, default_sort="-id",
    tiebreak=CodeBatch.id,
    columns=[
        Column("id", _l("ID"), lambda b: b.id, sort=CodeBatch.id,
               link=lambda b: url_for("admin.code_batches_detail", batch_id=b.id)),
        Column("product", _l("Product"), lambda b: f"{b.product.sku} {b.product.name}"),
        Column("source", _l("Source"), lambda b: SOURCE_LABELS.get(b.source, b.source), sort=CodeBatch.source),
        Column("count", _l("Codes"), lambda b: b.count, sort=CodeBatch.count),
        Column("valid_from", _l("Valid from"), lambda b: b.valid_from, sort=CodeBatch.valid_from),
        Column("valid_until", _l("Valid until"), lambda b: b.valid_until, sort=CodeBatch.valid_until),
        Column("status", _l("Status"), lambda b: STATUS_LABELS.get(b.status, b.status), sort=CodeBatch.status),
        Column("note", _l("Note"), lambda b: b.note),
        Column("created_at", _l("Created"), lambda b: b.created_at, sort=CodeBatch.created_at),
    ]))


class _BatchFields(FlaskForm):
    product_id = ProductField(_l("Product"), validators=[DataRequired()])
    valid_from = LocalDateTimeField(_l("Valid from (Shanghai time)"), validators=[Optional()])
    valid_until = LocalDateTimeField(_l("Valid until (Shanghai time)"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.product_id.choices = product_choices(blank_label="—", active_only=True)

    def common(self):
        product = db.session.get(Product, self.product_id.data)
        return {"sku": product.sku if product else "", "valid_from": self.valid_from.utc,
                "valid_until": self.valid_until.utc, "note": (self.note.data or "").strip() or None}


class GenerateForm(_BatchFields):
    count = IntegerField(_l("Number of codes"), validators=[DataRequired(),
                                                           NumberRange(min=1, max=service.MAX_GENERATED)])


class ImportForm(_BatchFields):
    file = FileField(_l("Printing line CSV (first column the code)"), validators=[FileRequired()])


@bp.get("/code-batches")
def code_batches():
    return show_list(BATCHES, "admin/batches/list.html")


@bp.route("/code-batches/new", methods=["GET", "POST"])
def code_batches_new():
    form = GenerateForm()
    if form.validate_on_submit():
        values = form.common()
        if not values["sku"]:
            form.product_id.errors = list(form.product_id.errors) + [_l("Unknown product.")]
        elif values["valid_from"] and values["valid_until"] and values["valid_until"] <= values["valid_from"]:
            form.valid_until.errors = list(form.valid_until.errors) + [_l("Must be after the start.")]
        else:
            params = {"sku": values["sku"], "count": form.count.data, "note": values["note"], "created_by": g.staff.id,
                      "valid_from": values["valid_from"].isoformat() if values["valid_from"] else None,
                      "valid_until": values["valid_until"].isoformat() if values["valid_until"] else None}
            task = tasks.submit("code_batch", params, created_by=g.staff.id)
            record_action("batch.generate.start", target_type="task", target_id=task.id,
                          note=f"{values['sku']} × {form.count.data}")
            return redirect(url_for("admin.tasks_detail", task_id=task.id))
    return render_template("admin/batches/new.html", form=form)


@bp.route("/code-batches/import", methods=["GET", "POST"])
@accepts("multipart/form-data", max_bytes=lambda: service.import_limits()[1])
def code_batches_import():
    form = ImportForm()
    report = problems = None
    if form.validate_on_submit():
        values = form.common()
        try:
            data = form.file.data.read(service.import_limits()[1] + 1)
            if code_tasks.runs_in_background(service.check_import_size(data)):
                task = code_tasks.import_in_background(data, created_by=g.staff.id, **values)
                return redirect(url_for("admin.tasks_detail", task_id=task.id))
            report = service.import_batch(created_by=g.staff.id, text=data.decode("utf-8-sig", errors="replace"),
                                          **values)
        except ApiError as error:
            flash_error(error)
            problems = {"errors": error.details.get("errors", []), "duplicates": error.details.get("duplicates", [])}
        else:
            flash(_l("Batch %(id)s imported: %(n)s codes.", id=report.batch.id, n=report.imported), "success")
            problems = {"errors": report.errors, "duplicates": report.duplicates}
    return render_template("admin/batches/import.html", form=form, report=report, problems=problems)


@bp.get("/code-batches/<int:batch_id>")
def code_batches_detail(batch_id):
    batch = service.get_batch(batch_id)
    return render_template("admin/batches/detail.html", batch=batch, source_label=SOURCE_LABELS.get(batch.source),
                           sheet_max=SHEET_MAX, proofs_max=qr.MAX_PROOFS,
                           csv_sync_max=current_app.config["CODE_CSV_SYNC_MAX"])


@bp.post("/code-batches/<int:batch_id>/void")
def code_batches_void(batch_id):
    return perform("batch.void", target=("code_batch", batch_id), load=lambda: service.get_batch(batch_id),
                   fields=AUDIT_FIELDS, call=lambda: service.void_batch(batch_id),
                   done=_l("Batch voided: its unscanned codes no longer earn points."),
                   back=url_for("admin.code_batches_detail", batch_id=batch_id))


def _generated_or_back(batch_id):
    batch = service.get_batch(batch_id)
    if batch.source != "generated":
        flash(str(service.BatchNotExportable.message), "error")
        return batch, redirect(url_for("admin.code_batches_detail", batch_id=batch_id))
    return batch, None


@bp.get("/code-batches/<int:batch_id>/codes.csv")
def code_batches_csv(batch_id):
    batch, refused = _generated_or_back(batch_id)
    if refused:
        return refused
    if g.staff.role != "admin":  # printable codes are worth points: managers look but do not take
        abort(403)
    if batch.count > current_app.config["CODE_CSV_SYNC_MAX"]:
        flash(_l("This batch is too large to download at once: export it in the background."), "warning")
        return redirect(url_for("admin.code_batches_detail", batch_id=batch_id))
    with transaction():
        record_action("batch.download", target_type="code_batch", target_id=batch_id, note=f"{batch.count} codes")
    return Response(stream_with_context(service.csv_lines(batch)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"'})


@bp.post("/code-batches/<int:batch_id>/export")
def code_batches_export(batch_id):
    batch, refused = _generated_or_back(batch_id)
    if refused:
        return refused
    if g.staff.role != "admin":
        abort(403)
    task = code_tasks.export_in_background(batch, created_by=g.staff.id)
    return redirect(url_for("admin.tasks_detail", task_id=task.id))


def _proof_count(maximum):
    try:
        return min(max(int(request.args.get("count", 20)), 1), maximum)
    except ValueError:
        return 20


@bp.get("/code-batches/<int:batch_id>/proofs.zip")
def code_batches_proofs(batch_id):
    batch, refused = _generated_or_back(batch_id)
    if refused:
        return refused
    if g.staff.role != "admin":
        abort(403)
    count = _proof_count(qr.MAX_PROOFS)
    with transaction():
        record_action("batch.proofs", target_type="code_batch", target_id=batch_id, note=f"zip {count}")
    data = qr.proofs_zip(service.generated_codes(batch, count=count))
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}-proofs.zip"'})


@bp.get("/code-batches/<int:batch_id>/sheet")
def code_batches_sheet(batch_id):
    batch, refused = _generated_or_back(batch_id)
    if refused:
        return refused
    if g.staff.role != "admin":
        abort(403)
    count = _proof_count(SHEET_MAX)
    with transaction():
        record_action("batch.proofs", target_type="code_batch", target_id=batch_id, note=f"sheet {count}")
    codes = list(service.generated_codes(batch, count=count))
    return render_template("admin/batches/sheet.html", batch=batch, codes=codes)


@bp.get("/code-batches/<int:batch_id>/qr/<int:serial>.png")
def code_batches_qr(batch_id, serial):
    batch, refused = _generated_or_back(batch_id)
    if refused or g.staff.role != "admin" or serial >= min(batch.count, SHEET_MAX):
        abort(404)
    compact = next(iter(service.generated_codes(batch, start=serial, count=1, formatted=False)))
    return Response(qr.qr_png(qr.qr_content(compact), box_size=4), mimetype="image/png")
