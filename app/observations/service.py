"""The one place that writes observations (信息采集), whatever the channel: visits and imports alike."""
from datetime import date

from ..extensions import db
from .models import Observation


def iso_week(day: date) -> str:
    """ISO week label of a (Shanghai-local) date: iso_week(date(2026, 11, 20)) == "2026-W47"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def record_observation(retailer_id, product_id, observed_on, observed_at, stock_packs, ordered_packs,
                       demand_packs=None, out_of_stock=False, pack_price=None, carton_price=None,
                       channel="visit", visit_id=None) -> Observation:
    """Add one observation to the session (the caller's transaction commits it). `demand_packs`
    defaults to what was ordered; `week` is derived from the local date it was observed on."""
    row = Observation(retailer_id=retailer_id, product_id=product_id, observed_on=observed_on,
                      observed_at=observed_at, week=iso_week(observed_on), stock_packs=stock_packs,
                      ordered_packs=ordered_packs,
                      demand_packs=ordered_packs if demand_packs is None else demand_packs,
                      out_of_stock=bool(out_of_stock), pack_price=pack_price, carton_price=carton_price,
                      channel=channel, visit_id=visit_id)
    db.session.add(row)
    return row
