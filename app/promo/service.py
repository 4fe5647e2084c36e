"""Promo-item use cases: items, inbound, staff movements (领用/发放/消耗/兑换/退还), plans and the stock audit.

Stock moves by guarded UPDATE … RETURNING only (never read-modify-write), always the warehouse row before
a staff row so two transactions never lock in opposite orders. Each use case writes its movement row in
the same transaction, so the ledger and the stock on hand cannot drift apart.
"""
import logging
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from ..activities.models import Activity, assigned_to
from ..auth.models import StaffUser
from ..db import transaction, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..lifecycle.validity import require_valid
from ..members import member_codes
from ..members.models import Member
from ..pagination import paginate
from ..points.service import post_entry
from ..retailers.models import Retailer
from ..retailers.service import region_prefix
from ..schema_fields import MAX_DATE, MIN_DATE
from ..timeutil import LOCAL_TZ
from . import quotas
from .models import EFFECTS, USED_KINDS, PromoItem, PromoMovement, PromoPlan, PromoRequisition, PromoStock

log = logging.getLogger(__name__)


class InsufficientStock(Conflict):
    code, message = "INSUFFICIENT_STOCK", _l("Not enough of this item on hand.")


class NotExchangeable(Conflict):
    code, message = "NOT_EXCHANGEABLE", _l("This item has no points price and cannot be exchanged.")


class MemberLocked(Conflict):
    code, message = "MEMBER_LOCKED", _l("This member's account is locked; points cannot be spent.")


class ItemNameTaken(Conflict):
    code, message = "ITEM_NAME_TAKEN", _l("An item with this name already exists.")


class PromoPlanTaken(Conflict):
    code, message = "PLAN_EXISTS", _l("This item already has a plan for that region and month.")


# ---- items and stock rows --------------------------------------------------------------------------------------

def create_item(*, name, unit, unit_cost, low_stock_threshold=0, points_cost=None) -> PromoItem:
    with transaction():
        item = PromoItem(name=name, unit=unit, unit_cost=unit_cost, low_stock_threshold=low_stock_threshold,
                         points_cost=points_cost)
        db.session.add(item)
        try:
            db.session.flush()
        except IntegrityError:
            raise ItemNameTaken() from None
        db.session.add(PromoStock(item_id=item.id, staff_id=None, quantity=0))
        db.session.flush()
    return item


def get_item(item_id) -> PromoItem:
    item = db.session.get(PromoItem, item_id)
    if item is None:
        raise NotFound(_l("No such promo item."))
    return item


def _location(staff_id):
    return PromoStock.staff_id.is_(None) if staff_id is None else PromoStock.staff_id == staff_id


def _change(item_id, staff_id, delta):
    """Move one location's stock by delta, refusing to go below zero; the new quantity, or None."""
    return db.session.execute(
        update(PromoStock).where(PromoStock.item_id == item_id, _location(staff_id), PromoStock.quantity + delta >= 0)
        .values(quantity=PromoStock.quantity + delta).returning(PromoStock.quantity)
        .execution_options(synchronize_session=False)).scalar_one_or_none()


def _add(item_id, staff_id, quantity):
    on_hand = _change(item_id, staff_id, quantity)
    if on_hand is None:  # the first units this staff member holds: make the row
        try:
            with db.session.begin_nested():
                db.session.add(PromoStock(item_id=item_id, staff_id=staff_id, quantity=quantity))
                db.session.flush()
            return quantity
        except IntegrityError:  # a concurrent first move made it meanwhile
            on_hand = _change(item_id, staff_id, quantity)
    return on_hand


def _take(item_id, staff_id, quantity):
    on_hand = _change(item_id, staff_id, -quantity)
    if on_hand is None:
        raise InsufficientStock()
    return on_hand


def _apply(item, staff_id, kind, quantity):
    """Apply a kind's effects (warehouse first); returns (warehouse on hand or None, staff on hand or None)."""
    warehouse_sign, staff_sign = EFFECTS[kind]
    warehouse = staff = None
    if warehouse_sign:
        warehouse = (_add if warehouse_sign > 0 else _take)(item.id, None, quantity)
        if warehouse_sign < 0 and warehouse < item.low_stock_threshold:
            log.warning("promo item %s (%s) low in the warehouse: %s left, threshold %s", item.id, item.name,
                        warehouse, item.low_stock_threshold)
    if staff_sign:
        staff = (_add if staff_sign > 0 else _take)(item.id, staff_id, quantity)
    return warehouse, staff


