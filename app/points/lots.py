"""Point lots: when points expire, and which points a debit spends.

Rules (ISSUE 4 §6): points earned in year Y expire at the end of year Y + POINTS_EXPIRE_AFTER_YEARS
(default 1: earned any day of 2026, spendable through 31 Dec 2027). A debit spends the soonest-expiring
points first. A refund (`restores=` the debit's ledger entry) gives back the very lots it took, with
their own expiry dates, as new lots: a cancelled redemption neither lengthens nor shortens the life of
the points it returns (if those dates have passed meanwhile, the next expiry run writes them off).

Every write here runs inside post_entry, after its guarded balance UPDATE has locked the member row,
so concurrent postings for one member are serialised and the lot updates below cannot interleave;
they are still guarded (`remaining >= :take`) so a mistake fails loudly instead of overdrawing a lot.
"""
from datetime import date

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..timeutil import local_today
from .models import PointLot, PointLotUse


def expiry_for(now) -> date:
    today = local_today(now)
    return date(today.year + current_app.config["POINTS_EXPIRE_AFTER_YEARS"], 12, 31)


def record(entry, now, *, restores=None, lot_id=None):
    """Book the lots behind a ledger entry just written (called by post_entry only)."""
    if entry.delta > 0:
        _open(entry, now, restores)
    else:
        _consume(entry, -entry.delta, lot_id)


def _open(entry, now, restores):
    parts = []
    if restores is not None:
        parts = db.session.execute(
            select(PointLot.expires_on, PointLotUse.amount).join(PointLot, PointLot.id == PointLotUse.lot_id)
            .where(PointLotUse.entry_id == restores).order_by(PointLot.expires_on, PointLot.id)).all()
    left = entry.delta
    for expires_on, amount in parts:
        take = min(amount, left)
        if take > 0:
            db.session.add(PointLot(member_id=entry.member_id, entry_id=entry.id, amount=take, remaining=take,
                                    expires_on=expires_on))
            left -= take
    if left > 0:
        db.session.add(PointLot(member_id=entry.member_id, entry_id=entry.id, amount=left, remaining=left,
                                expires_on=expiry_for(now)))


def _consume(entry, amount, lot_id):
    query = (select(PointLot.id, PointLot.remaining)
             .where(PointLot.member_id == entry.member_id, PointLot.remaining > 0)
             .order_by(PointLot.expires_on, PointLot.id))
    if lot_id is not None:
        query = query.where(PointLot.id == lot_id)
    left = amount
    for lot, remaining in db.session.execute(query).all():
        take = min(remaining, left)
        taken = db.session.execute(
            update(PointLot).where(PointLot.id == lot, PointLot.remaining >= take)
            .values(remaining=PointLot.remaining - take).returning(PointLot.id)
            .execution_options(synchronize_session=False)).scalar_one_or_none()
        if taken is None:
            raise RuntimeError(f"point lot {lot} changed under a locked member row")
        db.session.add(PointLotUse(entry_id=entry.id, lot_id=lot, amount=take))
        left -= take
        if left == 0:
            break
    if left:
        raise RuntimeError(f"lots of member {entry.member_id} hold {amount - left} < {amount} points")
    db.session.flush()
