"""Identity appeals: anyone who proves a phone files one; admins list and resolve them."""
from flask import current_app, g

from ..api import Blueprint
from ..auth.decorators import public, roles
from ..errors import ErrorSchema
from ..extensions import limiter
from ..pagination import page_schema, paginate
from . import service
from .schemas import AdminAppealQuery, AdminAppealSchema, AppealCreateSchema, AppealResolveSchema, AppealSchema

blp = Blueprint("appeals", __name__, description="Identity appeals (身份申诉): a phone or ID number taken by another")


@blp.route("/identity-appeals", methods=["POST"])
@blp.arguments(AppealCreateSchema)
@blp.response(201, AppealSchema)
@blp.alt_response(409, schema=ErrorSchema, description="NOTHING_TAKEN: no account holds the phone or ID number")
@blp.alt_response(422, schema=ErrorSchema, description="VALIDATION_ERROR or SMS_CODE_INVALID")
@limiter.limit(lambda: current_app.config["APPEAL_LIMIT_PER_IP"])
@public
def file_appeal(body):
    return service.file_appeal(**body)


@blp.route("/admin/identity-appeals", methods=["GET"])
@blp.arguments(AdminAppealQuery, location="query")
@blp.response(200, page_schema(AdminAppealSchema))
@roles("admin")
def admin_list_appeals(query):
    return paginate(service.admin_appeals(status=query.pop("status", None)), **query)


@blp.route("/admin/identity-appeals/<int:appeal_id>", methods=["GET"])
@blp.response(200, AdminAppealSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_get_appeal(appeal_id):
    return service.get_appeal(appeal_id)


@blp.route("/admin/identity-appeals/<int:appeal_id>/resolve", methods=["POST"])
@blp.arguments(AppealResolveSchema)
@blp.response(200, AdminAppealSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="APPEAL_RESOLVED: decided already")
@roles("admin")
def admin_resolve_appeal(body, appeal_id):
    return service.resolve(appeal_id, body["decision"], body["reason"], staff_id=g.caller.id)
