"""Admin statistics endpoints (统计分析). Each answers JSON, or a CSV / XLSX download with ?format=."""
from flask import current_app

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from . import market_service, members
from .consumption import consumption_by
from .exports import export
from .fraud import fraud_signals
from .points import points_economy
from .schemas import (ActivityQuery, ActivityResultSchema, AlertQuery, AlertResultSchema, ConsumptionQuery,
                      ConsumptionResultSchema, FraudQuery, FraudResultSchema, HistoryQuery, HistoryResultSchema, IndicatorQuery, IndicatorResultSchema,
                      MembersByQuery, MembersByResultSchema, PeriodQuery, PeriodResultSchema, PointsQuery,
                      PointsResultSchema)

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


@blp.route("/admin/stats/indicators/history", methods=["GET"])
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, HistoryResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def indicator_history(query):
    fmt = query.pop("format")
    return _answer(market_service.indicator_history(**query), fmt, f"indicators-{query['sku']}-history")


@blp.route("/admin/stats/alerts", methods=["GET"])
@blp.arguments(AlertQuery, location="query")
@blp.response(200, AlertResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def alerts(query):
    fmt = query.pop("format")
    return _answer(market_service.alerts(**query), fmt, f"alerts-{query['week']}")


@blp.route("/admin/stats/members", methods=["GET"])
@blp.arguments(MembersByQuery, location="query")
@blp.response(200, MembersByResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def members_by(query):
    fmt, by = query.pop("format"), query.pop("by")
    return _answer(members.members_by(by, query), fmt, f"members-by-{by}")


@blp.route("/admin/stats/members/activity", methods=["GET"])
@blp.arguments(ActivityQuery, location="query")
@blp.response(200, ActivityResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def member_activity(query):
    fmt, start, end, granularity = query.pop("format"), query.pop("start"), query.pop("end"), query.pop("granularity")
    return _answer(members.member_activity(start, end, granularity, query), fmt, f"member-activity-{granularity}")


@blp.route("/admin/stats/consumption", methods=["GET"])
@blp.arguments(ConsumptionQuery, location="query")
@blp.response(200, ConsumptionResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def consumption(query):
    fmt, by, start, end = query.pop("format"), query.pop("by"), query.pop("start"), query.pop("end")
    sku, price_class = query.pop("sku", None), query.pop("price_class", None)
    result = consumption_by(by, start, end, query, sku=sku, price_class=price_class)
    return _answer(result, fmt, f"consumption-by-{by}")


@blp.route("/admin/stats/points", methods=["GET"])
@blp.arguments(PointsQuery, location="query")
@blp.response(200, PointsResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def points(query):
    result = points_economy(query["start"], query["end"], query["granularity"])
    return _answer(result, query["format"], f"points-{query['granularity']}")


@blp.route("/admin/stats/fraud", methods=["GET"])
@blp.arguments(FraudQuery, location="query")
@blp.response(200, FraudResultSchema)
@blp.alt_response(422, schema=ErrorSchema)
@roles("admin")
def fraud(query):
    config = current_app.config
    result = fraud_signals(query["start"], query["end"],
                           query.get("scans_per_day") or config["FRAUD_SCANS_PER_DAY"],
                           query.get("members_per_ip") or config["FRAUD_MEMBERS_PER_IP"],
                           query.get("far_km") or config["FRAUD_FAR_KM"])
    if query["format"] == "json":
        return result
    rows = [{"signal": name, **row} for name in ("heavy_scanners", "shared_ips", "far_scans") for row in result[name]]
    return export(rows, f"fraud-{query['start']}-{query['end']}", query["format"])
