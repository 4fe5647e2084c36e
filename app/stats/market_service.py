"""Market-indicator use cases: one week, a period (month, quarter, year), and the alerts."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import ValidationFailed
from ..extensions import db
from ..products.models import Product
from .indicators import Components, evaluate
from .market import compute_week
from .snapshots import stored_components
from .weeks import parse_week, shift_week, weeks_between, weeks_of_period


def _product_id(sku):
    if sku is None:
        return None
    product_id = db.session.scalar(select(Product.id).where(Product.sku == sku))
    if product_id is None:
        raise ValidationFailed({"sku": [_l("Unknown spec.")]})
    return product_id


def _item(sku, group, components: Components) -> dict:
    return {"sku": sku, "group": group, **evaluate(components), "retailers": components.retailers}


def week_indicators(week: str, sku=None, group_by=None) -> dict:
    """GET /admin/stats/indicators: one item per spec (and group) observed in weeks t−3..t, and per active
    spec in each group with observed retailers (R(t) > 0) even when none observed it (上柜率 0, the rest
    null: market.compute_week), computed live from the observations."""
    rows = compute_week(week, group_by, _product_id(sku))
    return {"week": week, "items": [_item(r.sku, r.group, r.components) for r in rows]}


def _weekly_components(weeks, group_by, product_id):
    """{(week, product_id, group): Components}: stored snapshots, and live figures for weeks without one."""
    group_by = "region" if group_by == "county" else group_by  # stored once, under `region`
    found = stored_components(weeks, group_by, product_id)
    have = {key[0] for key in found}
    for week in weeks:
        if week not in have:
            for row in compute_week(week, group_by, product_id):
                found[(week, row.product_id, row.group)] = row.components
    return found


def _skus(product_ids):
    return dict(db.session.execute(select(Product.id, Product.sku).where(Product.id.in_(set(product_ids)))).all())


def period_indicators(period: str, sku=None, group_by=None) -> dict:
    """A month (2026-11), quarter (2026-Q4) or year (2026): the weekly components of its weeks summed, then
    the same indicator functions. Stored snapshots are used; weeks without one are computed live.
    Weeks whose group has no observed retailer (R(t) empty) are left out; `weeks` counts the others and
    `retailers` is their mean |R(t)|."""
    weeks = weeks_of_period(period)
    totals, seen_weeks = {}, {}
    for (week, pid, group), components in _weekly_components(weeks, group_by, _product_id(sku)).items():
        if not components.retailers:
            continue  # nobody in the group observed that week (a week not collected yet): it says nothing
        key = (pid, group)
        totals[key] = totals[key] + components if key in totals else components
        seen_weeks.setdefault(key, set()).add(week)
    skus = _skus(k[0] for k in totals)
    items = []
    for (pid, group), components in totals.items():
        item = _item(skus[pid], group, components)
        n = len(seen_weeks[(pid, group)])
        item.update(retailers=round(components.retailers / n), weeks=n)
        items.append(item)
    items.sort(key=lambda i: (i["sku"], i["group"] or ""))
    return {"period": period, "weeks": weeks, "items": items}


def indicator_history(sku: str, first: str, last: str, group_by=None) -> dict:
    """The weekly series of one spec from week `first` to `last` (charts, trends): snapshots where stored,
    live otherwise; each item also names its `week`."""
    found = _weekly_components(weeks_between(first, last), group_by, _product_id(sku))
    items = [{"week": week, **_item(sku, group, components)} for (week, _pid, group), components in found.items()]
    items.sort(key=lambda i: (parse_week(i["week"]), i["group"] or ""))
    return {"sku": sku, "first": first, "last": last, "items": items}


def alerts(week: str, threshold_pct=None) -> dict:
    """Specs to look at in week t: 动销率 outside the stable 60%–80% band, or a price index that moved more
    than PRICE_INDEX_ALERT_PCT percent from week t−1 (relative change)."""
    pct = float(current_app.config["PRICE_INDEX_ALERT_PCT"] if threshold_pct is None else threshold_pct)
    low, high = current_app.config["SELL_THROUGH_BAND"]
    previous = {r.sku: evaluate(r.components)["price_index"] for r in compute_week(shift_week(week, -1))}
    items = []
    for row in compute_week(week):
        values = evaluate(row.components)
        rate, index, before = values["sell_through_rate"], values["price_index"], previous.get(row.sku)
        if rate is not None and not low <= rate <= high:
            items.append({"sku": row.sku, "kind": "sell_through_out_of_band", "value": rate,
                          "previous": None, "limit": low if rate < low else high})
        if index is not None and before:
            change = round((index - before) / before * 100, 2)
            if abs(change) > pct:
                items.append({"sku": row.sku, "kind": "price_index_moved", "value": index, "previous": before,
                              "change_pct": change, "limit": pct})
    return {"week": week, "price_index_alert_pct": pct, "sell_through_band": [low, high], "items": items}
