"""Market indicators (市场指标, 三维五率) in the console: one ISO week, or a month, quarter or year aggregate, per
spec and optionally per group, with the week's alerts. Figures from app/stats/market_service.py, exactly as
GET /api/v1/admin/stats/indicators, /indicators/period and /alerts answer them."""
from datetime import timedelta

from flask import request, url_for
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms import SelectField, StringField

from ..extensions import db
from ..products.models import Product
from ..stats import market_service
from ..stats.schemas import IndicatorQuery, PeriodQuery
from ..stats.weeks import parse_week, previous_week
from . import bp
from .labels import options
from .listing import FilterForm
from .retailers import CLASS_LABELS, DISTRICT_LABELS, FORMAT_LABELS, MARKET_LABELS
from .stats import (StatColumn as C, Table, compute_or, number, percent, read_query, refuse, region_name,
                    render_page)

GROUP_LABELS = {"format": _l("Store format"), "market_type": _l("Market type"),
                "district_type": _l("Business district"), "customer_class": _l("Customer class"),
                "city": _l("City"), "region": _l("County")}
GROUP_VALUE_LABELS = {"format": FORMAT_LABELS, "market_type": MARKET_LABELS, "district_type": DISTRICT_LABELS,
                      "customer_class": CLASS_LABELS}
# The ten indicators of DOMAIN.md, in its order: (field, label, shown as a percentage?)
INDICATORS = (("listing_rate", _l("Listing rate"), True), ("sell_through_rate", _l("Sell-through rate"), True),
              ("repeat_demand_rate", _l("Repeat-demand rate"), True),
              ("out_of_stock_rate", _l("Out-of-stock rate"), True), ("repurchase_rate", _l("Re-purchase rate"), True),
              ("fill_rate", _l("Fill rate"), True), ("price_index", _l("Price index"), False),
              ("carton_pack_ratio", _l("Carton/pack agreement"), False),
              ("stock_sales_ratio", _l("Stock-to-sales ratio"), False),
              ("retailer_margin", _l("Retailer margin"), True))
ALERT_KINDS = {"sell_through_out_of_band": _l("Sell-through rate outside its band"),
               "price_index_moved": _l("Price index moved")}
ALERT_OF = {"sell_through_rate": "sell_through_out_of_band", "price_index": "price_index_moved"}
LABELS = {"week": _l("Week or period"), "period": _l("Week or period"), "sku": _l("Spec"),
          "group_by": _l("Group by")}


class MarketFilter(FilterForm):
    time = StringField(_l("Week or period"), render_kw={"placeholder": "2026-W47 · 2026-11 · 2026-Q4 · 2026"})
    sku = SelectField(_l("Spec"), validate_choice=False)
    group_by = SelectField(_l("Group by"), choices=options([("", _l("No grouping"))] + list(GROUP_LABELS.items())))


def spec_names() -> dict:
    return dict(db.session.execute(select(Product.sku, Product.name).order_by(Product.sku)).all())


def group_label(group_by, value):
    if value is None:
        return "" if group_by is None else _l("Not filled in")
    if group_by in ("city", "region"):
        return region_name(value)
    return GROUP_VALUE_LABELS.get(group_by, {}).get(value, value)


def indicator_table(group_by, names, period):
    columns = [C("sku", _l("Spec code"), lambda i: i["sku"]),
               C("name", _l("Spec"), lambda i: names.get(i["sku"], ""))]
    if group_by:
        columns.append(C("group", GROUP_LABELS[group_by], lambda i: group_label(group_by, i["group"])))
    for key, label, rate in INDICATORS:
        shown = percent if rate else number_4
        columns.append(C(key, label, lambda i, key=key: i[key], show=lambda i, key=key, shown=shown: shown(i[key])))
    columns.append(C("retailers", _l("Sample retailers"), lambda i: i["retailers"]))
    if period:
        columns.append(C("weeks", _l("Weeks"), lambda i: i["weeks"]))
    return Table("stats-indicators", _l("Market indicators"), columns)


def number_4(value):
    return number(value, 4)


def _band(item):
    return item["kind"] == "sell_through_out_of_band"


def alert_value(item):
    return percent(item["value"]) if _band(item) else number_4(item["value"])


