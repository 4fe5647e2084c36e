"""Activity use cases: plan (admin), process records with items used and photos (staff), the effect check.

A staff member reaches only the activities they are assigned to; any other is NotFound.
"""
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..auth.models import StaffUser
from ..codes.models import Scan
from ..db import transaction, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..members.models import Member
from ..pagination import paginate
from ..products.models import Product
from ..promo import service as promo
from ..promo.models import USED_KINDS, PromoItem, PromoMovement
from ..retailers.models import Retailer
from ..retailers.service import region_prefix
from ..schema_fields import MAX_DATE, MIN_DATE
from ..timeutil import LOCAL_TZ, local_today
from ..uploads import stored_photos
from .models import Activity, ActivityRecord, assigned_to, state_on

CENT = Decimal("0.01")


class ActivityClosed(Conflict):
    code, message = "ACTIVITY_CLOSED", _l("This activity has ended or was cancelled.")


class ActivityNotStarted(Conflict):
    code, message = "ACTIVITY_NOT_STARTED", _l("This activity has not started yet.")


class ActivityNotEnded(Conflict):
    code, message = "ACTIVITY_NOT_ENDED", _l("The effect can be checked once the activity has ended.")


def _load(model, ids, field):
    ids = list(dict.fromkeys(ids))
    rows = db.session.scalars(select(model).where(model.id.in_(ids))).all() if ids else []
    if len(rows) != len(ids):
        missing = sorted(set(ids) - {row.id for row in rows})
        raise ValidationFailed({field: [str(_l("Unknown ids: %(ids)s.", ids=", ".join(map(str, missing))))]})
    return rows


def create_activity(data, *, created_by=None) -> Activity:
    data = dict(data)
    with transaction():
        activity = Activity(
            products=_load(Product, data.pop("product_ids"), "product_ids"),
            retailers=_load(Retailer, data.pop("retailer_ids"), "retailer_ids"),
            staff=_load(StaffUser, data.pop("staff_ids"), "staff_ids"),
            created_by=created_by, status="planned", **data)
        db.session.add(activity)
        db.session.flush()
    return activity


def cancel_activity(activity_id) -> Activity:
    """Cancel a planned or running activity: no more records; its effect is not checked."""
    with transaction():
        activity = get_activity(activity_id)
        if state_on(activity, local_today()) in ("ended", "cancelled"):
            raise ActivityClosed()
        activity.status = "cancelled"
    return activity


def get_activity(activity_id, staff_id=None) -> Activity:
    statement = select(Activity).where(Activity.id == activity_id)
    if staff_id is not None:
        statement = statement.where(assigned_to(staff_id))
    activity = db.session.scalar(statement)
    if activity is None:
        raise NotFound(_l("No such activity."))
    return activity


def list_activities(*, staff_id=None, page=1, per_page=20):
    statement = select(Activity).order_by(Activity.starts_on.desc(), Activity.id.desc())
    if staff_id is not None:
        statement = statement.where(assigned_to(staff_id))
    return paginate(statement, page, per_page)


def _with_items(record):
    record.items_used = db.session.scalars(select(PromoMovement).where(PromoMovement.record_id == record.id)
                                           .order_by(PromoMovement.id)).all()
    return record


def add_record(*, activity_id, staff_id, note=None, attendees=0, packs_sold=0, items=(), photos=(), now=None):
    """过程信息记录 by an assigned staff member while the activity runs. Items used leave the staff member's
    stock as movements linked to the record (all or nothing: INSUFFICIENT_STOCK records nothing)."""
    now = now or utcnow()
    activity = get_activity(activity_id, staff_id)
    state = state_on(activity, local_today(now))
    if state in ("ended", "cancelled"):
        raise ActivityClosed()
    if state == "planned":
        raise ActivityNotStarted()
    with stored_photos(photos, "activities") as names, transaction():
        record = ActivityRecord(activity_id=activity_id, staff_id=staff_id, note=note, attendees=attendees,
                                packs_sold=packs_sold, photos=names, created_at=now)
        db.session.add(record)
        db.session.flush()
        for use in items:
            promo.move(staff_id=staff_id, kind=use["kind"], item_id=use["item_id"], quantity=use["quantity"],
                       activity_id=activity_id, record_id=record.id, now=now)
    return _with_items(record)


