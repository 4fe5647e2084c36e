"""Admin API for code batches (generate, import, void, export, QR proofs) and earning rules."""
from flask import Response, current_app, g, stream_with_context
from flask_babel import gettext as _

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import Conflict, ErrorSchema
from ..http import accepts
from ..pagination import page_schema
from ..tasks.routes import accepted
from ..tasks.schemas import TaskSchema
from . import batches, qr, rules, tasks
from .service import parse_code
from .schemas import (BatchCreateSchema, BatchImportSchema, BatchListQuery, BatchSchema,
                      BatchImportResultSchema, ProofsQuery, QrQuery, RuleBodySchema, RuleListQuery, RuleSchema,
                      RuleUpdateSchema)

blp = Blueprint("code_admin", __name__, description="Code batches and earning rules (admin)")



def import_max_bytes():
    return batches.import_limits()[1]


@blp.route("/admin/code-batches", methods=["POST"])
@blp.arguments(BatchCreateSchema)
@blp.response(201, BatchSchema)
@blp.alt_response(404, schema=ErrorSchema, description="PRODUCT_NOT_FOUND")
@roles("admin")
def create_batch(body):
    return batches.create_generated(created_by=g.caller.id, **body)


@blp.route("/admin/code-batches/import", methods=["POST"])
@blp.arguments(BatchImportSchema, location="multipart")
@blp.response(201, BatchImportResultSchema)
@blp.alt_response(202, schema=TaskSchema, description="A file of more than CODE_IMPORT_SYNC_LINES lines is "
                                                      "imported by the background worker: poll the task")
@blp.alt_response(413, schema=ErrorSchema, description="More than CODE_IMPORT_MAX_LINES lines (or their bytes); "
                                                       "refused before parsing")
@blp.alt_response(422, schema=ErrorSchema, description="NOTHING_IMPORTED (with `errors` and `duplicates`)")
@accepts("multipart/form-data", max_bytes=import_max_bytes)
@roles("admin")
def import_batch(form):
    data = form.pop("file").read(import_max_bytes() + 1)
    lines = batches.check_import_size(data)
    if tasks.runs_in_background(lines):
        return accepted(tasks.import_in_background(data, created_by=g.caller.id, **form))
    text = data.decode("utf-8-sig", errors="replace")
    return batches.import_batch(created_by=g.caller.id, text=text, **form)


@blp.route("/admin/code-batches", methods=["GET"])
@blp.arguments(BatchListQuery, location="query")
@blp.response(200, page_schema(BatchSchema))
@roles("staff")
def list_batches(query):
    return batches.list_batches(**query)


@blp.route("/admin/code-batches/<int:batch_id>", methods=["GET"])
@blp.response(200, BatchSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("staff")
def get_batch(batch_id):
    return batches.get_batch(batch_id)


@blp.route("/admin/code-batches/<int:batch_id>/void", methods=["POST"])
@blp.response(200, BatchSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def void_batch(batch_id):
    return batches.void_batch(batch_id)


@blp.route("/admin/code-batches/<int:batch_id>/codes.csv", methods=["GET"])
@blp.response(200, content_type="text/csv", description="Header `code`, then one printed code per line")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="BATCH_NOT_EXPORTABLE (imported batch); "
                                                       "EXPORT_TOO_LARGE (more than CODE_CSV_SYNC_MAX codes: "
                                                       "POST …/export instead)")
@roles("admin")
def export_codes(batch_id):
    batch = batches.get_batch(batch_id)
    lines = batches.csv_lines(batch)
    if batch.count > current_app.config["CODE_CSV_SYNC_MAX"]:
        raise Conflict(_("This batch holds %(n)s codes: export it in the background with "
                         "POST /api/v1/admin/code-batches/%(id)s/export and download the task's result.",
                         n=batch.count, id=batch.id), code="EXPORT_TOO_LARGE")
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"'})


@blp.route("/admin/code-batches/<int:batch_id>/export", methods=["POST"])
@blp.response(202, TaskSchema, description="The codes CSV is written by the background worker: poll the task "
                                           "(GET /api/v1/admin/tasks/{id}) and download its result")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="BATCH_NOT_EXPORTABLE (imported batch)")
@roles("admin")
def export_codes_in_background(batch_id):
    return tasks.export_in_background(batches.get_batch(batch_id), created_by=g.caller.id)


@blp.route("/admin/code-batches/<int:batch_id>/proofs.zip", methods=["GET"])
@blp.arguments(ProofsQuery, location="query")
@blp.response(200, content_type="application/zip", description="QR PNGs of the first `count` codes")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="BATCH_NOT_EXPORTABLE (imported batch)")
@roles("admin")
def proofs(query, batch_id):
    codes = batches.generated_codes(batches.get_batch(batch_id), count=query["count"])
    return Response(qr.proofs_zip(codes), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}-proofs.zip"'})


@blp.route("/admin/codes/qr.png", methods=["GET"])
@blp.arguments(QrQuery, location="query")
@blp.response(200, content_type="image/png", description="QR of the code (or of CODE_QR_URL carrying it)")
@blp.alt_response(422, schema=ErrorSchema, description="CODE_MALFORMED")
@blp.alt_response(404, schema=ErrorSchema, description="CODE_INVALID (a forged code of ours)")
@roles("admin")
def code_qr(query):
    compact = parse_code(query["code"]).compact
    return Response(qr.qr_png(qr.qr_content(compact)), mimetype="image/png")


# --- earning rules --------------------------------------------------------------------------

@blp.route("/admin/earning-rules", methods=["GET"])
@blp.arguments(RuleListQuery, location="query")
@blp.response(200, page_schema(RuleSchema))
@roles("staff")
def list_rules(query):
    return rules.list_rules(**query)


@blp.route("/admin/earning-rules", methods=["POST"])
@blp.arguments(RuleBodySchema)
@blp.response(201, RuleSchema)
@roles("admin")
def create_rule(body):
    return rules.create_rule(created_by=g.caller.id, **body)


@blp.route("/admin/earning-rules/<int:rule_id>", methods=["PATCH"])
@blp.arguments(RuleUpdateSchema(partial=True))
@blp.response(200, RuleSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def update_rule(changes, rule_id):
    return rules.update_rule(rule_id, changes)


@blp.route("/admin/earning-rules/<int:rule_id>/retire", methods=["POST"])
@blp.response(200, RuleSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def retire_rule(rule_id):
    return rules.retire_rule(rule_id)
