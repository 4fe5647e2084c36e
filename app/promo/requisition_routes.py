"""领用审批 and 领用额度 endpoints: staff see their own requisitions; admins answer pending ones and set quotas."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..idempotency import idempotent
from ..pagination import page_schema
from . import quotas, requisitions
from .requisition_schemas import (ApproveSchema, OwnRequisitionQuery, QuotaInSchema, QuotaListSchema, QuotaSchema,
                                  RejectSchema, RequisitionQuery, RequisitionSchema)

blp = Blueprint("promo_requisitions", __name__,
                description="Requisitions above the monthly quota (领用审批) and the quotas (领用额度)")


@blp.route("/staff/requisitions", methods=["GET"])
@blp.arguments(OwnRequisitionQuery, location="query")
@blp.response(200, page_schema(RequisitionSchema))
@roles("staff")
def my_requisitions(query):
    """Your requisitions that went above your quota, newest first, with their answer."""
    return requisitions.list_requisitions(staff_id=g.caller.id, **query)


@blp.route("/admin/requisitions", methods=["GET"])
@blp.arguments(RequisitionQuery, location="query")
@blp.response(200, page_schema(RequisitionSchema))
@roles("admin")
def admin_requisitions(query):
    """`status=pending` for the ones waiting for an answer."""
    return requisitions.list_requisitions(**query)


@blp.route("/admin/requisitions/<int:requisition_id>", methods=["GET"])
@blp.response(200, RequisitionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_requisition(requisition_id):
    return requisitions.get_requisition(requisition_id)


@blp.route("/admin/requisitions/<int:requisition_id>/approve", methods=["POST"])
@idempotent
@blp.arguments(ApproveSchema)
@blp.response(200, RequisitionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="REQUISITION_NOT_PENDING, or INSUFFICIENT_STOCK in the "
                                                      "warehouse (it stays pending)")
@roles("admin")
def admin_approve_requisition(body, requisition_id):
    """The units move from the warehouse to the staff member now; `on_hand` and `warehouse_on_hand` tell the new
    quantities. Audited."""
    return requisitions.approve(requisition_id, decided_by=g.caller.id, **body)


@blp.route("/admin/requisitions/<int:requisition_id>/reject", methods=["POST"])
@blp.arguments(RejectSchema)
@blp.response(200, RequisitionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="REQUISITION_NOT_PENDING")
@roles("admin")
def admin_reject_requisition(body, requisition_id):
    """Nothing moves; the reason is kept and audited."""
    return requisitions.reject(requisition_id, decided_by=g.caller.id, **body)


@blp.route("/admin/requisition-quotas", methods=["GET"])
@blp.response(200, QuotaListSchema)
@roles("admin")
def admin_quotas():
    """Each staff member's quota: units per item per calendar month (Asia/Shanghai) requisitioned without
    approval; above it a requisition waits for an admin."""
    return {"default_quantity": quotas.default_quota(), "items": quotas.list_quotas()}


@blp.route("/admin/requisition-quotas/<int:staff_id>", methods=["PUT"])
@blp.arguments(QuotaInSchema)
@blp.response(200, QuotaSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such staff member")
@roles("admin")
def admin_set_quota(body, staff_id):
    """The staff member's own quota (0: every requisition needs approval). Audited."""
    return quotas.set_quota(staff_id, body["monthly_quantity"])


@blp.route("/admin/requisition-quotas/<int:staff_id>", methods=["DELETE"])
@blp.response(200, QuotaSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such staff member")
@roles("admin")
def admin_clear_quota(staff_id):
    """Back to the default quota. Audited."""
    return quotas.clear_quota(staff_id)