def list_records(activity_id, staff_id=None):
    get_activity(activity_id, staff_id)
    statement = select(ActivityRecord).where(ActivityRecord.activity_id == activity_id).order_by(ActivityRecord.id)
    if staff_id is not None:
        statement = statement.where(ActivityRecord.staff_id == staff_id)
    return [_with_items(record) for record in db.session.scalars(statement)]


# ---- effect check (效果检验) -------------------------------------------------------------------------------------

def _in_area(column, prefixes):
    return or_(*[column.startswith(prefix) for prefix in prefixes])


def _window(prefixes, start, end):
    scans = db.session.scalar(select(func.count(Scan.id)).where(
        _in_area(Scan.region_code, prefixes), Scan.created_at >= start, Scan.created_at < end))
    members = db.session.scalar(select(func.count(Member.id)).where(
        _in_area(Member.region_code, prefixes), Member.created_at >= start, Member.created_at < end))
    return {"starts_at": start, "ends_at": end, "scans": scans, "new_members": members}


def _change(during, before):
    return round((during - before) / before, 4) if before else None


def _span(starts_on, ends_on):
    """The activity as instants [first midnight, midnight after its last day), its dates held within
    2000-01-01..2099-12-31: the bounded Date field admits nothing else, but a row written before it was bounded
    (starting 0001-01-01, say) must not overflow the arithmetic below — and nothing was recorded before 2000,
    so the counts are the same. Within the bounds, the window before (the same length again) starts no earlier
    than 1900, well inside the calendar."""
    first, last = max(starts_on, MIN_DATE), min(max(ends_on, MIN_DATE), MAX_DATE)
    return (datetime.combine(first, time(), tzinfo=LOCAL_TZ),
            datetime.combine(last + timedelta(days=1), time(), tzinfo=LOCAL_TZ))


def effect(activity_id, now=None):
    """Compare the activity's area during the activity with the same length of time just before it: scans and
    new members; items used against the budget; cost of items per new member."""
    activity = get_activity(activity_id)
    if state_on(activity, local_today(now)) != "ended":
        raise ActivityNotEnded()
    start, end = _span(activity.starts_on, activity.ends_on)
    codes = sorted({activity.region_code} | {r.region_code for r in activity.retailers})
    prefixes = {region_prefix(code) for code in codes}
    during, before = _window(prefixes, start, end), _window(prefixes, start - (end - start), start)
    used = db.session.execute(
        select(PromoItem.id, PromoItem.name, PromoItem.unit_cost, func.sum(PromoMovement.quantity))
        .join(PromoMovement, PromoMovement.item_id == PromoItem.id)
        .where(PromoMovement.activity_id == activity.id, PromoMovement.kind.in_(USED_KINDS))
        .group_by(PromoItem.id, PromoItem.name, PromoItem.unit_cost).order_by(PromoItem.id)).all()
    items = [{"item_id": i, "name": name, "quantity": qty, "cost": (unit_cost * qty).quantize(CENT)}
             for i, name, unit_cost, qty in used]
    cost = sum((item["cost"] for item in items), Decimal("0.00"))
    totals = db.session.execute(select(func.count(ActivityRecord.id), func.coalesce(func.sum(ActivityRecord.attendees), 0),
                                       func.coalesce(func.sum(ActivityRecord.packs_sold), 0))
                                .where(ActivityRecord.activity_id == activity.id)).one()
    return {
        "activity_id": activity.id, "region_codes": codes, "during": during, "before": before,
        "scans_change": _change(during["scans"], before["scans"]),
        "new_members_change": _change(during["new_members"], before["new_members"]),
        "items_used": items, "items_cost": cost, "item_budget": activity.item_budget,
        "budget_used": round(float(cost / activity.item_budget), 4) if activity.item_budget else None,
        "cost_per_new_member": (cost / during["new_members"]).quantize(CENT) if during["new_members"] else None,
        "records": totals[0], "attendees": totals[1], "packs_sold": totals[2],
    }
