"""Admin statistics endpoints (统计分析). Each answers JSON, or a CSV / XLSX download with ?format=."""
from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from . import market_service
from .exports import export
from .schemas import (AlertQuery, AlertResultSchema, IndicatorQuery, IndicatorResultSchema, PeriodQuery,
                      PeriodResultSchema)

blp = Blueprint("stats", __name__, description="Statistics and market indicators (统计分析, 三维五率)")


def _answer(result, fmt, name, items_key="items"):
    if fmt == "json":
        return result
    return export(result[items_key], name, fmt)


@blp.route("/admin/stats/indicators", methods=["GET"])
@blp.arguments(IndicatorQuery, location="query")
@blp.response(200, IndicatorResultSchema)
@blp.alt_response(422, schema=ErrorSchema, description="Bad week, group_by or unknown sku")
@roles("admin")
def indicators(query):
    fmt = query.pop("format")
    return _answer(market_service.week_indicators(**query), fmt, f"indicators-{query['week']}")


@blp.route("/admin/stats/indicators/period", methods=["GET"])
@blp.arguments(PeriodQuery, location="query")
@blp.response(200, PeriodResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def period_indicators(query):
    fmt = query.pop("format")
    return _answer(market_service.period_indicators(**query), fmt, f"indicators-{query['period']}")


@blp.route("/admin/stats/alerts", methods=["GET"])
@blp.arguments(AlertQuery, location="query")
@blp.response(200, AlertResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def alerts(query):
    fmt = query.pop("format")
    return _answer(market_service.alerts(**query), fmt, f"alerts-{query['week']}")
