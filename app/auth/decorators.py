"""Who may call what. Every API view declares its access; undeclared views are refused (deny by default).

    @roles("member")          members only
    @roles("staff")           staff and admins (admin can do all staff can)
    @roles("admin")           admins only
    @public                   anyone, no token needed
"""
from flask import current_app, g, request

from ..errors import Forbidden, Unauthenticated
from ..extensions import db
from .tokens import Caller, resolve_token

ROLE_RANK = {"member": ("member",), "staff": ("staff", "admin"), "admin": ("admin",)}
BEARER_SECURITY = [{"bearerAuth": []}]


def roles(*allowed):
    unknown = set(allowed) - set(ROLE_RANK)
    if unknown or not allowed:
        raise ValueError(f"unknown roles {unknown}")
    admitted = frozenset(r for role in allowed for r in ROLE_RANK[role])

    def decorator(view):
        view._access = admitted
        apidoc = dict(getattr(view, "_apidoc", {}))
        manual = dict(apidoc.get("manual_doc", {}))
        manual["security"] = BEARER_SECURITY
        manual.setdefault("description", "Roles: " + ", ".join(sorted(admitted)))
        apidoc["manual_doc"] = manual
        view._apidoc = apidoc
        return view

    return decorator


def public(view):
    view._access = "public"
    apidoc = dict(getattr(view, "_apidoc", {}))
    apidoc["manual_doc"] = {**apidoc.get("manual_doc", {}), "security": []}
    view._apidoc = apidoc
    return view


def current_caller() -> Caller:
    return g.caller


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def authenticate():
    """Resolve the bearer token into g.caller, or None."""
    token = bearer_token()
    row = resolve_token(token) if token else None
    if row is None:
        return None
    if row.member_id is not None:
        from ..members.models import Member

        status = db.session.get(Member, row.member_id).status
        caller = Caller("member", row.member_id, "member", row.id)
    else:
        from .models import StaffUser

        staff = db.session.get(StaffUser, row.staff_id)
        status = staff.status
        caller = Caller("staff", staff.id, staff.role, row.id)
    return caller if status == "active" else None


def enforce_access():
    """before_request: authenticate and authorise API calls from the view's declaration."""
    g.caller = None
    if not request.path.startswith("/api/") or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    access = getattr(view, "_access", None)
    if access is None:
        if request.endpoint.startswith("api-docs.") or request.endpoint == "apidocs_assets":
            return
        current_app.logger.error("route %s declares no access; refused", request.endpoint)
        raise Forbidden()
    if access == "public":
        g.caller = authenticate() if bearer_token() else None
        return
    g.caller = authenticate()
    if g.caller is None:
        raise Unauthenticated()
    if g.caller.role not in access:
        raise Forbidden()


def init_app(app):
    app.before_request(enforce_access)
