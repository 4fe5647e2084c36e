"""Promo-item endpoints: staff stock and movements; admin items, inbound, stock, ledger, plans and audit."""
from flask import g, make_response

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..idempotency import idempotent
from ..pagination import page_schema
from . import service
from .models import PromoRequisition
from .requisition_schemas import RequisitionSchema
from .schemas import (AdminMovementQuery, AuditSchema, InboundSchema, PromoItemInSchema, PromoItemListSchema, PromoItemQuery,
                      PromoItemSchema, MovementInSchema, MovementQuery, MovementSchema, OwnStockListSchema, PromoPlanInSchema,
                      PromoPlanListSchema, PromoPlanQuery, PromoPlanSchema, PromoPlanUpdateSchema, PromoStockListSchema,
                      StockQuery)

blp = Blueprint("promo", __name__, description="Promotional items (促销品) and their stock")


@blp.route("/staff/stock", methods=["GET"])
@blp.response(200, OwnStockListSchema)
@roles("staff")
def my_stock():
    return {"items": service.stock_of(g.caller.id)}


@blp.route("/staff/stock-movements", methods=["POST"])
@idempotent
@blp.arguments(MovementInSchema)
@blp.response(201, MovementSchema)
@blp.alt_response(202, schema=RequisitionSchema, description="A requisition above your monthly quota (领用额度): "
                                                            "recorded `pending` an admin's approval (领用审批); "
                                                            "no stock moved")
@blp.alt_response(404, schema=ErrorSchema, description="No such item")
@blp.alt_response(409, schema=ErrorSchema, description="INSUFFICIENT_STOCK; for exchange INSUFFICIENT_POINTS, "
                                                      "NOT_EXCHANGEABLE, MEMBER_LOCKED or MEMBERSHIP_EXPIRED")
@blp.alt_response(422, schema=ErrorSchema, description="VALIDATION_ERROR, MEMBER_CODE_INVALID or "
                                                      "IDEMPOTENCY_KEY_REUSED")
@roles("staff")
def record_movement(body):
    """requisition (领用, warehouse → you; above your monthly quota per item it waits for an admin: 202),
    distribution (发放), consumption (消耗), exchange (兑换: `member_code` required, the code the member shows —
    `member_id` is refused; the member pays the item's points price in the same transaction), return (退还,
    you → warehouse)."""
    result = service.move(staff_id=g.caller.id, **body)
    if isinstance(result, PromoRequisition):
        return make_response(RequisitionSchema().dump(result), 202)
    return result


@blp.route("/staff/stock-movements", methods=["GET"])
@blp.arguments(MovementQuery, location="query")
@blp.response(200, page_schema(MovementSchema))
@roles("staff")
def my_movements(query):
    return service.list_movements(staff_id=g.caller.id, **query)


@blp.route("/staff/stock-movements/<int:movement_id>", methods=["GET"])
@blp.response(200, MovementSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or another staff member's")
@roles("staff")
def my_movement(movement_id):
    return service.get_movement(movement_id, g.caller.id)


@blp.route("/admin/promo-items", methods=["POST"])
@blp.arguments(PromoItemInSchema)
@blp.response(201, PromoItemSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ITEM_NAME_TAKEN")
@roles("admin")
def admin_create_item(body):
    return service.create_item(**body)


@blp.route("/admin/promo-items", methods=["GET"])
@blp.arguments(PromoItemQuery, location="query")
@blp.response(200, PromoItemListSchema)
@roles("admin")
def admin_list_items(query):
    """Every item with its warehouse quantity; `low_stock=true` for the low-stock alerts only."""
    return {"items": service.list_items(low_only=query["low_stock"])}


@blp.route("/admin/promo-items/<int:item_id>/inbound", methods=["POST"])
@idempotent
@blp.arguments(InboundSchema)
@blp.response(201, MovementSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_inbound(body, item_id):
    return service.inbound(item_id=item_id, recorded_by=g.caller.id, **body)


@blp.route("/admin/promo-stock", methods=["GET"])
@blp.arguments(StockQuery, location="query")
@blp.response(200, PromoStockListSchema)
@roles("admin")
def admin_stock(query):
    return {"items": service.all_stock(**query)}


@blp.route("/admin/promo-stock/audit", methods=["GET"])
@blp.response(200, AuditSchema)
@roles("admin")
def admin_stock_audit():
    """Locations whose stock on hand differs from the sum of their movements: always empty unless broken."""
    return {"mismatches": service.audit()}


@blp.route("/admin/promo-movements", methods=["GET"])
@blp.arguments(AdminMovementQuery, location="query")
@blp.response(200, page_schema(MovementSchema))
@roles("admin")
def admin_movements(query):
    return service.list_movements(**query)


@blp.route("/admin/promo-plans", methods=["POST"])
@blp.arguments(PromoPlanInSchema)
@blp.response(201, PromoPlanSchema)
@blp.alt_response(409, schema=ErrorSchema, description="PLAN_EXISTS")
@roles("admin")
def admin_create_promo_plan(body):
    return service.create_plan(**body)


@blp.route("/admin/promo-plans", methods=["GET"])
@blp.arguments(PromoPlanQuery, location="query")
@blp.response(200, PromoPlanListSchema)
@roles("admin")
def admin_promo_plans(query):
    """Planned vs used per item, region and month."""
    return {"items": service.list_plans(**query)}


@blp.route("/admin/promo-plans/<int:plan_id>", methods=["PATCH"])
@blp.arguments(PromoPlanUpdateSchema)
@blp.response(200, PromoPlanSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such plan")
@roles("admin")
def admin_update_promo_plan(body, plan_id):
    """Correct the planned quantity (its item, region and month stay: for those, delete the plan and plan again)."""
    return service.update_plan(plan_id, **body)


@blp.route("/admin/promo-plans/<int:plan_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description="No such plan")
@roles("admin")
def admin_delete_promo_plan(plan_id):
    """Remove a plan made by mistake. Plans are targets: no stock or movement changes."""
    service.delete_plan(plan_id)
