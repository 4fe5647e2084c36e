"""Member levels (会员等级): admin-defined thresholds on the points EARNED in the last 12 months.

Earned = Σ positive ledger deltas of the earning kinds (scans and bonuses) in the window; spending,
refunds and expiry do not lower it; an admin's `adjust` is a correction, not earning, and does not count.
A level is recalculated on every credit of an earning kind — post_entry tells the credit subscribers
(lifecycle/hooks.py), so a scan, a referral bonus and a complaint reward all move it in their own
transaction — and nightly (thresholds may have changed, earnings may have left the window). An
admin may set a level by hand (recorded with its reason); that pins the level, and the automatic
recalculation leaves a pinned member alone until an admin unpins it.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..db import guarded_update, insert_ignoring_conflict, transaction, utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..members.models import Member, MemberLevel
from ..members.service import get_member
from ..points.models import LedgerEntry
from .models import LevelChange

EARNING_KINDS = ("scan", "referral_bonus", "campaign_bonus", "complaint_reward")
BASE_LEVEL = "normal"


class LevelInUse(Conflict):
    code, message = "LEVEL_IN_USE", _l("Members hold this level, or it is the base level.")


class LevelExists(Conflict):
    code, message = "LEVEL_EXISTS", _l("A level with this code already exists.")


def levels_query():
    return select(MemberLevel).order_by(MemberLevel.min_points, MemberLevel.code)


def get_level(code) -> MemberLevel:
    level = db.session.get(MemberLevel, code)
    if level is None:
        raise NotFound()
    return level


def create_level(**fields) -> MemberLevel:
    """LEVEL_EXISTS only when the code is taken: the insert yields on a primary-key conflict alone, so any
    other refusal by the database (a CHECK on the multiplier, say) is never passed off as a duplicate.
    The values themselves are validated by MemberLevelSchema before they get here."""
    with transaction():
        if not insert_ignoring_conflict(MemberLevel, **fields):
            raise LevelExists()
        level = db.session.get(MemberLevel, fields["code"])
    return level


def update_level(code, changes) -> MemberLevel:
    with transaction():
        level = get_level(code)
        for name, value in changes.items():
            setattr(level, name, value)
    return level


def delete_level(code):
    with transaction():
        level = get_level(code)
        held = db.session.scalar(select(func.count()).select_from(Member).where(Member.level_code == code))
        if code == BASE_LEVEL or held:
            raise LevelInUse()
        db.session.delete(level)


def earned_points(member_id, now=None) -> int:
    since = (now or utcnow()) - timedelta(days=current_app.config["LEVEL_WINDOW_DAYS"])
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.delta > 0, LedgerEntry.kind.in_(EARNING_KINDS),
        LedgerEntry.created_at >= since))


def _thresholds():
    return db.session.execute(select(MemberLevel.code, MemberLevel.min_points)
                              .order_by(MemberLevel.min_points.desc(), MemberLevel.code)).all()


def level_for(points, thresholds) -> str:
    return next((code for code, minimum in thresholds if points >= minimum), BASE_LEVEL)


def _apply(member_id, current, target, earned, now):
    """Guarded move (only from the level we saw, only if not pinned); records the change once."""
    moved = guarded_update(Member.id, Member.id == member_id, Member.level_code == current,
                           Member.level_pinned.is_(False), level_code=target)
    if moved is not None:
        db.session.add(LevelChange(member_id=member_id, from_code=current, to_code=target, earned_points=earned,
                                   source="auto", created_at=now))
        member = db.session.get(Member, member_id)
        db.session.expire(member, ["level_code", "level"])
    return moved is not None


def recalculate(member_id, now=None) -> bool:
    """Inside a transaction (the credit's): put the member on the level their earnings reach."""
    now = now or utcnow()
    member = get_member(member_id)
    if member.level_pinned:
        return False
    earned = earned_points(member_id, now)
    target = level_for(earned, _thresholds())
    return target != member.level_code and _apply(member_id, member.level_code, target, earned, now)


def recalculate_all(now=None, batch=1000) -> int:
    """Nightly: one grouped query for every member's earnings; only members whose level changes are
    written, so a second run changes nothing. Returns how many moved."""
    now = now or utcnow()
    since = now - timedelta(days=current_app.config["LEVEL_WINDOW_DAYS"])
    earned = (select(LedgerEntry.member_id, func.sum(LedgerEntry.delta).label("points"))
              .where(LedgerEntry.delta > 0, LedgerEntry.kind.in_(EARNING_KINDS), LedgerEntry.created_at >= since)
              .group_by(LedgerEntry.member_id).subquery())
    rows = db.session.execute(
        select(Member.id, Member.level_code, func.coalesce(earned.c.points, 0))
        .outerjoin(earned, earned.c.member_id == Member.id).where(Member.level_pinned.is_(False))).all()
    thresholds = _thresholds()
    changes = [(mid, code, level_for(points, thresholds), points) for mid, code, points in rows
               if level_for(points, thresholds) != code]
    db.session.rollback()
    moved = 0
    for start in range(0, len(changes), batch):
        with transaction():
            moved += sum(_apply(mid, code, target, points, now) for mid, code, target, points
                         in changes[start:start + batch])
    return moved


def set_level(member_id, level_code, reason, *, staff_id=None, now=None) -> Member:
    """An admin sets a level by hand (pins it) or, with level_code None, returns the member to the
    automatic levels (unpins and recalculates). The change and its reason are recorded."""
    now = now or utcnow()
    with transaction():
        member = get_member(member_id)
        if level_code is None:
            member.level_pinned = False
            db.session.flush()
            target = level_for(earned_points(member_id, now), _thresholds())
        else:
            get_level(level_code)
            member.level_pinned = True
            target = level_code
        db.session.add(LevelChange(member_id=member_id, from_code=member.level_code, to_code=target,
                                   source="admin", reason=reason, staff_id=staff_id, created_at=now))
        member.level_code = target
    db.session.expire(member)
    return member


def level_history(member_id):
    get_member(member_id)
    return select(LevelChange).where(LevelChange.member_id == member_id).order_by(LevelChange.id.desc())
