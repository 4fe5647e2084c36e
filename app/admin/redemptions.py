"""Redemptions (兑换订单): list and filter, a redemption's page, and hand-over, shipping and cancelling —
each one call of the redemptions service (which owns points, stock and the status guards), audited."""
from datetime import datetime, time, timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from werkzeug.exceptions import NotFound
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..members.models import Member
from ..redemptions import service
from ..redemptions.models import Redemption
from ..timeutil import LOCAL_TZ
from . import bp
from .actions import perform
from .labels import options
from .phones import show_phone
from .listing import Column, FilterForm, ListSpec, register, show_list

AUDIT_FIELDS = ("status", "tracking_no", "fulfilled_at", "shipped_at", "cancelled_at", "cancel_reason")
STATUS_LABELS = {"pending": _l("Pending"), "fulfilled": _l("Handed over"), "shipped": _l("Shipped"),
                 "cancelled": _l("Cancelled")}
METHOD_LABELS = {"pickup": _l("Pickup"), "post": _l("Post")}


class RedemptionFilter(FilterForm):
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=options([("", _l("Any status"))] + list(STATUS_LABELS.items())))
    method = SelectField(_l("Delivery"), validators=[Optional()],
                         choices=options([("", _l("Any delivery"))] + list(METHOD_LABELS.items())))
    phone = StringField(_l("Member phone"), validators=[Optional(), Length(max=20)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


def _local_start(day):
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def redemption_query(filters):
    statement = service.admin_redemptions(status=filters.get("status"), method=filters.get("method")).order_by(None)
    digits = "".join(ch for ch in filters.get("phone", "") if ch.isdigit())
    if digits:
        statement = statement.where(Redemption.member_id.in_(select(Member.id).where(Member.phone.contains(digits))))
    if day := filters.get("date_from"):
        statement = statement.where(Redemption.created_at >= _local_start(day))
    if day := filters.get("date_to"):  # inclusive: the whole Shanghai day
        statement = statement.where(Redemption.created_at < _local_start(day + timedelta(days=1)))
    return statement


def _member(redemption):
    return db.session.get(Member, redemption.member_id)


def _detail_url(redemption_id):
    return url_for("admin.redemptions_detail", redemption_id=redemption_id)


REDEMPTIONS = register(ListSpec(
    name="redemptions", title=_l("Redemptions"), filter_form=RedemptionFilter, query=redemption_query,
    tiebreak=Redemption.id,
    columns=[
        Column("id", _l("ID"), lambda r: r.id, sort=Redemption.id, link=lambda r: _detail_url(r.id)),
        Column("created_at", _l("Redeemed"), lambda r: r.created_at, sort=Redemption.created_at),
        Column("member", _l("Member phone"), lambda r: _member(r).masked_phone),
        Column("gift", _l("Gift"), lambda r: r.gift.name),
        Column("quantity", _l("Quantity"), lambda r: r.quantity),
        Column("points_spent", _l("Points"), lambda r: r.points_spent, sort=Redemption.points_spent),
        Column("method", _l("Delivery"), lambda r: METHOD_LABELS.get(r.method, r.method), sort=Redemption.method),
        Column("status", _l("Status"), lambda r: STATUS_LABELS.get(r.status, r.status), sort=Redemption.status),
    ]))


@bp.get("/redemptions")
def redemptions():
    return show_list(REDEMPTIONS, "admin/redemptions/list.html", fulfil_form=FulfilForm())


class FulfilForm(FlaskForm):
    pickup_code = StringField(_l("Pickup code"), validators=[DataRequired(), Length(max=20)])


class ShipForm(FlaskForm):
    tracking_no = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=40)])


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


@bp.get("/redemptions/<int:redemption_id>")
def redemptions_detail(redemption_id):
    redemption = service.get_redemption(redemption_id)
    return render_template("admin/redemptions/detail.html", r=redemption, member=_member(redemption),
                           statuses=STATUS_LABELS, methods=METHOD_LABELS, fulfil_form=FulfilForm(),
                           ship_form=ShipForm(), cancel_form=CancelForm())


@bp.post("/redemptions/<int:redemption_id>/phone")
def redemptions_show_phone(redemption_id):
    """The recipient's full number, for an admin handing a parcel to the courier: shown in this one answer,
    audited with who saw it; the guard refuses read-only managers."""
    redemption = service.get_redemption(redemption_id)
    if not redemption.ship_phone:
        raise NotFound()
    return show_phone("redemption.phone_shown", target=("redemption", redemption_id), phone=redemption.ship_phone,
                      whose=redemption.ship_name, back=_detail_url(redemption_id))


def _invalid(form, back):
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")
    return redirect(back)


def _staff_id():
    from flask import g

    return g.staff.id


@bp.post("/redemptions/fulfil")
def redemptions_fulfil():
    """Hand a pickup over against the code the member shows (核销); the code finds the redemption."""
    form = FulfilForm()
    if not form.validate_on_submit():
        return _invalid(form, url_for("admin.redemptions"))
    code = form.pickup_code.data
    found = db.session.scalar(select(Redemption.id).where(
        Redemption.pickup_code == service.normalize_pickup_code(code)))
    back = _detail_url(found) if found else url_for("admin.redemptions")
    return perform("redemption.fulfil", target=("redemption", found), note=service.normalize_pickup_code(code),
                   call=lambda: service.fulfil(code, staff_id=_staff_id()),
                   done=_l("Handed over."), back=back)


def _load(redemption_id):
    return lambda: service.get_redemption(redemption_id)


@bp.post("/redemptions/<int:redemption_id>/ship")
def redemptions_ship(redemption_id):
    form = ShipForm()
    back = _detail_url(redemption_id)
    if not form.validate_on_submit():
        return _invalid(form, back)
    tracking = form.tracking_no.data.strip()
    return perform("redemption.ship", target=("redemption", redemption_id), load=_load(redemption_id),
                   fields=AUDIT_FIELDS, call=lambda: service.ship(redemption_id, tracking), note=tracking,
                   done=_l("Marked shipped."), back=back)


@bp.post("/redemptions/<int:redemption_id>/cancel")
def redemptions_cancel(redemption_id):
    form = CancelForm()
    back = _detail_url(redemption_id)
    if not form.validate_on_submit():
        return _invalid(form, back)
    reason = form.reason.data.strip()
    return perform("redemption.cancel", target=("redemption", redemption_id), load=_load(redemption_id),
                   fields=AUDIT_FIELDS, note=reason,
                   call=lambda: service.cancel(redemption_id, by="admin", reason=reason),
                   done=_l("Cancelled: the points and the stock are back."), back=back)
