"""领用额度: how many units of each item a staff member may requisition per Shanghai calendar month without an
admin's approval — PROMO_REQUISITION_QUOTA, unless the staff member has an override. Taking from the quota is
one guarded UPDATE on the month's tally, so concurrent requisitions can never pass it together."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..audit.service import record
from ..auth.models import StaffUser
from ..db import guarded_update, insert_ignoring_conflict, transaction
from ..errors import NotFound
from ..extensions import db
from ..timeutil import local_today
from .models import PromoQuota, PromoRequisitionTally

QUOTA_ROLES = ("staff", "admin")  # who may requisition (admins can do all staff can)


def default_quota() -> int:
    return current_app.config["PROMO_REQUISITION_QUOTA"]


def quota_of(staff_id) -> int:
    override = db.session.get(PromoQuota, staff_id)
    return override.monthly_quantity if override is not None else default_quota()


def month_of(now) -> str:
    return local_today(now).strftime("%Y-%m")


def take(staff_id, item_id, quantity, now) -> bool:
    """Count `quantity` against this month's quota, in the caller's transaction; False (nothing counted) when
    it would go over."""
    month = month_of(now)
    insert_ignoring_conflict(PromoRequisitionTally, staff_id=staff_id, item_id=item_id, month=month, quantity=0)
    taken = guarded_update(PromoRequisitionTally.quantity, PromoRequisitionTally.staff_id == staff_id,
                           PromoRequisitionTally.item_id == item_id, PromoRequisitionTally.month == month,
                           PromoRequisitionTally.quantity + quantity <= quota_of(staff_id),
                           quantity=PromoRequisitionTally.quantity + quantity)
    return taken is not None


def taken_this_month(staff_id, item_id, now) -> int:
    return db.session.scalar(select(PromoRequisitionTally.quantity).where(
        PromoRequisitionTally.staff_id == staff_id, PromoRequisitionTally.item_id == item_id,
        PromoRequisitionTally.month == month_of(now))) or 0


def _row(person, overrides):
    return {"staff_id": person.id, "username": person.username, "name": person.name,
            "monthly_quantity": overrides.get(person.id, default_quota()), "own": person.id in overrides}


def list_quotas():
    """Every field staff member (and admin) with their quota and whether it is their own."""
    overrides = {q.staff_id: q.monthly_quantity for q in db.session.scalars(select(PromoQuota))}
    people = db.session.scalars(select(StaffUser).where(StaffUser.role.in_(QUOTA_ROLES))
                                .order_by(StaffUser.username)).all()
    return [_row(person, overrides) for person in people]


def _staff(staff_id) -> StaffUser:
    person = db.session.get(StaffUser, staff_id)
    if person is None or person.role not in QUOTA_ROLES:
        raise NotFound(_l("No such staff member."))
    return person


def set_quota(staff_id, monthly_quantity):
    """Give a staff member an own quota (audited); the row as list_quotas shows it."""
    with transaction():
        person = _staff(staff_id)
        before = quota_of(staff_id)
        insert_ignoring_conflict(PromoQuota, staff_id=staff_id, monthly_quantity=monthly_quantity)
        db.session.get(PromoQuota, staff_id).monthly_quantity = monthly_quantity
        _record("promo_quota.set", staff_id, before, monthly_quantity)
    return _row(person, {staff_id: monthly_quantity})


def clear_quota(staff_id):
    """Back to the default quota (audited)."""
    with transaction():
        person = _staff(staff_id)
        before = quota_of(staff_id)
        db.session.execute(delete(PromoQuota).where(PromoQuota.staff_id == staff_id))
        _record("promo_quota.clear", staff_id, before, default_quota())
    return _row(person, {})


def _record(action, staff_id, before, after):
    record(action, target_type="staff", target_id=staff_id, before={"monthly_quantity": before},
           after={"monthly_quantity": after})
