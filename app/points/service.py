"""Posting to the points ledger: the only way a balance changes (DESIGN.md rule 2)."""
from sqlalchemy import func, select, update
from sqlalchemy.orm.util import identity_key

from ..db import utcnow
from ..errors import Conflict
from ..extensions import db
from ..members.models import Member
from . import lots
from .models import LedgerEntry
from flask_babel import lazy_gettext as _l


class InsufficientPoints(Conflict):
    code, message = "INSUFFICIENT_POINTS", _l("Not enough points.")


def post_entry(member_id, delta, kind, *, ref=None, note=None, now=None, restores=None, lot_id=None):
    """Append a ledger entry and move the cached balance by `delta`, atomically.

    Must run inside `transaction()`. The balance moves by a guarded UPDATE … RETURNING, never by
    read-modify-write, so concurrent postings cannot lose updates or overdraw; raises
    InsufficientPoints when the balance would go negative. The points are booked in lots (lots.py):
    a credit opens one expiring at the end of next year, a debit spends the soonest-expiring first.
    `restores`: the id of the debit a refund reverses (its points come back with their own expiry);
    `lot_id`: a debit that must come out of that lot (the expiry write-off).
    """
    if not isinstance(delta, int) or delta == 0:
        raise ValueError("delta must be a non-zero int")
    balance = db.session.execute(
        update(Member)
        .where(Member.id == member_id, Member.points_balance + delta >= 0)
        .values(points_balance=Member.points_balance + delta)
        .returning(Member.points_balance)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if balance is None:
        raise InsufficientPoints()
    now = now or utcnow()
    entry = LedgerEntry(member_id=member_id, delta=delta, balance_after=balance, kind=kind, ref=ref,
                        note=note, created_at=now)
    db.session.add(entry)
    db.session.flush()
    lots.record(entry, now, restores=restores, lot_id=lot_id)
    # The identity map may hold the member; keep it in step with the row.
    member = db.session.identity_map.get(identity_key(Member, member_id))
    if member is not None:
        db.session.expire(member, ["points_balance"])
    return entry


def ledger_query(member_id):
    return select(LedgerEntry).where(LedgerEntry.member_id == member_id).order_by(LedgerEntry.id.desc())


def ledger_sum(member_id):
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0))
                             .where(LedgerEntry.member_id == member_id))
