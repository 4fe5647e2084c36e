"""Points expiry (积分过期): the nightly write-off of lapsed lots, and what a member will lose when.

A lot lapses the day after its `expires_on` (Asia/Shanghai). The job writes one `expire` ledger entry
per lapsed lot with `ref = "lot:<id>"`; a partial UNIQUE index on (kind, ref) for expire entries and
the lot's own `remaining` (taken to 0 by the guarded debit) make a second run a no-op.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..db import transaction, utcnow
from ..extensions import db
from ..members.models import Member
from ..timeutil import local_today
from ..points.models import PointLot
from ..points.service import post_entry


def expire_lapsed(now=None, batch=500) -> int:
    """Scheduled: write off every lapsed lot still holding points. Returns how many points expired."""
    now = now or utcnow()
    today = local_today(now)
    expired = 0
    while True:
        lots = db.session.execute(
            select(PointLot.id, PointLot.member_id).where(PointLot.remaining > 0, PointLot.expires_on < today)
            .order_by(PointLot.id).limit(batch)).all()
        db.session.rollback()
        if not lots:
            return expired
        for lot_id, member_id in lots:
            expired += _expire_lot(lot_id, member_id, now)


def _expire_lot(lot_id, member_id, now) -> int:
    with transaction():
        # Lock the member row first, as every posting does, then read what the lot still holds.
        db.session.execute(select(Member.id).where(Member.id == member_id).with_for_update())
        lot = db.session.execute(select(PointLot.remaining, PointLot.expires_on)
                                 .where(PointLot.id == lot_id)).one()
        if lot.remaining == 0:
            return 0
        post_entry(member_id, -lot.remaining, "expire", ref=f"lot:{lot_id}", lot_id=lot_id, now=now,
                   note=_("Points valid until %(date)s expired", date=lot.expires_on.isoformat()))
    return lot.remaining


def summary(member_id, now=None) -> dict:
    """Balance and what will expire when (soonest first)."""
    today = local_today(now)
    rows = db.session.execute(
        select(PointLot.expires_on, func.sum(PointLot.remaining))
        .where(PointLot.member_id == member_id, PointLot.remaining > 0)
        .group_by(PointLot.expires_on).order_by(PointLot.expires_on)).all()
    expiring = [{"expires_on": day, "points": int(points), "lapsed": day < today} for day, points in rows]
    balance = db.session.get(Member, member_id).points_balance
    upcoming = next((item for item in expiring if not item["lapsed"]), None)
    return {"balance": balance, "expiring": expiring, "next_expiry": upcoming}
