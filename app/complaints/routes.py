"""Complaints and suggestions: members file and follow theirs; admins assign, answer, resolve, reject."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..idempotency import idempotent
from ..pagination import PageQuery, page_schema, paginate
from . import service
from .schemas import (AdminComplaintQuery, AdminComplaintSchema, AnswerSchema, AssignSchema, ComplaintCreateSchema,
                      ComplaintSchema, ResolveSchema)

blp = Blueprint("complaints", __name__, description="Quality complaints and suggestions (质量投诉/建议)")


class AdminComplaintListQuery(AdminComplaintQuery, PageQuery):
    pass


@blp.route("/complaints", methods=["POST"])
@blp.arguments(ComplaintCreateSchema)
@blp.response(201, ComplaintSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("member")
def file_complaint(body):
    return service.file_complaint(g.caller.id, **body)


@blp.route("/complaints", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(ComplaintSchema))
@roles("member")
def my_complaints(query):
    return paginate(service.member_complaints(g.caller.id), **query)


@blp.route("/admin/complaints", methods=["GET"])
@blp.arguments(AdminComplaintListQuery, location="query")
@blp.response(200, page_schema(AdminComplaintSchema))
@roles("admin")
def admin_list_complaints(query):
    filters = {name: query.pop(name, None) for name in ("status", "kind", "assignee_id")}
    return paginate(service.admin_complaints(**filters), **query)


@blp.route("/admin/complaints/<int:complaint_id>", methods=["GET"])
@blp.response(200, AdminComplaintSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_get_complaint(complaint_id):
    return service.get_complaint(complaint_id)


@blp.route("/admin/complaints/<int:complaint_id>/assign", methods=["POST"])
@blp.arguments(AssignSchema)
@blp.response(200, AdminComplaintSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="COMPLAINT_CLOSED")
@roles("admin")
def admin_assign(body, complaint_id):
    return service.assign(complaint_id, body["staff_id"])


@blp.route("/admin/complaints/<int:complaint_id>/answer", methods=["POST"])
@blp.arguments(AnswerSchema)
@blp.response(200, AdminComplaintSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="COMPLAINT_CLOSED")
@roles("admin")
def admin_answer(body, complaint_id):
    return service.answer(complaint_id, body["result"], staff_id=g.caller.id)


@blp.route("/admin/complaints/<int:complaint_id>/resolve", methods=["POST"])
@idempotent
@blp.arguments(ResolveSchema)
@blp.response(200, AdminComplaintSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="COMPLAINT_CLOSED")
@roles("admin")
def admin_resolve_complaint(body, complaint_id):
    return service.close(complaint_id, "resolved", body["result"], reward_points=body["reward_points"],
                         staff_id=g.caller.id)


@blp.route("/admin/complaints/<int:complaint_id>/reject", methods=["POST"])
@blp.arguments(AnswerSchema)
@blp.response(200, AdminComplaintSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="COMPLAINT_CLOSED")
@roles("admin")
def admin_reject_complaint(body, complaint_id):
    return service.close(complaint_id, "rejected", body["result"], staff_id=g.caller.id)
