"""Redemption use cases. Each is one transaction whose every write is guarded (DESIGN.md rules 2–5):

    redeem:  insert the redemption → per-member tally (`quantity + q <= limit`) → points (post_entry)
             → stock (`stock >= q`); any refusal rolls all of it back.
    cancel:  `UPDATE … SET status='cancelled' WHERE status='pending'` decides, once, who refunds;
             then tally, points and stock go back in the same order (so redeem and cancel never deadlock).

The hot row (the gift's stock) is locked last so it is held for the shortest time.
"""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from .. import throttle
from ..db import guarded_update, insert_ignoring_conflict, transaction, utcnow
from ..errors import ApiError, Conflict, NotFound
from ..extensions import db
from ..gifts.models import GiftMemberTally
from ..gifts.service import GiftUnavailable, OutOfStock, get_gift, move_stock
from ..lifecycle.validity import require_valid
from ..members.service import REFERRAL_ALPHABET, get_member
from ..points.service import post_entry
from ..timeutil import local_today
from .models import Redemption

PICKUP_CODE_LENGTH = 8  # 31^8 ≈ 8.5e11: unguessable at any realistic number of pending pickups


class LimitReached(Conflict):
    code, message = "LIMIT_REACHED", _l("You have reached the limit for this gift.")


class NotCancellable(Conflict):
    code, message = "NOT_CANCELLABLE", _l("Only a pending redemption can be cancelled.")


class AlreadyFulfilled(Conflict):
    code, message = "ALREADY_FULFILLED", _l("This redemption has already been handed over.")


class NotFulfillable(Conflict):
    code, message = "NOT_FULFILLABLE", _l("This redemption cannot be handed over.")


class NotShippable(Conflict):
    code, message = "NOT_SHIPPABLE", _l("Only a pending postal redemption can be marked shipped.")


def new_pickup_code():
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def normalize_pickup_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def redeem(member_id, gift_id, quantity, delivery, now=None):
    """Spend points on a gift; returns (redemption, balance after). Raises GIFT_UNAVAILABLE,
    OUT_OF_STOCK, LIMIT_REACHED, INSUFFICIENT_POINTS, MEMBERSHIP_EXPIRED (409) or 404."""
    now = now or utcnow()
    with transaction():
        member = get_member(member_id)
        require_valid(member, now)
        try:
            gift = get_gift(gift_id)
        except NotFound:
            raise NotFound(_l("No such gift.")) from None
        if not gift.available_on(local_today(now)):
            raise GiftUnavailable()
        if gift.stock < quantity:  # a cheap early answer; the guarded UPDATE below is what decides
            raise OutOfStock()
        redemption = Redemption(member_id=member_id, gift_id=gift.id, quantity=quantity,
                                points_spent=gift.points_cost * quantity, status="pending",
                                method=delivery["method"], created_at=now)
        if delivery["method"] == "pickup":
            redemption.pickup_code = new_pickup_code()
        else:
            redemption.ship_name, redemption.ship_phone = delivery["name"], delivery["phone"]
            redemption.ship_address = delivery["address"]
        db.session.add(redemption)
        db.session.flush()
        ref = f"redemption:{redemption.id}"
        _take_allowance(gift, member_id, quantity)
        entry = post_entry(member_id, -redemption.points_spent, "redeem", ref=ref, note=gift.name[:200], now=now)
        redemption.debit_entry_id = entry.id
        db.session.flush()  # before the stock row is locked: after it, only its ledger row and COMMIT
        move_stock(gift.id, -quantity, "redeem", ref=ref, now=now)
    redemption.balance = entry.balance_after
    return redemption, entry.balance_after


def _take_allowance(gift, member_id, quantity):
    """Count the units against the member's limit with a guarded UPDATE (kept for unlimited gifts too,
    so a limit set later counts what was redeemed before it)."""
    insert_ignoring_conflict(GiftMemberTally, gift_id=gift.id, member_id=member_id, quantity=0)
    guard = GiftMemberTally.quantity + quantity <= gift.per_member_limit if gift.per_member_limit else True
    taken = guarded_update(GiftMemberTally.quantity, GiftMemberTally.gift_id == gift.id,
                           GiftMemberTally.member_id == member_id, guard,
                           quantity=GiftMemberTally.quantity + quantity)
    if taken is None:
        raise LimitReached(limit=gift.per_member_limit)


