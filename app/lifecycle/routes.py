"""Admin API for the member lifecycle: levels, manual level changes, validity."""
from flask import g
from sqlalchemy import select

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..members.service import get_member
from ..pagination import PageQuery, page_schema, paginate
from . import expiry, levels, validity
from .models import ValidityChange
from .schemas import (LevelChangeSchema, LevelUpdateSchema, LifecycleMemberSchema, MemberLevelSchema,
                      PointsSummarySchema, SetLevelSchema, SetValiditySchema, ValidityChangeSchema)

blp = Blueprint("lifecycle", __name__, description="Member levels, validity and points expiry (会员等级, 有效期)")


@blp.route("/me/points/summary", methods=["GET"])
@blp.response(200, PointsSummarySchema)
@roles("member")
def my_points_summary():
    """The balance and when its points expire (积分有效期), soonest first."""
    return expiry.summary(g.caller.id)


@blp.route("/admin/levels", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(MemberLevelSchema))
@roles("admin")
def list_levels(query):
    return paginate(levels.levels_query(), **query)


@blp.route("/admin/levels", methods=["POST"])
@blp.arguments(MemberLevelSchema)
@blp.response(201, MemberLevelSchema)
@blp.alt_response(409, schema=ErrorSchema, description="LEVEL_EXISTS")
@roles("admin")
def create_level(body):
    return levels.create_level(**body)


@blp.route("/admin/levels/<code>", methods=["PATCH"])
@blp.arguments(LevelUpdateSchema)
@blp.response(200, MemberLevelSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def update_level(changes, code):
    return levels.update_level(code, changes)


@blp.route("/admin/levels/<code>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="LEVEL_IN_USE")
@roles("admin")
def delete_level(code):
    levels.delete_level(code)


@blp.route("/admin/members/<int:member_id>/level", methods=["POST"])
@blp.arguments(SetLevelSchema)
@blp.response(200, LifecycleMemberSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def set_level(body, member_id):
    return levels.set_level(member_id, body["level_code"], body["reason"], staff_id=g.caller.id)


@blp.route("/admin/members/<int:member_id>/level-changes", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(LevelChangeSchema))
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def level_changes(query, member_id):
    return paginate(levels.level_history(member_id), **query)


@blp.route("/admin/members/<int:member_id>/validity", methods=["POST"])
@blp.arguments(SetValiditySchema)
@blp.response(200, LifecycleMemberSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def set_validity(body, member_id):
    return validity.set_validity(member_id, body["valid_until"], body["reason"], staff_id=g.caller.id)


@blp.route("/admin/members/<int:member_id>/validity-changes", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(ValidityChangeSchema))
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def validity_changes(query, member_id):
    get_member(member_id)
    return paginate(select(ValidityChange).where(ValidityChange.member_id == member_id)
                    .order_by(ValidityChange.id.desc()), **query)
