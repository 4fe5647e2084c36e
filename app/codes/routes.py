"""Scanning for points (the member app)."""
from flask import g, request

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from ..idempotency import idempotent
from ..pagination import PageQuery, page_schema
from . import service
from .schemas import MyScanSchema, ScanBodySchema, ScanResultSchema

blp = Blueprint("scans", __name__, description="Pack codes and scanning (扫码积分)")


@blp.route("/scans", methods=["POST"])
@idempotent
@blp.arguments(ScanBodySchema)
@blp.response(201, ScanResultSchema)
@blp.alt_response(422, schema=ErrorSchema, description="CODE_MALFORMED (bad shape or check character)")
@blp.alt_response(404, schema=ErrorSchema, description="CODE_INVALID (well formed but not a real code)")
@blp.alt_response(409, schema=ErrorSchema, description="CODE_ALREADY_USED (with `by_you`), CODE_NOT_ACTIVE, "
                                                       "MEMBERSHIP_EXPIRED")
@blp.alt_response(403, schema=ErrorSchema, description="PROFILE_INCOMPLETE")
@blp.alt_response(429, schema=ErrorSchema, description="SCAN_LIMIT (daily cap) or TOO_MANY_INVALID")
@roles("member")
def scan(body):
    return service.scan_code(g.caller.id, body["code"], client_ip=request.remote_addr,
                             lat=body.get("lat"), lon=body.get("lon"))


@blp.route("/me/scans", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(MyScanSchema))
@roles("member")
def my_scans(query):
    return service.my_scans(g.caller.id, **query)
