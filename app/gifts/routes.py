"""Points mall catalogue: members browse gifts; admins create, edit, retire, restock and picture them."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..http import accepts
from ..idempotency import idempotent
from ..media import read_upload
from ..members.service import get_member
from ..pagination import PageQuery, page_schema, paginate
from ..timeutil import local_today
from . import service
from .schemas import (AdminGiftQuery, AdminGiftSchema, GiftCreateSchema, GiftQuery, GiftSchema, GiftUpdateSchema,
                      ImageUploadSchema, StockAdjustSchema, StockMoveSchema)

blp = Blueprint("gifts", __name__, description="Points mall gifts (积分商城, 礼品管理)")

IMAGE_MAX_BYTES = 8 * 1024 * 1024


class GiftListQuery(GiftQuery, PageQuery):
    pass


class AdminGiftListQuery(AdminGiftQuery, PageQuery):
    pass


@blp.route("/gifts", methods=["GET"])
@blp.arguments(GiftListQuery, location="query")
@blp.response(200, page_schema(GiftSchema))
@roles("member")
def list_gifts(query):
    budget = get_member(g.caller.id).points_balance if query.pop("affordable") else None
    statement = service.visible_gifts(local_today(), category=query.pop("category", None), max_cost=budget)
    return paginate(statement, **query)


@blp.route("/gifts/<int:gift_id>", methods=["GET"])
@blp.response(200, GiftSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("member")
def get_gift(gift_id):
    return service.get_visible_gift(gift_id, local_today())


@blp.route("/admin/gifts", methods=["POST"])
@idempotent
@blp.arguments(GiftCreateSchema)
@blp.response(201, AdminGiftSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def admin_create_gift(body):
    return service.create_gift(staff_id=g.caller.id, **body)


@blp.route("/admin/gifts", methods=["GET"])
@blp.arguments(AdminGiftListQuery, location="query")
@blp.response(200, page_schema(AdminGiftSchema))
@roles("admin")
def admin_list_gifts(query):
    statement = service.admin_gifts(status=query.pop("status", None), category=query.pop("category", None))
    return paginate(statement, **query)


@blp.route("/admin/gifts/<int:gift_id>", methods=["GET"])
@blp.response(200, AdminGiftSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_get_gift(gift_id):
    return service.get_gift(gift_id)


@blp.route("/admin/gifts/<int:gift_id>", methods=["PATCH"])
@blp.arguments(GiftUpdateSchema)
@blp.response(200, AdminGiftSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def admin_update_gift(changes, gift_id):
    return service.update_gift(gift_id, changes)


@blp.route("/admin/gifts/<int:gift_id>/retire", methods=["POST"])
@blp.response(200, AdminGiftSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_retire_gift(gift_id):
    return service.retire_gift(gift_id)


@blp.route("/admin/gifts/<int:gift_id>/stock", methods=["POST"])
@idempotent
@blp.arguments(StockAdjustSchema)
@blp.response(200, AdminGiftSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="INSUFFICIENT_STOCK")
@roles("admin")
def admin_adjust_stock(body, gift_id):
    return service.adjust_stock(gift_id, body["delta"], body["reason"], staff_id=g.caller.id)


@blp.route("/admin/gifts/<int:gift_id>/stock-moves", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(StockMoveSchema))
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_stock_moves(query, gift_id):
    return paginate(service.stock_moves(gift_id), **query)


@blp.route("/admin/gifts/<int:gift_id>/image", methods=["PUT"])
@blp.arguments(ImageUploadSchema, location="files")
@blp.response(200, AdminGiftSchema)
@blp.alt_response(413, schema=ErrorSchema, description="Larger than 8 MB")
@blp.alt_response(415, schema=ErrorSchema, description="Not JPEG, PNG or WebP")
@blp.alt_response(422, schema=ErrorSchema, description="BAD_IMAGE")
@accepts("multipart/form-data", max_bytes=IMAGE_MAX_BYTES + 64 * 1024)
@roles("admin")
def admin_put_image(files, gift_id):
    return service.set_image(gift_id, read_upload(files["image"], IMAGE_MAX_BYTES))