def get_redemption(redemption_id, member_id=None) -> Redemption:
    """A redemption; with member_id, only that member's (another's is 404, not 403)."""
    redemption = db.session.get(Redemption, redemption_id)
    if redemption is None or (member_id is not None and redemption.member_id != member_id):
        raise NotFound()
    return redemption


def member_redemptions(member_id):
    return select(Redemption).where(Redemption.member_id == member_id).order_by(Redemption.id.desc())


def admin_redemptions(*, status=None, method=None, member_id=None):
    query = select(Redemption)
    for column, value in ((Redemption.status, status), (Redemption.method, method),
                          (Redemption.member_id, member_id)):
        if value is not None:
            query = query.where(column == value)
    return query.order_by(Redemption.id.desc())


def cancel(redemption_id, *, by, member_id=None, reason=None, now=None) -> Redemption:
    """Cancel a pending redemption; points, stock and the member's allowance come back exactly once."""
    now = now or utcnow()
    with transaction():
        redemption = get_redemption(redemption_id, member_id)
        if guarded_update(Redemption.id, Redemption.id == redemption.id, Redemption.status == "pending",
                          status="cancelled", cancelled_at=now, cancelled_by=by, cancel_reason=reason) is None:
            raise NotCancellable()
        ref = f"redemption:{redemption.id}"
        guarded_update(GiftMemberTally.quantity, GiftMemberTally.gift_id == redemption.gift_id,
                       GiftMemberTally.member_id == redemption.member_id,
                       GiftMemberTally.quantity >= redemption.quantity,
                       quantity=GiftMemberTally.quantity - redemption.quantity)
        post_entry(redemption.member_id, redemption.points_spent, "refund", ref=ref, now=now,
                   note=_("Redemption %(id)s cancelled", id=redemption.id), restores=redemption.debit_entry_id)
        move_stock(redemption.gift_id, redemption.quantity, "cancel", ref=ref, reason=reason, now=now)
        db.session.expire(redemption)
    return redemption


def fulfil(pickup_code, *, staff_id, now=None) -> Redemption:
    """Staff hand a pickup over (核销) against its code; a code works once. Wrong codes count against the
    staff member (FULFIL_INVALID_LIMIT): past it every fulfilment waits, so guessing codes stops paying."""
    now = now or utcnow()
    budget = current_app.config["FULFIL_INVALID_LIMIT"]
    throttle.refuse_if_spent(budget, "fulfil-invalid", str(staff_id))
    with transaction():
        redemption = db.session.scalar(select(Redemption).where(
            Redemption.pickup_code == normalize_pickup_code(pickup_code)))
        if redemption is None:
            throttle.count(budget, "fulfil-invalid", str(staff_id))
            raise NotFound(_l("No redemption has this pickup code."))
        won = guarded_update(Redemption.id, Redemption.id == redemption.id, Redemption.status == "pending",
                             Redemption.method == "pickup", status="fulfilled", fulfilled_at=now,
                             fulfilled_by=staff_id)
        db.session.expire(redemption)
        if won is None:
            raise AlreadyFulfilled() if redemption.status == "fulfilled" else NotFulfillable(redemption_status=redemption.status)
    return redemption


def ship(redemption_id, tracking_no, *, now=None) -> Redemption:
    """An admin marks a postal redemption shipped, with its tracking number."""
    now = now or utcnow()
    with transaction():
        redemption = get_redemption(redemption_id)
        if guarded_update(Redemption.id, Redemption.id == redemption.id, Redemption.status == "pending",
                          Redemption.method == "post", status="shipped", shipped_at=now,
                          tracking_no=tracking_no) is None:
            raise NotShippable()
        db.session.expire(redemption)
    return redemption


def cancel_uncollected_pickups(now=None) -> int:
    """Scheduled: pickups still pending PICKUP_EXPIRY_DAYS after redemption are cancelled and refunded.
    One transaction each; a second run finds nothing left to cancel."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["PICKUP_EXPIRY_DAYS"])
    ids = db.session.scalars(select(Redemption.id).where(
        Redemption.status == "pending", Redemption.method == "pickup", Redemption.created_at < cutoff)
        .order_by(Redemption.id)).all()
    db.session.rollback()  # end the read; each cancel opens its own write transaction
    cancelled = 0
    for redemption_id in ids:
        try:
            cancel(redemption_id, by="system", reason=_("Not collected in time"), now=now)
            cancelled += 1
        except ApiError:  # collected or cancelled meanwhile
            pass
    return cancelled
