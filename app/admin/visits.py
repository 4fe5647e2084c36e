"""Visits (拜访): the list of visits, visit plans for a staff member, store and day, and plan vs actual
per staff member for a week (app/visits/service.py)."""
from flask import flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from ..auth.models import StaffUser
from ..extensions import db
from ..timeutil import local_today
from ..visits import service
from ..visits.models import Visit
from . import bp
from .actions import perform
from .formfields import IdSelectField, WeekField, bounded_week
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

VISIT_STATUS_LABELS = {"open": _l("In progress"), "closed": _l("Completed")}


def this_week(today=None):
    year, week, _day = (today or local_today()).isocalendar()
    return f"{year}-W{week:02d}"


def staff_choices(blank):
    people = db.session.execute(select(StaffUser.id, StaffUser.name, StaffUser.username)
                                .where(StaffUser.role == "staff").order_by(StaffUser.name)).all()
    pairs = [(str(i), f"{name} ({username})") for i, name, username in people]
    return options(([("", blank)] if blank else []) + pairs)


class VisitFilter(FilterForm):
    staff = IdSelectField(_l("Staff member"), validators=[Optional()])
    week = WeekField(_l("Week"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()], choices=options(
        [("", _l("Any"))] + list(VISIT_STATUS_LABELS.items())))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff.choices = staff_choices(_l("Anyone"))


def visit_query(filters):
    statement = select(Visit)
    if week := filters.get("week"):
        start, end = service._local_range(*bounded_week(week))
        statement = statement.where(Visit.checked_in_at >= start, Visit.checked_in_at < end)
    return where_equal(statement, filters, {"status": Visit.status, "staff": Visit.staff_id})


def _staff_name(staff_id):
    person = db.session.get(StaffUser, staff_id)
    return person.name if person else staff_id


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60)


VISITS = register(ListSpec(
    name="visits", title=_l("Visits"), filter_form=VisitFilter, query=visit_query, default_sort="-checked_in_at",
    tiebreak=Visit.id,
    columns=[
        Column("id", _l("ID"), lambda v: v.id, sort=Visit.id),
        Column("staff", _l("Staff member"), lambda v: _staff_name(v.staff_id), sort=Visit.staff_id),
        Column("retailer", _l("Retailer"), lambda v: v.retailer.name, sort=Visit.retailer_id),
        Column("checked_in_at", _l("Checked in"), lambda v: v.checked_in_at, sort=Visit.checked_in_at),
        Column("checked_out_at", _l("Checked out"), lambda v: v.checked_out_at, sort=Visit.checked_out_at),
        Column("duration", _l("Minutes"), lambda v: _minutes(v.duration_s), sort=Visit.duration_s),
        Column("distance_m", _l("Distance (m)"), lambda v: v.distance_m, sort=Visit.distance_m),
        Column("planned", _l("Planned"), lambda v: _l("Yes") if v.plan_id else ""),
        Column("status", _l("Status"), lambda v: VISIT_STATUS_LABELS.get(v.status, v.status), sort=Visit.status),
        Column("notes", _l("Notes"), lambda v: v.notes),
    ]))


@bp.get("/visits")
def visits():
    return show_list(VISITS, "admin/visits/list.html")


class PlanForm(FlaskForm):
    staff_id = SelectField(_l("Staff member"), validators=[DataRequired()], validate_choice=False)
    retailer_id = IntegerField(_l("Retailer ID"), validators=[DataRequired(), NumberRange(min=1)])
    planned_on = DateField(_l("Date"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_id.choices = staff_choices(None)


class WeekForm(FilterForm):
    week = WeekField(_l("Week"), validators=[Optional()])
    staff = IdSelectField(_l("Staff member"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff.choices = staff_choices(_l("Anyone"))


def _week(filters):
    """The week asked for when valid, else this week."""
    return filters.get("week") or this_week()


def plan_rows(filters):
    return service.list_plans(staff_id=filters.get("staff"), week=_week(filters))


PLANS = register(ListSpec(
    name="visit_plans", title=_l("Visit plans"), filter_form=WeekForm, rows=plan_rows, default_sort="planned_on",
    columns=[
        Column("planned_on", _l("Date"), lambda p: p.planned_on, sort=lambda p: p.planned_on),
        Column("staff", _l("Staff member"), lambda p: _staff_name(p.staff_id), sort=lambda p: str(_staff_name(p.staff_id))),
        Column("retailer", _l("Retailer"), lambda p: f"{p.retailer.name} (#{p.retailer_id})",
               sort=lambda p: p.retailer.name),
        Column("visited", _l("Visited"), lambda p: _l("Yes") if p.visit_id else _l("Not yet"),
               sort=lambda p: p.visit_id is not None),
    ]))


@bp.get("/visits/plans")
def visits_plans():
    return show_list(PLANS, "admin/visits/plans.html", this_week=this_week(),
                     plan_form=PlanForm(planned_on=local_today()))


@bp.post("/visits/plans")
def visits_plans_new():
    form = PlanForm()
    back = url_for("admin.visits_plans", week=request.args.get("week") or None)
    if not form.validate_on_submit() or not (form.staff_id.data or "").isdigit():
        for field in form:
            for message in field.errors:
                flash(f"{field.label.text}: {message}", "error")
        if not form.errors:
            flash(_l("Choose a staff member."), "error")
        return redirect(back)
    staff_id, retailer_id, day = int(form.staff_id.data), form.retailer_id.data, form.planned_on.data
    back = url_for("admin.visits_plans", week=this_week(day))
    return perform("visit_plan.create", target=("visit_plan", None),
                   note=f"staff {staff_id} retailer {retailer_id} {day}",
                   call=lambda: service.create_plan(staff_id=staff_id, retailer_id=retailer_id, planned_on=day,
                                                    created_by=g.staff.id),
                   done=_l("Visit planned."), back=back)


def summary_rows(filters):
    items = service.week_summary(_week(filters))["items"]
    return [row for row in items if filters.get("staff") in (None, row["staff_id"])]


def _percent(rate):
    return None if rate is None else round(rate * 100)


SUMMARY = register(ListSpec(
    name="visit_summary", title=_l("Plan vs actual"), filter_form=WeekForm, rows=summary_rows, default_sort="staff",
    columns=[
        Column("staff", _l("Staff member"), lambda r: r["name"], sort=lambda r: r["name"]),
        Column("planned", _l("Planned"), lambda r: r["planned"], sort=lambda r: r["planned"]),
        Column("planned_visited", _l("Planned and visited"), lambda r: r["planned_visited"],
               sort=lambda r: r["planned_visited"]),
        Column("completion", _l("Completion (%)"), lambda r: _percent(r["completion_rate"]),
               sort=lambda r: r["completion_rate"]),
        Column("visits", _l("Completed visits"), lambda r: r["visits"], sort=lambda r: r["visits"]),
        Column("unplanned_visits", _l("Unplanned visits"), lambda r: r["unplanned_visits"],
               sort=lambda r: r["unplanned_visits"]),
    ]))


@bp.get("/visits/summary")
def visits_summary():
    return show_list(SUMMARY, "admin/visits/summary.html", this_week=this_week())
