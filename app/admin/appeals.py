"""Identity appeals (身份申诉): the list, an appeal's page with the accounts it names, and the decision
(uphold: the holders are locked and give the identity up; reject). The appeals service audits both."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..appeals import service
from ..appeals.models import IdentityAppeal
from ..errors import ApiError
from ..extensions import db
from ..members.models import Member
from . import bp
from .actions import flash_error
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list

STATUS_LABELS = {"pending": _l("Pending"), "upheld": _l("Upheld"), "rejected": _l("Rejected")}


class AppealFilter(FilterForm):
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=options([("", _l("Any status"))] + list(STATUS_LABELS.items())))


def _detail_url(appeal_id):
    return url_for("admin.appeals_detail", appeal_id=appeal_id)


APPEALS = register(ListSpec(
    name="appeals", title=_l("Identity appeals"), filter_form=AppealFilter, tiebreak=IdentityAppeal.id,
    query=lambda filters: service.admin_appeals(status=filters.get("status")).order_by(None),
    columns=[
        Column("id", _l("ID"), lambda a: a.id, sort=IdentityAppeal.id, link=lambda a: _detail_url(a.id)),
        Column("created_at", _l("Filed"), lambda a: a.created_at, sort=IdentityAppeal.created_at),
        Column("phone", _l("Phone"), lambda a: a.masked_phone),
        Column("real_name", _l("Real name"), lambda a: a.real_name),
        Column("id_number", _l("ID number"), lambda a: a.id_number_masked),
        Column("status", _l("Status"), lambda a: STATUS_LABELS.get(a.status, a.status), sort=IdentityAppeal.status),
    ]))


@bp.get("/identity-appeals")
def appeals():
    return show_list(APPEALS, "admin/appeals/list.html")


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


@bp.get("/identity-appeals/<int:appeal_id>")
def appeals_detail(appeal_id):
    appeal = service.get_appeal(appeal_id)
    holders = {"phone": db.session.get(Member, appeal.phone_holder_id) if appeal.phone_holder_id else None,
               "id_number": db.session.get(Member, appeal.id_holder_id) if appeal.id_holder_id else None}
    return render_template("admin/appeals/detail.html", a=appeal, holders=holders, statuses=STATUS_LABELS,
                           uphold_form=DecisionForm(prefix="uphold"), reject_form=DecisionForm(prefix="reject"))


def _decide(appeal_id, decision, done):
    form = DecisionForm(prefix="uphold" if decision == "upheld" else "reject")
    if not form.validate_on_submit():
        for message in form.reason.errors:
            flash(f"{form.reason.label.text}: {message}", "error")
    else:
        try:
            service.resolve(appeal_id, decision, form.reason.data.strip(), staff_id=g.staff.id)
        except ApiError as error:
            flash_error(error)
        else:
            flash(done, "success")
    return redirect(_detail_url(appeal_id))


@bp.post("/identity-appeals/<int:appeal_id>/uphold")
def appeals_uphold(appeal_id):
    return _decide(appeal_id, "upheld", _l("Appeal upheld: the accounts are locked and the identity is free."))


@bp.post("/identity-appeals/<int:appeal_id>/reject")
def appeals_reject(appeal_id):
    return _decide(appeal_id, "rejected", _l("Appeal rejected."))
