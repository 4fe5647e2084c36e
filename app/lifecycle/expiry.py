"""Points expiry (积分过期): the nightly write-off of lapsed lots, and what a member will lose when.

A lot lapses the day after its `expires_on` (Asia/Shanghai). Lapsed lots are written off by
points.service.write_off_lapsed: one `expire` ledger entry per lot with `ref = "lot:<id>"`, under the
member's row lock. The nightly job calls it for every member holding lapsed points; every debit (a gift
redemption, a promo-item exchange) calls it for its member first, in its own transaction, so points are
never spent after their date even before the night comes. Whichever runs first writes the lot off; the
other finds it empty (and a partial UNIQUE index on (kind, ref) for expire entries backs that up), so a
second run, or a spend followed by the nightly run, is a no-op.
"""
from sqlalchemy import func, select

from ..db import transaction, utcnow
from ..extensions import db
from ..members.models import Member
from ..timeutil import local_today
from ..points.models import PointLot
from ..points.service import write_off_lapsed


def expire_lapsed(now=None, batch=500) -> int:
    """Scheduled: write off every lapsed lot still holding points, one transaction per member. Returns how
    many points expired."""
    now = now or utcnow()
    today = local_today(now)
    expired = 0
    while True:
        members = db.session.scalars(
            select(PointLot.member_id).where(PointLot.remaining > 0, PointLot.expires_on < today)
            .group_by(PointLot.member_id).order_by(PointLot.member_id).limit(batch)).all()
        db.session.rollback()
        if not members:
            return expired
        for member_id in members:
            with transaction():
                expired += write_off_lapsed(member_id, now)


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
