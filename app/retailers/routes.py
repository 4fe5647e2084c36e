"""Retailer endpoints: admin create, list and CSV import; the staff list near a point or by search."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..schema_fields import ImportResultSchema
from ..errors import ErrorSchema
from ..http import accepts
from ..pagination import page_schema
from ..tasks.routes import accepted
from ..tasks.schemas import TaskSchema
from . import service, tasks
from .schemas import (AdminRetailerQuery, AdminRetailerSchema, ImportSchema,
                      RetailerInSchema, RetailerPatchSchema, RetailerSchema,
                      StaffRetailerQuery)

blp = Blueprint("retailers", __name__, description="Retailers (零售客户)")

IMPORT_MAX_BYTES = 20 * 1024 * 1024


@blp.route("/staff/retailers", methods=["GET"])
@blp.arguments(StaffRetailerQuery, location="query")
@blp.response(200, page_schema(RetailerSchema))
@roles("staff")
def staff_list_retailers(query):
    return service.find_retailers(**query)


@blp.route("/admin/retailers", methods=["GET"])
@blp.arguments(AdminRetailerQuery, location="query")
@blp.response(200, page_schema(AdminRetailerSchema))
@roles("admin")
def admin_list_retailers(query):
    return service.find_retailers(active_only=False, **query)


@blp.route("/admin/retailers", methods=["POST"])
@blp.arguments(RetailerInSchema)
@blp.response(201, AdminRetailerSchema)
@blp.alt_response(409, schema=ErrorSchema, description="LICENCE_TAKEN")
@roles("admin")
def admin_create_retailer(body):
    return service.create_retailer(body)


@blp.route("/admin/retailers/<int:retailer_id>", methods=["GET"])
@blp.response(200, AdminRetailerSchema)
@roles("admin")
def admin_get_retailer(retailer_id):
    return service.get_retailer(retailer_id)


@blp.route("/admin/retailers/<int:retailer_id>", methods=["PATCH"])
@blp.arguments(RetailerPatchSchema)
@blp.response(200, AdminRetailerSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="LICENCE_TAKEN")
@roles("admin")
def admin_update_retailer(changes, retailer_id):
    return service.update_retailer(retailer_id, changes)


@blp.route("/admin/retailers/import", methods=["POST"])
@blp.arguments(ImportSchema, location="multipart")
@blp.response(201, ImportResultSchema)
@blp.alt_response(202, schema=TaskSchema, description="A file larger than RETAILER_IMPORT_SYNC_MAX_BYTES is "
                                                      "imported by the background worker: poll the task")
@blp.alt_response(422, schema=ErrorSchema, description="IMPORT_REJECTED (all_or_nothing with bad rows; `errors` "
                                                      "lists them by line) or VALIDATION_ERROR")
@accepts("multipart/form-data", max_bytes=IMPORT_MAX_BYTES)
@roles("admin")
def admin_import_retailers(form):
    """CSV with a header line: licence_no,name,region_code required; owner, operator, customer_code, order_phone,
    address, lat, lon, format, market_type, district_type, customer_class, is_chain, is_sample optional (codes or
    their Chinese names). UTF-8 or GB18030."""
    data = form["file"].read()
    if tasks.runs_in_background(data):
        return accepted(tasks.import_in_background(data, form["mode"], created_by=g.caller.id))
    return service.import_retailers(data, mode=form["mode"])
