"""Posting to the points ledger: the only way a balance changes (DESIGN.md rule 2)."""
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.util import identity_key

from ..db import utcnow
from ..errors import Conflict
from ..extensions import db
from ..members.models import Member
from ..timeutil import local_today
from . import hooks, lots
from .models import LedgerEntry, PointLot


class InsufficientPoints(Conflict):
    code, message = "INSUFFICIENT_POINTS", _l("Not enough points.")


def post_entry(member_id, delta, kind, *, ref=None, note=None, now=None, restores=None, lot_id=None):
    """Append a ledger entry and move the cached balance by `delta`, atomically.

    Must run inside `transaction()`. The balance moves by a guarded UPDATE … RETURNING, never by
    read-modify-write, so concurrent postings cannot lose updates or overdraw; raises
    InsufficientPoints when the balance would go negative. The points are booked in lots (lots.py):
    a credit opens one expiring at the end of next year, a debit spends the soonest-expiring first.
    A debit first writes off the member's lots whose date has passed (write_off_lapsed), so points the
    nightly expiry has not reached yet are never spent; if the debit is then refused, the write-off rolls
    back with it. A credit tells the credit subscribers (hooks.credited: the level recalculation).
    `restores`: the id of the debit a refund reverses (its points come back with their own expiry);
    `lot_id`: a debit that must come out of that lot (the expiry write-off).
    """
    if not isinstance(delta, int) or delta == 0:
        raise ValueError("delta must be a non-zero int")
    now = now or utcnow()
    if delta < 0 and lot_id is None:
        write_off_lapsed(member_id, now)
    balance = db.session.execute(
        update(Member)
        .where(Member.id == member_id, Member.points_balance + delta >= 0)
        .values(points_balance=Member.points_balance + delta)
        .returning(Member.points_balance)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if balance is None:
        raise InsufficientPoints()
    entry = LedgerEntry(member_id=member_id, delta=delta, balance_after=balance, kind=kind, ref=ref,
                        note=note, created_at=now)
    db.session.add(entry)
    db.session.flush()
    lots.record(entry, now, restores=restores, lot_id=lot_id)
    # The identity map may hold the member; keep it in step with the row.
    member = db.session.identity_map.get(identity_key(Member, member_id))
    if member is not None:
        db.session.expire(member, ["points_balance"])
    if delta > 0:
        hooks.credited(entry, now)
    return entry


def write_off_lapsed(member_id, now=None) -> int:
    """Inside a transaction: one `expire` entry (ref "lot:<id>") for each of the member's lots past its
    `expires_on` (Asia/Shanghai) that still holds points; returns the points written off.

    The nightly job (lifecycle/expiry.py) and every debit call this. The member row is locked first
    (FOR NO KEY UPDATE, the lock the balance UPDATE takes anyway), so no other posting for the member runs
    between reading a lot's `remaining` and writing it off: a lot is written off once, by whichever comes
    first, and the other finds it empty. The partial UNIQUE index on expire refs backs that up.
    """
    now = now or utcnow()
    db.session.execute(select(Member.id).where(Member.id == member_id).with_for_update(key_share=True))
    lapsed = db.session.execute(
        select(PointLot.id, PointLot.remaining, PointLot.expires_on)
        .where(PointLot.member_id == member_id, PointLot.remaining > 0, PointLot.expires_on < local_today(now))
        .order_by(PointLot.expires_on, PointLot.id)).all()
    for lot_id, remaining, expires_on in lapsed:
        post_entry(member_id, -remaining, "expire", ref=f"lot:{lot_id}", lot_id=lot_id, now=now,
                   note=_("Points valid until %(date)s expired", date=expires_on.isoformat()))
    return sum(lot.remaining for lot in lapsed)


def ledger_query(member_id):
    return select(LedgerEntry).where(LedgerEntry.member_id == member_id).order_by(LedgerEntry.id.desc())


def ledger_sum(member_id):
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0))
                             .where(LedgerEntry.member_id == member_id))
