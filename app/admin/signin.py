"""Sign-in, sign-out and the language switch."""
import re
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..audit import service as audit
from ..errors import ApiError
from ..auth.limits import login_limits
from . import bp
from .actions import record_action
from .guard import current_staff, managers_may_post, public_page, sign_in, sign_out


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


# Control characters (CR/LF would split the Location header; browsers drop tabs and newlines, turning
# "/\t/evil" into "//evil"), spaces and backslashes (which browsers read as "/") never belong in a target.
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def _safe_next(target):
    """Only paths inside the console: never an open redirect to another site, never a broken header."""
    target = target or ""
    try:
        parts = urlsplit(target) if not _UNSAFE_IN_TARGET.search(target) else None
    except ValueError:  # "//[bad-ipv6"
        parts = None
    if (parts is None or parts.scheme or parts.netloc
            or not (parts.path == "/admin" or parts.path.startswith("/admin/"))):
        return url_for("admin.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
@login_limits("username", source="form")
@public_page
def login():
    if request.method == "GET" and current_staff() is not None:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if request.method == "POST" else 200
    try:
        g.staff = sign_in(form.username.data, form.password.data)
    except ApiError as error:
        audit.record("console.login_failed", note=form.username.data[:64])
        flash(str(error.message), "error")
        return render_template("admin/login.html", form=form), error.status
    record_action("console.login", target_type="staff", target_id=g.staff.id)
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@managers_may_post
def logout():
    record_action("console.logout", target_type="staff", target_id=g.staff.id)
    sign_out()
    flash(_l("You are signed out."), "success")
    return redirect(url_for("admin.login"))


@bp.route("/language/<code>", methods=["POST"])
@public_page
def language(code):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
