"""Activity endpoints: staff see their activities and record the process; admins plan and check the effect."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..http import accepts
from ..idempotency import idempotent
from ..pagination import PageQuery, page_schema
from ..uploads import BODY_MAX_BYTES, json_or_multipart
from . import service
from .schemas import (ActivityInSchema, ActivitySchema, EffectSchema, RecordInSchema, RecordListSchema, RecordSchema)

blp = Blueprint("activities", __name__, description="Brand-cultivation activities (品牌培育活动)")

@blp.route("/staff/activities", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(ActivitySchema))
@roles("staff")
def my_activities(query):
    return service.list_activities(staff_id=g.caller.id, **query)


@blp.route("/staff/activities/<int:activity_id>", methods=["GET"])
@blp.response(200, ActivitySchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not assigned to you")
@roles("staff")
def my_activity(activity_id):
    return service.get_activity(activity_id, g.caller.id)


@blp.route("/staff/activities/<int:activity_id>/records", methods=["POST"])
@idempotent
@json_or_multipart(blp, RecordInSchema)
@blp.response(201, RecordSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not assigned to you")
@blp.alt_response(409, schema=ErrorSchema, description="ACTIVITY_CLOSED, ACTIVITY_NOT_STARTED or INSUFFICIENT_STOCK")
@blp.alt_response(422, schema=ErrorSchema, description="VALIDATION_ERROR or BAD_IMAGE")
@accepts("application/json", "multipart/form-data", max_bytes=BODY_MAX_BYTES)
@roles("staff")
def add_record(body, photos, activity_id):
    """JSON, or multipart with the same fields (`items` as a JSON text) and up to 6 `photos`."""
    return service.add_record(activity_id=activity_id, staff_id=g.caller.id, photos=photos, **body)


@blp.route("/staff/activities/<int:activity_id>/records", methods=["GET"])
@blp.response(200, RecordListSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("staff")
def my_records(activity_id):
    return {"items": service.list_records(activity_id, g.caller.id)}


@blp.route("/admin/activities", methods=["POST"])
@blp.arguments(ActivityInSchema)
@blp.response(201, ActivitySchema)
@roles("admin")
def admin_create_activity(body):
    return service.create_activity(body, created_by=g.caller.id)


@blp.route("/admin/activities", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(ActivitySchema))
@roles("admin")
def admin_activities(query):
    return service.list_activities(**query)


@blp.route("/admin/activities/<int:activity_id>/cancel", methods=["POST"])
@blp.response(200, ActivitySchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ACTIVITY_CLOSED (already ended or cancelled)")
@roles("admin")
def admin_cancel_activity(activity_id):
    return service.cancel_activity(activity_id)


@blp.route("/admin/activities/<int:activity_id>/records", methods=["GET"])
@blp.response(200, RecordListSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_records(activity_id):
    return {"items": service.list_records(activity_id)}


@blp.route("/admin/activities/<int:activity_id>/effect", methods=["GET"])
@blp.response(200, EffectSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ACTIVITY_NOT_ENDED")
@roles("admin")
def admin_effect(activity_id):
    """效果检验: the area's scans and new members during the activity vs the same length before; items used
    against the budget; cost per new member."""
    return service.effect(activity_id)
