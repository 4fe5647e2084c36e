"""Complaints and suggestions (投诉建议): list, a case's page, and assign, answer, resolve (with reward
points, credited once by the complaints service) or reject — audited."""
from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..auth.models import StaffUser
from ..complaints import service
from ..complaints.models import Complaint
from ..extensions import db
from ..members.models import Member
from . import bp
from .actions import perform
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list

AUDIT_FIELDS = ("status", "assignee_id", "result", "reward_points", "reward_entry_id", "handled_by")
STATUS_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                 "rejected": _l("Rejected")}
KIND_LABELS = {"complaint": _l("Complaint"), "suggestion": _l("Suggestion")}


class ComplaintFilter(FilterForm):
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=options([("", _l("Any status"))] + list(STATUS_LABELS.items())))
    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=options([("", _l("Any kind"))] + list(KIND_LABELS.items())))


def complaint_query(filters):
    return service.admin_complaints(status=filters.get("status"), kind=filters.get("kind")).order_by(None)


def _detail_url(complaint_id):
    return url_for("admin.complaints_detail", complaint_id=complaint_id)


def _member(complaint):
    return db.session.get(Member, complaint.member_id)


COMPLAINTS = register(ListSpec(
    name="complaints", title=_l("Complaints"), filter_form=ComplaintFilter, query=complaint_query,
    tiebreak=Complaint.id,
    columns=[
        Column("id", _l("ID"), lambda c: c.id, sort=Complaint.id, link=lambda c: _detail_url(c.id)),
        Column("created_at", _l("Filed"), lambda c: c.created_at, sort=Complaint.created_at),
        Column("kind", _l("Kind"), lambda c: KIND_LABELS.get(c.kind, c.kind), sort=Complaint.kind),
        Column("member", _l("Member phone"), lambda c: _member(c).masked_phone),
        Column("content", _l("Content"), lambda c: c.content[:60]),
        Column("status", _l("Status"), lambda c: STATUS_LABELS.get(c.status, c.status), sort=Complaint.status),
        Column("reward_points", _l("Reward points"), lambda c: c.reward_points),
    ]))


@bp.get("/complaints")
def complaints():
    return show_list(COMPLAINTS, "admin/complaints/list.html")


class AssignForm(FlaskForm):
    staff_id = SelectField(_l("Assign to"), coerce=int, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = db.session.scalars(select(StaffUser).where(StaffUser.status == "active")
                                   .order_by(StaffUser.name, StaffUser.id)).all()
        self.staff_id.choices = [(s.id, f"{s.name} ({s.username})") for s in staff]


class AnswerForm(FlaskForm):
    result = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=2000)])


class ResolveForm(AnswerForm):
    reward_points = IntegerField(_l("Reward points"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=100_000)])


@bp.get("/complaints/<int:complaint_id>")
def complaints_detail(complaint_id):
    complaint = service.get_complaint(complaint_id)
    return render_template("admin/complaints/detail.html", c=complaint, member=_member(complaint),
                           assignee=db.session.get(StaffUser, complaint.assignee_id) if complaint.assignee_id
                           else None, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           assign_form=AssignForm(staff_id=complaint.assignee_id), answer_form=AnswerForm(),
                           resolve_form=ResolveForm(prefix="resolve"), reject_form=AnswerForm(prefix="reject"))


def _staff_id():
    from flask import g

    return g.staff.id


def _act(form, complaint_id, action, call, done, note=None):
    back = _detail_url(complaint_id)
    if not form.validate_on_submit():
        for field in form:
            for message in field.errors:
                flash(f"{field.label.text}: {message}", "error")
        return redirect(back)
    return perform(action, target=("complaint", complaint_id), fields=AUDIT_FIELDS, note=note,
                   load=lambda: service.get_complaint(complaint_id), call=lambda: call(form),
                   done=done, back=back)


@bp.post("/complaints/<int:complaint_id>/assign")
def complaints_assign(complaint_id):
    return _act(AssignForm(), complaint_id, "complaint.assign",
                lambda f: service.assign(complaint_id, f.staff_id.data), _l("Assigned."))


@bp.post("/complaints/<int:complaint_id>/answer")
def complaints_answer(complaint_id):
    return _act(AnswerForm(), complaint_id, "complaint.answer",
                lambda f: service.answer(complaint_id, f.result.data.strip(), staff_id=_staff_id()),
                _l("Reply saved."))


@bp.post("/complaints/<int:complaint_id>/resolve")
def complaints_resolve(complaint_id):
    return _act(ResolveForm(prefix="resolve"), complaint_id, "complaint.resolve",
                lambda f: service.close(complaint_id, "resolved", f.result.data.strip(),
                                        reward_points=f.reward_points.data or 0, staff_id=_staff_id()),
                _l("Resolved."))


@bp.post("/complaints/<int:complaint_id>/reject")
def complaints_reject(complaint_id):
    return _act(AnswerForm(prefix="reject"), complaint_id, "complaint.reject",
                lambda f: service.close(complaint_id, "rejected", f.result.data.strip(), staff_id=_staff_id()),
                _l("Rejected."))
