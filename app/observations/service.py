"""The one place Observation rows are written: visits (channel `visit`) and the admin import share it."""
import re
from datetime import date, datetime, time

from ..db import transaction, utcnow
from ..extensions import db
from ..schema_fields import MAX_DATE, MIN_DATE
from ..timeutil import LOCAL_TZ, local_now
from .models import Observation


def iso_week(day: date) -> str:
    """ISO week label of a (Shanghai) date, e.g. date(2026, 11, 19) → '2026-W47'."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def record_observation(*, retailer_id, product_id, stock_packs, ordered_packs=0, demand_packs=None,
                       out_of_stock=False, pack_price=None, carton_price=None, channel="visit", visit_id=None,
                       observed_at: datetime | None = None, observed_on: date | None = None) -> Observation:
    """Add one observation (joins the caller's transaction).

    `observed_at` orders observations within a week (the last counts). Without it, a call that gives only
    `observed_on` gets noon of that day in Shanghai, and one that gives neither gets now. The CSV import
    (importer.py) passes `observed_at` itself: 00:00 of the line's date in Shanghai, so on one day a visit
    recorded during the day counts over an imported line. `demand_packs` defaults to ordered. The week is
    the ISO week of the Shanghai date.

    The stored indicator snapshots this observation makes stale (its week and the next three) are dropped in
    the same transaction; the live figures take their place until they are stored again (stats/snapshots.py).
    """
    from ..stats.snapshots import drop_stale  # here, not above: the statistics read this package

    if observed_at is None:
        observed_at = (datetime.combine(observed_on, time(12), tzinfo=LOCAL_TZ) if observed_on else utcnow())
    observed_on = observed_on or local_now(observed_at).date()
    with transaction():
        row = Observation(
            retailer_id=retailer_id, product_id=product_id, observed_on=observed_on, observed_at=observed_at,
            week=iso_week(observed_on), stock_packs=stock_packs, ordered_packs=ordered_packs,
            demand_packs=ordered_packs if demand_packs is None else demand_packs, out_of_stock=out_of_stock,
            pack_price=pack_price, carton_price=carton_price, channel=channel, visit_id=visit_id)
        db.session.add(row)
        db.session.flush()
        drop_stale(row.week)
    return row


WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)


def week_bounds(label: str) -> tuple[date, date]:
    """'2026-W47' → (its Monday, the next Monday); ValueError when malformed (2026-W7, 2026-47, full-width
    digits) or outside the years 2000–2099 (the dates callers may give, schema_fields.Date: an earlier or later
    week would leave the calendar, or the range of a timestamp, in the arithmetic that follows)."""
    match = WEEK_LABEL.match(label or "")
    if not match or not MIN_DATE.year <= int(match[1]) <= MAX_DATE.year:
        raise ValueError(label)
    monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    return monday, date.fromordinal(monday.toordinal() + 7)
