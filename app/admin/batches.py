"""Code batches (喷码批次) in the console: list, detail, generate (a background task that also writes the
codes CSV), import a printing line's CSV, void, download the codes and QR proofs (app/codes/batches.py)."""
from contextlib import contextmanager

from flask import Response, abort, flash, g, redirect, render_template, request, stream_with_context, \
    url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..audit import service as audit
from ..auth.models import StaffUser
from ..codes import batches as service, qr
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
CSV_PREWRITE_MAX = 2_000_000  # larger batches stream their CSV from the batch page instead
SHEET_MAX = 200  # QR images on one HTML proof sheet
IMPORT_MAX_BYTES = 48 * 1024 * 1024


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


@contextmanager
def _failing_with_its_message():
    """A business error (no batch ids left, product gone) fails the task with its message for the admin."""
    try:
        yield
    except ApiError as error:
        raise tasks.TaskFailed(str(error.message)) from error


@tasks.task_kind("code_batch")
def generate_batch(ctx, sku, count, valid_from=None, valid_until=None, note=None, created_by=None):
    """Open the batch (one row), then write its codes CSV as the task's result, reporting progress."""
    from datetime import datetime

    def when(value):
        return datetime.fromisoformat(value) if value else None

    with transaction(), _failing_with_its_message():
        batch = service.create_generated(sku=sku, count=count, valid_from=when(valid_from),
                                         valid_until=when(valid_until), note=note, created_by=created_by)
        audit.record("batch.generate", actor=db.session.get(StaffUser, created_by) if created_by else None,
                     target_type="code_batch", target_id=batch.id, note=f"{sku} × {count} (task {ctx.task_id})")
    if count > CSV_PREWRITE_MAX:
        ctx.set_total(1)
        ctx.advance(1)
        return {"batch_id": batch.id, "codes": count}
    ctx.set_total(count)
    path = ctx.file_path(".csv")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("code\n")
        buffer = []
        for code in service.generated_codes(batch):
            buffer.append(code)
            if len(buffer) == 5000:
                out.write("\n".join(buffer) + "\n")
                ctx.advance(len(buffer))
                buffer = []
        if buffer:
            out.write("\n".join(buffer) + "\n")
            ctx.advance(len(buffer))
    ctx.attach(path, f"batch-{batch.id}.csv")
    return {"batch_id": batch.id, "codes": count}


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
@accepts("multipart/form-data", max_bytes=IMPORT_MAX_BYTES)
def code_batches_import():
    form = ImportForm()
    report = problems = None
    if form.validate_on_submit():
        text = form.file.data.read(IMPORT_MAX_BYTES + 1).decode("utf-8-sig", errors="replace")
        values = form.common()
        try:
            with transaction():
                report = service.import_batch(created_by=g.staff.id, text=text, **values)
                record_action("batch.import", target_type="code_batch", target_id=report.batch.id,
                              note=f"{form.file.data.filename} {report.imported} codes"[:200])
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
                           sheet_max=SHEET_MAX, proofs_max=qr.MAX_PROOFS)


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
    with transaction():
        record_action("batch.download", target_type="code_batch", target_id=batch_id, note=f"{batch.count} codes")
    return Response(stream_with_context(service.csv_lines(batch)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"'})


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
