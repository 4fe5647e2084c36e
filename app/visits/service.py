"""Visit use cases: plans, check-in within the radius, observations, check-out with photos, summaries.

A staff member only ever reaches their own visits and plans: another's is NotFound, never Forbidden,
so ids do not leak. Admins pass `staff_id=None` to see all.
"""
from datetime import datetime, time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import StaffUser
from ..db import transaction, utcnow, violated_constraint
from ..errors import ApiError, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..observations.models import Observation
from ..observations.service import record_observation, week_bounds
from ..pagination import paginate
from ..products.models import Product
from ..retailers.geo import haversine_m
from ..retailers.models import Retailer
from ..timeutil import LOCAL_TZ, local_today
from ..uploads import stored_photos
from .models import Visit, VisitPlan
from .schemas import MAX_OBSERVATIONS


class TooFar(ApiError):
    status, code, message = 422, "TOO_FAR", _l("You are too far from the store to check in.")


class VisitOpen(Conflict):
    code, message = "VISIT_OPEN", _l("Check out of your open visit first.")


class VisitClosed(Conflict):
    code, message = "VISIT_CLOSED", _l("This visit is already checked out.")


class RetailerNotLocated(ApiError):
    status, code, message = 422, "RETAILER_NOT_LOCATED", _l("The store has no coordinates; ask an admin to add them.")


class PlanTaken(Conflict):
    code, message = "PLAN_EXISTS", _l("This visit is already planned.")


class PlanVisited(Conflict):
    code, message = "PLAN_VISITED", _l("This planned visit has already been made.")


def _local_range(first_day, end_day):
    """UTC-comparable datetimes for [first_day 00:00, end_day 00:00) in Shanghai."""
    return (datetime.combine(first_day, time(), tzinfo=LOCAL_TZ), datetime.combine(end_day, time(), tzinfo=LOCAL_TZ))


# ---- plans ---------------------------------------------------------------------------------------------------

def create_plan(*, staff_id, retailer_id, planned_on, created_by=None) -> VisitPlan:
    with transaction():
        staff = db.session.get(StaffUser, staff_id)
        if staff is None:
            raise ValidationFailed({"staff_id": [str(_l("No such staff member."))]})
        if db.session.get(Retailer, retailer_id) is None:
            raise ValidationFailed({"retailer_id": [str(_l("No such retailer."))]})
        plan = VisitPlan(staff_id=staff_id, retailer_id=retailer_id, planned_on=planned_on, created_by=created_by)
        db.session.add(plan)
        try:
            db.session.flush()
        except IntegrityError:
            raise PlanTaken() from None
    return plan


def list_plans(*, staff_id=None, week=None, day=None):
    """Plans with `visit_id` of the visit made on each (None when not yet visited)."""
    statement = select(VisitPlan, Visit.id).outerjoin(Visit, Visit.plan_id == VisitPlan.id)
    if staff_id is not None:
        statement = statement.where(VisitPlan.staff_id == staff_id)
    if week:
        first, end = week_bounds(week)
        statement = statement.where(VisitPlan.planned_on >= first, VisitPlan.planned_on < end)
    if day:
        statement = statement.where(VisitPlan.planned_on == day)
    plans = []
    for plan, visit_id in db.session.execute(statement.order_by(VisitPlan.planned_on, VisitPlan.id)):
        plan.visit_id = visit_id
        plans.append(plan)
    return plans


# ---- visits --------------------------------------------------------------------------------------------------

def check_in(*, staff_id, retailer_id, lat, lon, planned_visit_id=None, now=None) -> Visit:
    """Open a visit at a store. Refused beyond CHECKIN_RADIUS_M (TOO_FAR with the distance) and while the
    staff member has another open visit (VISIT_OPEN; a partial UNIQUE index decides under concurrency).
    Without `planned_visit_id`, today's unvisited plan for this store is linked when there is one."""
    now = now or utcnow()
    retailer = db.session.get(Retailer, retailer_id)
    if retailer is None or retailer.status != "active":
        raise NotFound(_l("No such retailer."))
    if retailer.lat is None or retailer.lon is None:
        raise RetailerNotLocated()
    distance = haversine_m(lat, lon, retailer.lat, retailer.lon)
    radius = current_app.config["CHECKIN_RADIUS_M"]
    if distance > radius:
        raise TooFar(distance_m=round(distance), radius_m=radius)
    try:
        with transaction():
            plan_id = _plan_for(staff_id, retailer_id, planned_visit_id, now)
            visit = Visit(staff_id=staff_id, retailer_id=retailer_id, plan_id=plan_id, status="open",
                          checked_in_at=now, checkin_lat=round(lat, 6), checkin_lon=round(lon, 6),
                          distance_m=round(distance), photos=[], created_at=now)
            db.session.add(visit)
            db.session.flush()
    except IntegrityError as error:
        if "plan_id" in violated_constraint(error):
            raise PlanVisited() from None
        # Rolled back: read the visit that is open, so the app can offer to close it.
        raise VisitOpen(visit_id=_open_visit_id(staff_id)) from None
    return visit


def _open_visit_id(staff_id):
    return db.session.scalar(select(Visit.id).where(Visit.staff_id == staff_id, Visit.status == "open"))


