"""Members (会员): search and list, a member's page with ledger and scans, and the admin actions on it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from sqlalchemy import or_, select
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import regions
from ..codes.models import Scan
from ..errors import ApiError
from ..extensions import db
from ..members import service
from ..members.models import INCOME_BANDS, OCCUPATIONS, PREFERRED_CATEGORIES, PRICE_TIERS, Member, MemberLevel
from ..members.schemas import ProfileSchema, ProfileUpdateSchema
from ..pagination import paginate
from ..points.service import ledger_query
from . import bp
from .actions import audited, flash_error, perform
from .phones import show_phone
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal
from .labels import ANY_STATUS, CHOICE_LABELS, LEDGER_KIND_LABELS, STATUS_LABELS, choices, options

AUDIT_FIELDS = ("status", "lock_reason", "level_code", "valid_until", "region_code", "preferred_category",
                "price_tier", "occupation", "income_band")


def level_choices(blank=None):
    levels = db.session.scalars(select(MemberLevel).order_by(MemberLevel.min_points)).all()
    return options(([("", blank)] if blank else []) + [(level.code, level.name) for level in levels])


class MemberFilter(FilterForm):
    q = StringField(_l("Phone or name"), validators=[Optional(), Length(max=30)])
    region = StringField(_l("Region code"), validators=[Optional(), Length(min=2, max=6)])
    level = SelectField(_l("Level"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), choices=options(ANY_STATUS), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_choices(blank=_l("Any level"))


def region_prefix(code: str) -> str:
    """440000 → 44 (a province), 440100 → 4401 (a city), 440106 → 440106."""
    code = code.strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def member_query(filters):
    statement = select(Member)
    if q := filters.get("q", "").strip():
        digits = q.replace(" ", "").replace("-", "")
        condition = Member.real_name.contains(q)
        if digits.isdigit():
            condition = or_(condition, Member.phone.contains(digits))
        statement = statement.where(condition)
    if region := filters.get("region"):
        statement = statement.where(Member.region_code.startswith(region_prefix(region)))
    return where_equal(statement, filters, {"level": Member.level_code, "status": Member.status})


MEMBERS = register(ListSpec(
    name="members", title=_l("Members"), filter_form=MemberFilter, query=member_query, default_sort="-created_at",
    tiebreak=Member.id,
    columns=[
        Column("id", _l("ID"), lambda m: m.id, sort=Member.id, link=lambda m: url_for("admin.members_detail",
                                                                                        member_id=m.id)),
        Column("phone", _l("Phone"), lambda m: m.masked_phone),
        Column("real_name", _l("Name"), lambda m: m.real_name, sort=Member.real_name),
        Column("region", _l("Region"), lambda m: regions.full_name(m.region_code) if m.region_code else ""),
        Column("level", _l("Level"), lambda m: m.level.name, sort=Member.level_code),
        Column("points_balance", _l("Points"), lambda m: m.points_balance, sort=Member.points_balance),
        Column("status", _l("Status"), lambda m: STATUS_LABELS.get(m.status, m.status), sort=Member.status),
        Column("valid_until", _l("Valid until"), lambda m: m.valid_until, sort=Member.valid_until),
        Column("created_at", _l("Joined"), lambda m: m.created_at, sort=Member.created_at),
    ]))


@bp.get("/members")
def members():
    return show_list(MEMBERS, "admin/members/list.html")


class LockForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


class ExtendForm(FlaskForm):
    days = IntegerField(_l("Days"), default=365, validators=[DataRequired(), NumberRange(min=1, max=3650)])


class LevelForm(FlaskForm):
    level_code = SelectField(_l("Level"), validate_choice=True)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level_code.choices = level_choices()


class ProfileForm(FlaskForm):
    region_code = StringField(_l("Region code"), validators=[Optional(), Length(max=6)])
    preferred_category = SelectField(_l("Preferred category"), choices=choices(PREFERRED_CATEGORIES, blank=True))
    price_tier = SelectField(_l("Price tier"), choices=choices(PRICE_TIERS, blank=True))
    occupation = SelectField(_l("Occupation"), choices=choices(OCCUPATIONS, blank=True))
    income_band = SelectField(_l("Income band"), choices=choices(INCOME_BANDS, blank=True))


def _detail_url(member_id):
    return url_for("admin.members_detail", member_id=member_id)


@bp.get("/members/<int:member_id>")
def members_detail(member_id):
    member = service.get_member(member_id)
    ledger = paginate(ledger_query(member_id), _page("lp"), 20)
    scans = paginate(select(Scan).where(Scan.member_id == member_id).order_by(Scan.id.desc()), _page("sp"), 20)
    level_form = LevelForm(level_code=member.level_code)
    return render_template("admin/members/detail.html", member=member, ledger=ledger, scans=scans,
                           lock_form=LockForm(), extend_form=ExtendForm(), level_form=level_form,
                           region_name=regions.full_name(member.region_code) if member.region_code else "",
                           labels=CHOICE_LABELS, ledger_kinds=LEDGER_KIND_LABELS)


@bp.post("/members/<int:member_id>/phone")
def members_show_phone(member_id):
    """The full number, for an admin who must call the member: shown in this one answer (console pages are never
    cached), audited with who saw it; the guard refuses read-only managers."""
    member = service.get_member(member_id)
    return show_phone("member.phone_shown", target=("member", member_id), phone=member.phone,
                      whose=member.real_name, back=_detail_url(member_id))


def _page(name):
    value = request.args.get(name, "1")
    return max(1, int(value)) if value.isdigit() else 1


def _load(member_id):
    return lambda: service.get_member(member_id)


def _invalid(form, member_id):
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")
    return redirect(_detail_url(member_id))


@bp.post("/members/<int:member_id>/lock")
def members_lock(member_id):
    form = LockForm()
    if not form.validate_on_submit():
        return _invalid(form, member_id)
    reason = form.reason.data.strip()
    return perform("member.lock", target=("member", member_id), load=_load(member_id), fields=AUDIT_FIELDS,
                   call=lambda: service.lock_member(member_id, reason), note=reason,
                   done=_l("The member is locked; their sessions have ended."), back=_detail_url(member_id))


@bp.post("/members/<int:member_id>/unlock")
def members_unlock(member_id):
    return perform("member.unlock", target=("member", member_id), load=_load(member_id), fields=AUDIT_FIELDS,
                   call=lambda: service.unlock_member(member_id, None),
                   done=_l("The member is unlocked."), back=_detail_url(member_id))


@bp.post("/members/<int:member_id>/extend")
def members_extend(member_id):
    form = ExtendForm()
    if not form.validate_on_submit():
        return _invalid(form, member_id)
    days = form.days.data
    return perform("member.extend_validity", target=("member", member_id), load=_load(member_id),
                   fields=AUDIT_FIELDS, call=lambda: service.extend_validity(member_id, days), note=f"+{days}d",
                   done=_l("Validity extended."), back=_detail_url(member_id))


@bp.post("/members/<int:member_id>/level")
def members_level(member_id):
    form = LevelForm()
    if not form.validate_on_submit():
        return _invalid(form, member_id)
    code, reason = form.level_code.data, form.reason.data.strip()
    return perform("member.set_level", target=("member", member_id), load=_load(member_id), fields=AUDIT_FIELDS,
                   call=lambda: service.set_level(member_id, code), note=reason,
                   done=_l("Level changed."), back=_detail_url(member_id))


@bp.post("/members/<int:member_id>/reset-password")
def members_reset_password(member_id):
    try:
        temporary = audited("member.reset_password", target=("member", member_id),
                            call=lambda: service.reset_password(member_id))
    except ApiError as error:
        flash_error(error)
        return redirect(_detail_url(member_id))
    # Shown once, on this response only: never stored, flashed or logged.
    return render_template("admin/members/password_reset.html", member=service.get_member(member_id),
                           temporary=temporary)


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
def members_edit(member_id):
    member = service.get_member(member_id)
    form = ProfileForm(obj=member)
    if form.validate_on_submit():
        raw = {name: (form[name].data or None) for name in ProfileSchema().fields}
        try:
            changes = ProfileUpdateSchema().load(raw)  # the API's own rules, not a second copy
        except ValidationError as error:
            for name, messages in error.messages.items():
                form[name].errors = list(form[name].errors) + [str(m) for m in messages]
        else:
            # An admin's correction of the region is not held to the member's once-per-period limit.
            return perform("member.update_profile", target=("member", member_id), load=_load(member_id),
                           fields=AUDIT_FIELDS,
                           call=lambda: service.update_profile(member_id, changes, limit_region=False),
                           done=_l("Profile saved."), back=_detail_url(member_id))
    return render_template("admin/members/edit.html", member=member, form=form)
