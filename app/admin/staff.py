"""Staff accounts (员工账号): list, create field staff, admins and read-only managers, lock and unlock."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from sqlalchemy import or_, select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from .. import regions
from ..auth import service
from ..auth.models import STAFF_ROLES, StaffUser
from ..errors import ApiError
from . import bp
from .actions import audited, flash_error, perform
from .labels import ANY_STATUS, ROLE_LABELS, STATUS_LABELS, options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

AUDIT_FIELDS = ("username", "name", "role", "status", "phone", "region_code")


class StaffFilter(FilterForm):
    q = StringField(_l("Username or name"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=options([("", _l("Any role"))] + list(ROLE_LABELS.items())),
                       validators=[Optional()])
    status = SelectField(_l("Status"), choices=options(ANY_STATUS), validators=[Optional()])


def staff_query(filters):
    statement = select(StaffUser)
    if q := filters.get("q", "").strip():
        statement = statement.where(or_(StaffUser.username.contains(q), StaffUser.name.contains(q)))
    return where_equal(statement, filters, {"role": StaffUser.role, "status": StaffUser.status})


STAFF = register(ListSpec(
    name="staff", title=_l("Staff accounts"), filter_form=StaffFilter, query=staff_query, default_sort="username",
    tiebreak=StaffUser.id,
    columns=[
        Column("id", _l("ID"), lambda s: s.id, sort=StaffUser.id),
        Column("username", _l("Username"), lambda s: s.username, sort=StaffUser.username),
        Column("name", _l("Name"), lambda s: s.name, sort=StaffUser.name),
        Column("role", _l("Role"), lambda s: ROLE_LABELS.get(s.role, s.role), sort=StaffUser.role),
        Column("region", _l("Region"), lambda s: regions.full_name(s.region_code) if s.region_code else ""),
        Column("status", _l("Status"), lambda s: STATUS_LABELS.get(s.status, s.status), sort=StaffUser.status),
        Column("created_at", _l("Created"), lambda s: s.created_at, sort=StaffUser.created_at),
    ]))


class StaffForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, dot, dash and underscore only."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    role = SelectField(_l("Role"), choices=options((r, ROLE_LABELS[r]) for r in STAFF_ROLES))
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=128)])
    phone = StringField(_l("Phone"), validators=[Optional(), Regexp(r"^1\d{10}$")])
    region_code = StringField(_l("Region code"), validators=[Optional(), Regexp(r"^\d{6}$")])


@bp.get("/staff")
def staff():
    return show_list(STAFF, "admin/staff/list.html", actions=True)


@bp.route("/staff/new", methods=["GET", "POST"])
def staff_new():
    form = StaffForm()
    if form.validate_on_submit():
        fields = {name: form[name].data or None for name in ("username", "name", "role", "phone", "region_code")}
        try:
            created = audited("staff.create", target=("staff", None), note=f"{fields['username']} ({fields['role']})",
                              call=lambda: service.create_staff(password=form.password.data, **fields))
        except ValidationError as error:  # the password rules (check_password)
            form.password.errors = list(form.password.errors) + [str(m) for m in error.messages]
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Account %(username)s created.", username=created.username), "success")
            return redirect(url_for("admin.staff"))
    return render_template("admin/staff/new.html", form=form)


def _status(staff_id, status, action, done):
    return perform(action, target=("staff", staff_id), load=lambda: service.get_staff(staff_id), fields=AUDIT_FIELDS,
                   call=lambda: service.set_staff_status(staff_id, status, by=g.staff.id),
                   done=done, back=url_for("admin.staff"))


@bp.post("/staff/<int:staff_id>/lock")
def staff_lock(staff_id):
    return _status(staff_id, "locked", "staff.lock", _l("Account locked; its sessions have ended."))


@bp.post("/staff/<int:staff_id>/unlock")
def staff_unlock(staff_id):
    return _status(staff_id, "active", "staff.unlock", _l("Account unlocked."))
