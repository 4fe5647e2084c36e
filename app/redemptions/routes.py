"""Redemption endpoints: members redeem, list, cancel and show the pickup QR; staff fulfil pickups;
admins list, ship and cancel."""
import io

import qrcode
from flask import g, send_file

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema, NotFound
from ..idempotency import idempotent
from ..pagination import PageQuery, page_schema, paginate
from . import service
from .schemas import (AdminCancelSchema, AdminRedemptionQuery, AdminRedemptionSchema, FulfilSchema, RedeemSchema,
                      RedemptionSchema, ShipSchema)

blp = Blueprint("redemptions", __name__, description="Redemption (积分兑换)")


class AdminRedemptionListQuery(AdminRedemptionQuery, PageQuery):
    pass


@blp.route("/redemptions", methods=["POST"])
@idempotent
@blp.arguments(RedeemSchema)
@blp.response(201, RedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="INSUFFICIENT_POINTS, OUT_OF_STOCK, GIFT_UNAVAILABLE, "
                                                      "LIMIT_REACHED or MEMBERSHIP_EXPIRED")
@roles("member")
def redeem(body):
    redemption, _balance = service.redeem(g.caller.id, body["gift_id"], body["quantity"], body["delivery"])
    return redemption


@blp.route("/redemptions", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(RedemptionSchema))
@roles("member")
def list_redemptions(query):
    return paginate(service.member_redemptions(g.caller.id), **query)


@blp.route("/redemptions/<int:redemption_id>", methods=["GET"])
@blp.response(200, RedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("member")
def get_redemption(redemption_id):
    return service.get_redemption(redemption_id, g.caller.id)


@blp.route("/redemptions/<int:redemption_id>/cancel", methods=["POST"])
@idempotent
@blp.response(200, RedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="NOT_CANCELLABLE")
@roles("member")
def cancel_redemption(redemption_id):
    return service.cancel(redemption_id, by="member", member_id=g.caller.id)


@blp.route("/redemptions/<int:redemption_id>/qr.png", methods=["GET"])
@blp.response(200, content_type="image/png", description="QR code of the pickup code")
@blp.alt_response(404, schema=ErrorSchema)
@roles("member")
def pickup_qr(redemption_id):
    redemption = service.get_redemption(redemption_id, g.caller.id)
    if redemption.pickup_code is None:
        raise NotFound()
    buffer = io.BytesIO()
    qrcode.make(redemption.pickup_code, box_size=8, border=2).save(buffer, format="PNG")
    buffer.seek(0)
    response = send_file(buffer, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # the code is as good as the gift
    return response


@blp.route("/staff/redemptions/fulfil", methods=["POST"])
@blp.arguments(FulfilSchema)
@blp.response(200, AdminRedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ALREADY_FULFILLED or NOT_FULFILLABLE")
@roles("staff")
def fulfil(body):
    return service.fulfil(body["pickup_code"], staff_id=g.caller.id)


@blp.route("/admin/redemptions", methods=["GET"])
@blp.arguments(AdminRedemptionListQuery, location="query")
@blp.response(200, page_schema(AdminRedemptionSchema))
@roles("admin")
def admin_list_redemptions(query):
    filters = {name: query.pop(name, None) for name in ("status", "method", "member_id")}
    return paginate(service.admin_redemptions(**filters), **query)


@blp.route("/admin/redemptions/<int:redemption_id>", methods=["GET"])
@blp.response(200, AdminRedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_get_redemption(redemption_id):
    return service.get_redemption(redemption_id)


@blp.route("/admin/redemptions/<int:redemption_id>/ship", methods=["POST"])
@blp.arguments(ShipSchema)
@blp.response(200, AdminRedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="NOT_SHIPPABLE")
@roles("admin")
def admin_ship(body, redemption_id):
    return service.ship(redemption_id, body["tracking_no"])


@blp.route("/admin/redemptions/<int:redemption_id>/cancel", methods=["POST"])
@idempotent
@blp.arguments(AdminCancelSchema)
@blp.response(200, AdminRedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="NOT_CANCELLABLE")
@roles("admin")
def admin_cancel(body, redemption_id):
    return service.cancel(redemption_id, by="admin", reason=body["reason"])
