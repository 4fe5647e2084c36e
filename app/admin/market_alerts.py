"""Market alerts on the dashboard: last week's alerts of the statistics (动销率 outside its band, price index
moves beyond PRICE_INDEX_ALERT_PCT), with the same answer as JSON, CSV or XLSX for the console session.

The block renders from its own include (templates/admin/dashboard/_market_alerts.html), which calls
`market_alerts()` itself, so the dashboard view and template need no more than the include line."""
from flask import abort, jsonify, request
from sqlalchemy import select

from ..extensions import db
from ..products.models import Product
from ..stats import market_service
from ..stats.exports import export
from ..stats.schemas import AlertResultSchema
from ..stats.weeks import previous_week
from . import bp
from .formfields import bounded_week


def market_alerts(now=None) -> dict:
    """Last complete week's alerts, each with its spec's name (None when the spec is unknown)."""
    result = market_service.alerts(previous_week(now))
    skus = {item["sku"] for item in result["items"]}
    names = dict(db.session.execute(select(Product.sku, Product.name).where(Product.sku.in_(skus))).all()) \
        if skus else {}
    result["items"] = [{**item, "name": names.get(item["sku"])} for item in result["items"]]
    return result


@bp.app_template_global("market_alerts")
def _market_alerts_global():
    return market_alerts()


@bp.get("/market-alerts")
def market_alerts_download():
    """?week=2026-W47 (default: last week) and ?format=json (default), csv or xlsx."""
    week = (request.args.get("week") or previous_week()).strip().upper()
    fmt = request.args.get("format", "json")
    try:
        bounded_week(week)  # the console's weeks: 2000..2099, like every date it takes
    except ValueError:
        abort(400)
    if fmt not in ("json", "csv", "xlsx"):
        abort(400)
    result = AlertResultSchema().dump(market_service.alerts(week))
    return jsonify(result) if fmt == "json" else export(result["items"], f"alerts-{week}", fmt)