# ---- movements -------------------------------------------------------------------------------------------------

def inbound(*, item_id, quantity, note=None, recorded_by, now=None) -> PromoMovement:
    """入库: units arrive in the warehouse."""
    with transaction():
        movement = _record_move(get_item(item_id), None, "inbound", quantity, recorded_by=recorded_by, note=note,
                                now=now or utcnow())
    movement.on_hand = movement.warehouse_on_hand
    return movement


def move(*, staff_id, kind, item_id, quantity, activity_id=None, retailer_id=None, member_id=None, member_code=None,
         note=None, record_id=None, now=None) -> PromoMovement | PromoRequisition:
    """A staff member's movement. requisition: warehouse → staff, within the monthly quota (领用额度), else a
    PromoRequisition pending an admin's approval is returned and nothing moves; return: staff → warehouse;
    distribution, consumption, exchange: out of the staff member's hands. An exchange needs the member's
    single-use member code (consumed here, so the member was present) and debits the member's points
    (item points_cost × quantity) in the same transaction: a wrong code, not enough points, a locked account
    or an expired membership (ISSUE 4: no redeeming until renewed, as for gifts), and nothing moves."""
    now = now or utcnow()
    with transaction():
        item = get_item(item_id)
        staff = db.session.get(StaffUser, staff_id)
        region_code = _check_refs(kind, activity_id, retailer_id, member_id, member_code, staff_id) or staff.region_code
        if kind == "exchange":
            if item.points_cost is None:
                raise NotExchangeable()
            member_id = _present_member(member_code, now)
        if kind == "requisition" and not quotas.take(staff_id, item.id, quantity, now):
            return _file_requisition(staff_id, item, quantity, activity_id, note, now)
        movement = _record_move(item, staff_id, kind, quantity, recorded_by=staff_id, activity_id=activity_id,
                                record_id=record_id, retailer_id=retailer_id, member_id=member_id,
                                region_code=region_code, note=note, now=now)
        if kind == "exchange":
            post_entry(member_id, -movement.points, "redeem", ref=f"exchange:{movement.id}",
                       note=f"{item.name} × {quantity}", now=now)
    return movement


def _record_move(item, staff_id, kind, quantity, *, recorded_by, now, **refs) -> PromoMovement:
    """Apply a movement's effects and write its ledger row; the row carries the new quantities on hand."""
    warehouse, on_hand = _apply(item, staff_id, kind, quantity)
    movement = PromoMovement(kind=kind, item_id=item.id, quantity=quantity, staff_id=staff_id,
                             recorded_by=recorded_by, points=item.points_cost * quantity if kind == "exchange" else None,
                             created_at=now, **refs)
    db.session.add(movement)
    db.session.flush()
    movement.on_hand, movement.warehouse_on_hand = on_hand, warehouse
    return movement


def _file_requisition(staff_id, item, quantity, activity_id, note, now) -> PromoRequisition:
    requisition = PromoRequisition(staff_id=staff_id, item_id=item.id, quantity=quantity, activity_id=activity_id,
                                   note=note, status="pending", created_at=now)
    db.session.add(requisition)
    db.session.flush()
    return requisition


def _present_member(member_code, now) -> int:
    """The member whose code this is, the code used up; the member must be able to spend points."""
    member = db.session.get(Member, member_codes.consume(member_code, now))
    if member.status != "active":
        raise MemberLocked()
    require_valid(member, now)  # MEMBERSHIP_EXPIRED, as the gift redemption answers
    return member.id


