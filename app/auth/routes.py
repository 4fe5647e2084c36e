"""Sign-in endpoints for members (phone) and staff (username), sign-out, and the staff profile."""
from flask import g

from ..api import Blueprint
from ..errors import ErrorSchema
from . import service
from .decorators import public, roles
from .limits import login_limits
from .schemas import MemberLoginSchema, StaffLoginSchema, StaffSchema, TokenSchema

blp = Blueprint("auth", __name__, description="Sign-in and tokens")


def _login_endpoint(account_field):
    """What both sign-in routes share: the documented failures and the throttles."""

    def decorate(view):
        view = login_limits(account_field)(public(view))
        for status, what in ((401, "BAD_CREDENTIALS"), (403, "ACCOUNT_LOCKED"), (429, "Too many attempts")):
            view = blp.alt_response(status, schema=ErrorSchema, description=what)(view)
        return view

    return decorate


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(MemberLoginSchema)
@blp.response(200, TokenSchema)
@_login_endpoint("phone")
def member_login(body):
    token, ttl, role = service.login_member(body["phone"], body["password"])
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "role": role}


@blp.route("/staff/login", methods=["POST"])
@blp.arguments(StaffLoginSchema)
@blp.response(200, TokenSchema)
@_login_endpoint("username")
def staff_login(body):
    token, ttl, role = service.login_staff(body["username"], body["password"])
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "role": role}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@roles("member", "staff")
def logout():
    service.logout(g.caller.token_id)


@blp.route("/staff/me", methods=["GET"])
@blp.response(200, StaffSchema)
@roles("staff")
def staff_me():
    return service.get_staff(g.caller.id)
