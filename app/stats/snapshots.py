"""Weekly snapshots: compute a week's components for every grouping and store them; recomputing a week
replaces its rows, and a run that finds the same figures writes nothing."""
import zlib

from sqlalchemy import select, text

from ..db import transaction, utcnow
from ..extensions import db
from .indicators import Components
from .market import GROUPS, compute_week
from .models import IndicatorSnapshot
from .weeks import previous_week

# `county` is a synonym of `region`: stored once.
SNAPSHOT_GROUPINGS = [None] + [g for g in GROUPS if g != "county"]


def recompute_week(week: str, now=None) -> dict:
    """Store the snapshot of one week; returns {"week", "written", "deleted", "unchanged"}."""
    now = now or utcnow()
    computed = {}
    for group_by in SNAPSHOT_GROUPINGS:
        for row in compute_week(week, group_by):
            computed[(row.product_id, group_by or "", row.group or "")] = row.components.to_json()
    written = deleted = unchanged = 0
    with transaction():
        _lock_week(week)
        existing = {(s.product_id, s.group_by, s.group_key): s
                    for s in db.session.scalars(select(IndicatorSnapshot).where(IndicatorSnapshot.week == week))}
        for key, snapshot in existing.items():
            if key not in computed:
                db.session.delete(snapshot)
                deleted += 1
        db.session.flush()
        for (product_id, group_by, group_key), components in computed.items():
            snapshot = existing.get((product_id, group_by, group_key))
            if snapshot is not None and snapshot.components == components:
                unchanged += 1
                continue
            if snapshot is None:
                snapshot = IndicatorSnapshot(week=week, product_id=product_id, group_by=group_by,
                                             group_key=group_key)
                db.session.add(snapshot)
            snapshot.components, snapshot.retailers, snapshot.computed_at = components, components["retailers"], now
            written += 1
    return {"week": week, "written": written, "deleted": deleted, "unchanged": unchanged}


def _lock_week(week):
    """Serialise recomputations of one week (the job and an operator's CLI run at once): the second waits,
    then finds the first one's rows. SQLite's write transactions are serialised already."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(f"snapshot:{week}".encode())})


def snapshot_previous_week(now=None) -> dict:
    """The Monday job: last week's snapshot (idempotent)."""
    return recompute_week(previous_week(now), now=now)


def stored_components(weeks: list[str], group_by: str | None, product_id: int | None = None):
    """{(week, product_id, group_key or None): Components} of the stored snapshots of these weeks."""
    query = select(IndicatorSnapshot).where(IndicatorSnapshot.week.in_(weeks),
                                            IndicatorSnapshot.group_by == (group_by or ""))
    if product_id is not None:
        query = query.where(IndicatorSnapshot.product_id == product_id)
    return {(s.week, s.product_id, s.group_key or None): Components.from_json(s.components)
            for s in db.session.scalars(query)}