def _check_refs(kind, activity_id, retailer_id, member_id, member_code, staff_id):
    """Validate the optional references; returns the region the movement belongs to, if they tell one.
    An activity must be one the staff member is assigned to: any other is NotFound, as if it did not exist."""
    if activity_id is not None and db.session.scalar(
            select(Activity.id).where(Activity.id == activity_id, assigned_to(staff_id))) is None:
        raise NotFound(_l("No such activity."))
    problems = {}

    def load(model, row_id, field, message):
        row = db.session.get(model, row_id) if row_id is not None else None
        if row_id is not None and row is None:
            problems[field] = [str(message)]
        return row

    activity = db.session.get(Activity, activity_id) if activity_id is not None else None
    retailer = load(Retailer, retailer_id, "retailer_id", _l("No such retailer."))
    if kind == "exchange":
        # A member id proves nothing about who is there: only the member's own code does (issue 16).
        if member_id is not None:
            problems["member_id"] = [str(_l("Not accepted for an exchange: scan the member's code (member_code)."))]
        if member_code is None:
            problems["member_code"] = [str(_l("An exchange needs the member's code."))]
    else:
        load(Member, member_id, "member_id", _l("No such member."))
        if member_code is not None:
            problems["member_code"] = [str(_l("Only an exchange takes a member code."))]
    if problems:
        raise ValidationFailed(problems)
    return (retailer or activity).region_code if (retailer or activity) else None


def get_movement(movement_id, staff_id=None) -> PromoMovement:
    statement = select(PromoMovement).where(PromoMovement.id == movement_id)
    if staff_id is not None:
        statement = statement.where(PromoMovement.staff_id == staff_id)
    movement = db.session.scalar(statement)
    if movement is None:
        raise NotFound(_l("No such movement."))
    return movement


def list_movements(*, staff_id=None, item_id=None, kind=None, activity_id=None, page=1, per_page=20):
    statement = select(PromoMovement).order_by(PromoMovement.id.desc())
    for column, value in ((PromoMovement.staff_id, staff_id), (PromoMovement.item_id, item_id),
                          (PromoMovement.kind, kind), (PromoMovement.activity_id, activity_id)):
        if value is not None:
            statement = statement.where(column == value)
    return paginate(statement, page, per_page)


# ---- reading stock ---------------------------------------------------------------------------------------------

def stock_of(staff_id):
    """What a staff member holds: [{item_id, name, unit, quantity}], items with nothing left included."""
    rows = db.session.execute(select(PromoStock.item_id, PromoItem.name, PromoItem.unit, PromoStock.quantity)
                              .join(PromoItem, PromoItem.id == PromoStock.item_id)
                              .where(PromoStock.staff_id == staff_id).order_by(PromoStock.item_id))
    return [dict(row._mapping) for row in rows]


def all_stock(*, item_id=None, staff_id=None):
    statement = select(PromoStock).order_by(PromoStock.item_id, PromoStock.staff_id.nulls_first())
    if item_id is not None:
        statement = statement.where(PromoStock.item_id == item_id)
    if staff_id is not None:
        statement = statement.where(PromoStock.staff_id == staff_id)
    return db.session.scalars(statement).all()


def list_items(*, low_only=False):
    """Items with their warehouse quantity and a low-stock flag (warehouse under the item's threshold)."""
    rows = db.session.execute(select(PromoItem, PromoStock.quantity)
                              .join(PromoStock, and_(PromoStock.item_id == PromoItem.id, PromoStock.staff_id.is_(None)))
                              .order_by(PromoItem.id))
    items = []
    for item, quantity in rows:
        item.warehouse_quantity, item.low_stock = quantity, quantity < item.low_stock_threshold
        if item.low_stock or not low_only:
            items.append(item)
    return items


def report_low_stock():
    """Scheduled each morning: log a warning per item under its warehouse threshold; returns how many.
    Read-only, so running it twice is harmless."""
    low = list_items(low_only=True)
    for item in low:
        log.warning("low stock: promo item %s (%s) has %s in the warehouse, threshold %s", item.id, item.name,
                    item.warehouse_quantity, item.low_stock_threshold)
    return len(low)