def _plan_for(staff_id, retailer_id, planned_visit_id, now):
    if planned_visit_id is None:
        return db.session.scalar(
            select(VisitPlan.id).outerjoin(Visit, Visit.plan_id == VisitPlan.id)
            .where(VisitPlan.staff_id == staff_id, VisitPlan.retailer_id == retailer_id,
                   VisitPlan.planned_on == local_today(now), Visit.id.is_(None)).limit(1))
    plan = db.session.get(VisitPlan, planned_visit_id)
    if plan is None or plan.staff_id != staff_id:
        raise NotFound(_l("No such planned visit."))
    if plan.retailer_id != retailer_id:
        raise ValidationFailed({"planned_visit_id": [str(_l("The plan is for another store."))]})
    return plan.id


def get_visit(visit_id, staff_id=None, *, lock=False) -> Visit:
    statement = select(Visit).where(Visit.id == visit_id)
    if staff_id is not None:
        statement = statement.where(Visit.staff_id == staff_id)
    if lock:
        statement = statement.with_for_update(of=Visit)
    visit = db.session.scalar(statement)
    if visit is None:
        raise NotFound(_l("No such visit."))
    return visit


def add_observations(*, staff_id, visit_id, items, now=None) -> list[Observation]:
    """Record what the staff member saw at the store, one observation per product (channel `visit`)."""
    now = now or utcnow()
    if not 1 <= len(items) <= MAX_OBSERVATIONS:
        raise ValidationFailed({"_body": [str(_l("Send 1 to %(n)d observations.", n=MAX_OBSERVATIONS))]})
    with transaction():
        visit = get_visit(visit_id, staff_id, lock=True)  # the row lock orders us against a concurrent check-out
        if visit.status != "open":
            raise VisitClosed()
        wanted = {item["product_id"] for item in items}
        known = set(db.session.scalars(select(Product.id).where(Product.id.in_(wanted))))
        unknown = sorted(wanted - known)
        if unknown:
            raise ValidationFailed({"product_id": [str(_l("Unknown products: %(ids)s.",
                                                          ids=", ".join(map(str, unknown))))]})
        return [record_observation(retailer_id=visit.retailer_id, visit_id=visit.id, observed_at=now,
                                   channel="visit", **item) for item in items]


def check_out(*, staff_id, visit_id, notes=None, photos=(), now=None) -> Visit:
    """Close an open visit with notes and up to 6 photos (decoded and re-encoded); records the duration."""
    now = now or utcnow()
    visit = get_visit(visit_id, staff_id)
    if visit.status != "open":
        raise VisitClosed()
    with stored_photos(photos, "visits") as names, transaction():
        closed = db.session.execute(
            update(Visit).where(Visit.id == visit_id, Visit.status == "open")
            .values(status="closed", checked_out_at=now, notes=notes, photos=names,
                    duration_s=max(0, int((now - visit.checked_in_at).total_seconds())))
            .execution_options(synchronize_session=False)).rowcount
        if not closed:
            raise VisitClosed()
    db.session.expire(visit)
    return get_visit(visit_id)


def list_visits(*, staff_id=None, week=None, page=1, per_page=20):
    statement = select(Visit).order_by(Visit.checked_in_at.desc(), Visit.id.desc())
    if staff_id is not None:
        statement = statement.where(Visit.staff_id == staff_id)
    if week:
        start, end = _local_range(*week_bounds(week))
        statement = statement.where(Visit.checked_in_at >= start, Visit.checked_in_at < end)
    return paginate(statement, page, per_page)


def week_summary(week):
    """Plan vs actual per staff member for one ISO week (plans dated in it, visits checked in during it)."""
    first, end = week_bounds(week)
    start_at, end_at = _local_range(first, end)
    rows = {}

    def row(staff_id):
        return rows.setdefault(staff_id, {"staff_id": staff_id, "planned": 0, "planned_visited": 0, "visits": 0,
                                          "unplanned_visits": 0})

    plans = db.session.execute(
        select(VisitPlan.staff_id, func.count(VisitPlan.id), func.count(Visit.id))
        .outerjoin(Visit, (Visit.plan_id == VisitPlan.id) & (Visit.status == "closed"))
        .where(VisitPlan.planned_on >= first, VisitPlan.planned_on < end).group_by(VisitPlan.staff_id))
    for staff_id, planned, visited in plans:
        row(staff_id).update(planned=planned, planned_visited=visited)
    visits = db.session.execute(
        select(Visit.staff_id, func.count(Visit.id), func.count(Visit.id).filter(Visit.plan_id.is_(None)))
        .where(Visit.status == "closed", Visit.checked_in_at >= start_at, Visit.checked_in_at < end_at)
        .group_by(Visit.staff_id))
    for staff_id, count, unplanned in visits:
        row(staff_id).update(visits=count, unplanned_visits=unplanned)
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(rows))).all())
    items = []
    for staff_id in sorted(rows):
        item = rows[staff_id]
        item["name"] = names.get(staff_id, "")
        item["completion_rate"] = round(item["planned_visited"] / item["planned"], 4) if item["planned"] else None
        items.append(item)
    return {"week": week, "items": items}
