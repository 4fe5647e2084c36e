"""Visit endpoints: the staff side (check-in, observations, check-out, own visits and plans) and the admin side."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..http import accepts
from ..pagination import page_schema
from ..timeutil import local_today
from ..uploads import BODY_MAX_BYTES, json_or_multipart
from . import service
from .schemas import (AdminVisitQuery, CheckInSchema, CheckoutSchema, ObservationInSchema,
                      ObservationListSchema, VisitPlanInSchema, VisitPlanListSchema, VisitPlanQuery, VisitPlanSchema, SummaryQuery,
                      SummarySchema, VisitQuery, VisitSchema)

blp = Blueprint("visits", __name__, description="Visits (拜访) and visit plans")

@blp.route("/staff/visits", methods=["POST"])
@blp.arguments(CheckInSchema)
@blp.response(201, VisitSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such retailer or planned visit")
@blp.alt_response(409, schema=ErrorSchema, description="VISIT_OPEN or PLAN_VISITED")
@blp.alt_response(422, schema=ErrorSchema, description="TOO_FAR (with `distance_m` and `radius_m`), "
                                                      "RETAILER_NOT_LOCATED or VALIDATION_ERROR")
@roles("staff")
def check_in(body):
    return service.check_in(staff_id=g.caller.id, **body)


@blp.route("/staff/visits", methods=["GET"])
@blp.arguments(VisitQuery, location="query")
@blp.response(200, page_schema(VisitSchema))
@roles("staff")
def my_visits(query):
    return service.list_visits(staff_id=g.caller.id, **query)


@blp.route("/staff/visits/<int:visit_id>", methods=["GET"])
@blp.response(200, VisitSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or another staff member's")
@roles("staff")
def my_visit(visit_id):
    return service.get_visit(visit_id, g.caller.id)


@blp.route("/staff/visits/<int:visit_id>/observations", methods=["POST"])
@blp.arguments(ObservationInSchema(many=True))
@blp.response(201, ObservationListSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="VISIT_CLOSED")
@roles("staff")
def add_observations(items, visit_id):
    return {"items": service.add_observations(staff_id=g.caller.id, visit_id=visit_id, items=items)}


@blp.route("/staff/visits/<int:visit_id>/checkout", methods=["POST"])
@json_or_multipart(blp, CheckoutSchema)
@blp.response(200, VisitSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="VISIT_CLOSED")
@blp.alt_response(413, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="BAD_IMAGE or more than 6 photos")
@accepts("application/json", "multipart/form-data", max_bytes=BODY_MAX_BYTES)
@roles("staff")
def check_out(body, photos, visit_id):
    """JSON `{"notes"}`, or multipart with a `notes` field and up to 6 `photos` files (JPEG/PNG/WebP, 5 MB each)."""
    return service.check_out(staff_id=g.caller.id, visit_id=visit_id, notes=body["notes"], photos=photos)


@blp.route("/staff/visit-plans", methods=["GET"])
@blp.arguments(VisitPlanQuery, location="query")
@blp.response(200, VisitPlanListSchema)
@roles("staff")
def my_plans(query):
    """Own plans; today's when neither `date` nor `week` is given."""
    query.pop("staff_id", None)
    if not query:
        query["date"] = local_today()
    return {"items": service.list_plans(staff_id=g.caller.id, week=query.get("week"), day=query.get("date"))}


@blp.route("/admin/visit-plans", methods=["POST"])
@blp.arguments(VisitPlanInSchema)
@blp.response(201, VisitPlanSchema)
@blp.alt_response(409, schema=ErrorSchema, description="PLAN_EXISTS")
@roles("admin")
def admin_create_visit_plan(body):
    return service.create_plan(created_by=g.caller.id, **body)


@blp.route("/admin/visit-plans", methods=["GET"])
@blp.arguments(VisitPlanQuery, location="query")
@blp.response(200, VisitPlanListSchema)
@roles("admin")
def admin_list_visit_plans(query):
    return {"items": service.list_plans(staff_id=query.get("staff_id"), week=query.get("week"),
                                        day=query.get("date"))}


@blp.route("/admin/visit-plans/summary", methods=["GET"])
@blp.arguments(SummaryQuery, location="query")
@blp.response(200, SummarySchema)
@roles("admin")
def admin_plan_summary(query):
    """Plan vs actual per staff member for a week."""
    return service.week_summary(query["week"])


@blp.route("/admin/visits", methods=["GET"])
@blp.arguments(AdminVisitQuery, location="query")
@blp.response(200, page_schema(VisitSchema))
@roles("admin")
def admin_visits(query):
    return service.list_visits(**query)


@blp.route("/admin/visits/<int:visit_id>", methods=["GET"])
@blp.response(200, VisitSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_visit(visit_id):
    return service.get_visit(visit_id)