def ledger_balances():
    """{(item_id, staff_id or None): Σ signed movements} over the whole ledger."""
    balances = {}
    for kind, (warehouse_sign, staff_sign) in EFFECTS.items():
        if warehouse_sign:
            for item_id, total in db.session.execute(
                    select(PromoMovement.item_id, func.sum(PromoMovement.quantity))
                    .where(PromoMovement.kind == kind).group_by(PromoMovement.item_id)):
                balances[(item_id, None)] = balances.get((item_id, None), 0) + warehouse_sign * total
        if staff_sign:
            for item_id, staff_id, total in db.session.execute(
                    select(PromoMovement.item_id, PromoMovement.staff_id, func.sum(PromoMovement.quantity))
                    .where(PromoMovement.kind == kind).group_by(PromoMovement.item_id, PromoMovement.staff_id)):
                key = (item_id, staff_id)
                balances[key] = balances.get(key, 0) + staff_sign * total
    return balances


def audit():
    """Locations whose stock on hand differs from the sum of their movements (should be none, ever)."""
    balances = ledger_balances()
    on_hand = {(s.item_id, s.staff_id): s.quantity for s in all_stock()}
    return [{"item_id": item_id, "staff_id": staff_id, "on_hand": on_hand.get((item_id, staff_id), 0),
             "ledger": balances.get((item_id, staff_id), 0)}
            for item_id, staff_id in sorted(set(balances) | set(on_hand), key=lambda k: (k[0], k[1] or 0))
            if on_hand.get((item_id, staff_id), 0) != balances.get((item_id, staff_id), 0)]


# ---- plans -----------------------------------------------------------------------------------------------------

def _month_range(month: str):
    """The month's first instant and the next month's, in Shanghai time; None for a month outside
    2000-01..2099-12 or not a month at all (a row written before MonthField bounded it): nothing was used in it,
    and listing the plans must not fail on it."""
    year, _, number = month.partition("-")
    if not (year.isascii() and year.isdigit() and number.isascii() and number.isdigit()):
        return None
    year, number = int(year), int(number)
    if not (MIN_DATE.year <= year <= MAX_DATE.year and 1 <= number <= 12):
        return None
    first = date(year, number, 1)
    end = date(year + number // 12, number % 12 + 1, 1)
    return (datetime.combine(first, time(), tzinfo=LOCAL_TZ), datetime.combine(end, time(), tzinfo=LOCAL_TZ))


def create_plan(*, item_id, region_code, month, quantity) -> PromoPlan:
    with transaction():
        get_item(item_id)
        plan = PromoPlan(item_id=item_id, region_code=region_code, month=month, quantity=quantity)
        db.session.add(plan)
        try:
            db.session.flush()
        except IntegrityError:
            raise PromoPlanTaken() from None
    return plan


def get_plan(plan_id) -> PromoPlan:
    plan = db.session.get(PromoPlan, plan_id)
    if plan is None:
        raise NotFound(_l("No such plan."))
    return plan


def update_plan(plan_id, *, quantity) -> PromoPlan:
    """Correct a plan's quantity. A plan is a target, not a movement: changing it moves no stock."""
    with transaction():
        plan = get_plan(plan_id)
        plan.quantity = quantity
    return _with_usage(plan)


def delete_plan(plan_id):
    """Remove a plan made by mistake (wrong item, region or month: delete it and plan again)."""
    with transaction():
        db.session.delete(get_plan(plan_id))


def used_quantity(item_id, region_code, start, end):
    """Units of an item that left staff hands (发放/消耗/兑换) in a region between two instants."""
    return db.session.scalar(
        select(func.coalesce(func.sum(PromoMovement.quantity), 0))
        .where(PromoMovement.item_id == item_id, PromoMovement.kind.in_(USED_KINDS),
               PromoMovement.region_code.startswith(region_prefix(region_code)),
               PromoMovement.created_at >= start, PromoMovement.created_at < end))


def list_plans(*, month=None, item_id=None):
    """Plans with `used` (and `remaining`) for planned vs used."""
    statement = select(PromoPlan).order_by(PromoPlan.month, PromoPlan.item_id, PromoPlan.region_code)
    if month:
        statement = statement.where(PromoPlan.month == month)
    if item_id is not None:
        statement = statement.where(PromoPlan.item_id == item_id)
    return [_with_usage(plan) for plan in db.session.scalars(statement).all()]


def _with_usage(plan):
    span = _month_range(plan.month)
    plan.used = used_quantity(plan.item_id, plan.region_code, *span) if span else 0
    plan.remaining = plan.quantity - plan.used
    return plan
