"""Who may use the console: signed-in admins (and read-only managers), checked for every /admin request.

The console session holds an ordinary staff token issued by the same `login_staff` service as the API,
so signing out, locking the account or the token's end (TOKEN_TTL_STAFF) end the console session too;
on top of that the session ends after CONSOLE_IDLE_MINUTES without activity.

Deny by default: every path under /admin, whichever blueprint serves it (or none yet), needs a
console session; every unsafe method needs a CSRF token and the admin role, unless its view says
otherwise (`public_page`, `managers_may_post`).
"""
import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFProtect

from ..auth import service as auth_service
from ..auth.models import StaffUser
from ..auth.tokens import digest, resolve_digest, resolve_token
from ..errors import Forbidden
from ..extensions import db

CONSOLE_ROLES = ("admin", "manager")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

csrf = CSRFProtect()


class NotAnAdmin(Forbidden):
    code, message = "CONSOLE_FORBIDDEN", _l("Only administrators can sign in to the console.")


class ReadOnlyRole(Forbidden):
    code, message = "READ_ONLY", _l("Your role can look but not change anything.")


def public_page(view):
    """Reachable without a console session (the sign-in page)."""
    view._console_public = True
    return view


def managers_may_post(view):
    """An unsafe method that changes nothing in the programme (start an export, switch language)."""
    view._console_read_only = True
    return view


def passive(view):
    """A request that is not the admin's activity (progress polling): it does not hold off idle expiry."""
    view._console_passive = True
    return view


def sign_in(username, password):
    """Open a console session; raises BadCredentials, AccountLocked or NotAnAdmin."""
    token, _ttl, role = auth_service.login_staff(username, password)
    if role not in CONSOLE_ROLES:
        row = resolve_token(token)
        auth_service.logout(row.id)
        raise NotAnAdmin()
    lang = session.get("lang")
    session.clear()  # a fresh session (and CSRF secret) on every sign-in: no fixation
    if lang:
        session["lang"] = lang
    session["sid"] = digest(token)  # the token's digest only: the cookie is no bearer token for the API
    session["seen"] = int(time.time())
    return current_staff()


def sign_out():
    row = resolve_digest(session.get("sid", ""))
    if row is not None:
        auth_service.logout(row.id)
    session.clear()


def current_staff():
    """The StaffUser of this console session, or None (no session, idle too long, token ended, locked)."""
    sid = session.get("sid")
    if not sid:
        return None
    idle = time.time() - session.get("seen", 0)
    if idle > current_app.config["CONSOLE_IDLE_MINUTES"] * 60:
        sign_out()
        g.console_expired = True
        return None
    row = resolve_digest(sid)
    staff = db.session.get(StaffUser, row.staff_id) if row and row.staff_id else None
    if staff is None or staff.status != "active" or staff.role not in CONSOLE_ROLES:
        session.clear()
        return None
    return staff


def _view():
    return current_app.view_functions.get(request.endpoint) if request.endpoint else None


def guard():
    """before_request for /admin: session, idle expiry, CSRF and role."""
    if request.path != "/admin" and not request.path.startswith("/admin/"):
        return None
    g.staff = None
    view = _view()
    unsafe = request.method not in SAFE_METHODS
    if unsafe:
        csrf.protect()  # raises CSRFError (400) before anything else runs
    if getattr(view, "_console_public", False):
        return None
    g.staff = current_staff()
    if g.staff is None:
        if g.get("console_expired"):
            flash(_l("You were signed out after a period of inactivity."), "warning")
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("admin.login", next=target.rstrip("?") if target else None))
    if not getattr(view, "_console_passive", False):
        session["seen"] = int(time.time())
    if unsafe and g.staff.role != "admin" and not getattr(view, "_console_read_only", False):
        raise ReadOnlyRole()
    return None


def init_app(app):
    csrf.init_app(app)
    app.before_request(guard)