def alert_limit(item):
    return percent(item["limit"]) if _band(item) else f"±{item['limit']:g}%"


def alert_change(item):
    return "" if item.get("change_pct") is None else f"{item['change_pct']:+.2f}%"


def alert_table(names):
    return Table("stats-alerts", _l("Market alerts"), [
        C("sku", _l("Spec code"), lambda i: i["sku"]), C("name", _l("Spec"), lambda i: names.get(i["sku"], "")),
        C("kind", _l("Alert"), lambda i: ALERT_KINDS.get(i["kind"], i["kind"])),
        C("value", _l("Value"), lambda i: i["value"], show=alert_value),
        C("previous", _l("Previous week"), lambda i: i["previous"], show=lambda i: number_4(i["previous"])),
        C("change_pct", _l("Change (%)"), lambda i: i.get("change_pct"), show=alert_change),
        C("limit", _l("Limit"), lambda i: i["limit"], show=alert_limit),
    ])


def read_filters(notices):
    """(kind "week" or "period", loaded query): ?time= is a week (2026-W47) or a period (2026-11, 2026-Q4,
    2026); without one, or a wrong one, the last complete week."""
    given = {k: v for k, v in request.args.items() if k in ("sku", "group_by")}
    args = request.args  # ?week= and ?period=, as the API names them, are taken too
    time = (args.get("time") or args.get("week") or args.get("period") or "").strip().upper()
    default_week = previous_week()
    if time and "W" not in time:
        try:
            return "period", read_query(PeriodQuery, {**given, "period": time}, {}, LABELS, notices)
        except ValidationError:
            pass  # not a period either (its notice says so): the default week
        except OverflowError:  # a year the calendar cannot reach around (0001, 9999)
            refuse(notices, LABELS["period"], time,
                   gettext("Must be a year (2026), a quarter (2026-Q4) or a month (2026-11)."))
    elif time:
        given["week"] = time
    query = read_query(IndicatorQuery, given, {"week": default_week}, LABELS, notices)
    return "week", query


@bp.get("/stats")
def stats():
    notices = []
    kind, query = read_filters(notices)
    query.pop("format", None)
    names = spec_names()
    if query.get("sku") and query["sku"] not in names:
        refuse(notices, LABELS["sku"], query.pop("sku"), gettext("Unknown spec."))
    if kind == "period":
        result, alerts = market_service.period_indicators(**query), None
    else:
        result = compute_or(notices, lambda: market_service.week_indicators(**query),
                            lambda: market_service.week_indicators(**{**query, "week": previous_week()}))
        alerts = market_service.alerts(result["week"])
    group_by = query.get("group_by")
    time = result.get("week") or result.get("period")
    tables = {"indicators": indicator_table(group_by, names, kind == "period"), "alerts": alert_table(names)}
    results = {"indicators": result["items"], "alerts": alerts["items"] if alerts else []}
    form = MarketFilter(formdata=None, data={"time": time, "sku": query.get("sku", ""), "group_by": group_by or ""})
    form.sku.choices = options([("", _l("All specs"))] + [(sku, f"{sku} {name}") for sku, name in names.items()])
    flagged = {(a["sku"], a["kind"]) for a in results["alerts"]}

    def mark(item, key):  # the cells an alert is about (alerts are per spec, over every group)
        if key == "sku":
            return any(sku == item["sku"] for sku, _kind in flagged)
        return item["group"] is None and (item["sku"], ALERT_OF.get(key)) in flagged
    return render_page("admin/stats/market.html", tables, "indicators", results, form=form, notices=notices,
                       kind=kind, time=time, result=result, alerts=alerts, mark=mark,
                       quick=quick_links(query))


def quick_links(query):
    """(label, time, URL) shortcuts, the other filters kept: last week and its month, quarter and year."""
    week = previous_week()
    day = parse_week(week) + timedelta(days=3)  # a week belongs to the month of its Thursday (weeks.py)
    times = [(_l("Last week"), week), (_l("Its month"), f"{day.year}-{day.month:02d}"),
             (_l("Its quarter"), f"{day.year}-Q{(day.month - 1) // 3 + 1}"), (_l("Its year"), str(day.year))]
    return [(label, time, url_for("admin.stats", time=time, sku=query.get("sku"), group_by=query.get("group_by")))
            for label, time in times]
