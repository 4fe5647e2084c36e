"""Weekly snapshots: compute a week's components for every grouping and store them; recomputing a week
replaces its rows, and a run that finds the same figures writes nothing.

Stored snapshots never serve stale figures. The indicators of week t read the observations of t−3..t, so
recording an observation in week W drops the snapshots of W..W+3 in the same transaction (`drop_stale`,
called by observations.service.record_observation: imports, visits, the demo alike); those weeks are computed
live (market_service falls back to live figures for a week without a snapshot) until the Monday job stores
them again: it stores last week and every week of the RESTORE_WEEKS before it that has observations but no
snapshot. `flask stats recompute --week` stores any week at once."""
import zlib

from sqlalchemy import delete, select, text

from ..db import transaction, utcnow
from ..extensions import db
from ..observations.models import Observation
from .indicators import Components
from .market import GROUPS, compute_week
from .models import IndicatorSnapshot
from .weeks import previous_week, shift_week

# `county` is a synonym of `region`: stored once.
SNAPSHOT_GROUPINGS = [None] + [g for g in GROUPS if g != "county"]
RESTORE_WEEKS = 12  # with last week: a quarter of snapshots kept complete
_DROPPED = "indicator_snapshot_weeks_dropped"


def recompute_week(week: str, now=None) -> dict:
    """Store the snapshot of one week; returns {"week", "written", "deleted", "unchanged"}.

    The figures are computed inside the write transaction, after the week's lock: an observation recorded
    meanwhile either is seen here or drops these rows when it commits (drop_stale waits for the lock)."""
    now = now or utcnow()
    written = deleted = unchanged = 0
    with transaction():
        _lock_week(week)
        computed = {}
        for group_by in SNAPSHOT_GROUPINGS:
            for row in compute_week(week, group_by):
                computed[(row.product_id, group_by or "", row.group or "")] = row.components.to_json()
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


def _lock_week(week, shared=False):
    """Serialise the recomputation of a week with another one (the job and an operator's CLI run at once: the
    second waits, then finds the first one's rows) and with observations that make it stale (they share the
    lock among themselves). SQLite's write transactions are serialised already."""
    if db.session.get_bind().dialect.name == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        db.session.execute(text(f"SELECT {function}(:key)"), {"key": zlib.crc32(f"snapshot:{week}".encode())})


def drop_stale(week: str) -> None:
    """An observation recorded in `week` changes the indicators of that week and the next three: drop their
    stored snapshots in the caller's transaction (once per week and transaction: an import records many)."""
    session = db.session()
    current = session.get_transaction()
    owner, done = session.info.get(_DROPPED, (None, set()))
    if owner is not current:
        done = set()
        session.info[_DROPPED] = (current, done)
    if week in done:
        return
    affected = [shift_week(week, n) for n in range(4)]
    for label in affected:
        _lock_week(label, shared=True)
    session.execute(delete(IndicatorSnapshot).where(IndicatorSnapshot.week.in_(affected)))
    done.add(week)


def snapshot_previous_week(now=None) -> dict:
    """The Monday job: last week's snapshot, then the missing snapshots of the RESTORE_WEEKS before it
    (weeks with observations whose snapshot a late observation dropped, or that the job missed); idempotent.
    Returns last week's counts and the `restored` weeks."""
    last = previous_week(now)
    result = recompute_week(last, now=now)
    result["restored"] = [recompute_week(week, now=now)["week"] for week in missing_weeks(last)]
    return result


def missing_weeks(last: str) -> list[str]:
    """Weeks of the RESTORE_WEEKS before `last` that have observations but no stored snapshot."""
    weeks = [shift_week(last, -n) for n in range(RESTORE_WEEKS, 0, -1)]
    observed = set(db.session.scalars(select(Observation.week).where(Observation.week.in_(weeks)).distinct()))
    stored = set(db.session.scalars(select(IndicatorSnapshot.week).where(IndicatorSnapshot.week.in_(weeks))
                                    .distinct()))
    return [week for week in weeks if week in observed and week not in stored]


def stored_components(weeks: list[str], group_by: str | None, product_id: int | None = None):
    """{(week, product_id, group_key or None): Components} of the stored snapshots of these weeks."""
    query = select(IndicatorSnapshot).where(IndicatorSnapshot.week.in_(weeks),
                                            IndicatorSnapshot.group_by == (group_by or ""))
    if product_id is not None:
        query = query.where(IndicatorSnapshot.product_id == product_id)
    return {(s.week, s.product_id, s.group_key or None): Components.from_json(s.components)
            for s in db.session.scalars(query)}
