"""Admin statistics endpoints (统计分析). Each answers JSON, or a CSV / XLSX download with ?format=csv|xlsx."""
from functools import wraps

from ..api import Blueprint
from ..auth.decorators import roles
from ..errors import ErrorSchema
from . import market_service, members
from .consumption import consumption_by
from .exports import MEDIA_TYPES, export
from .fraud import fraud_signals
from .points import points_economy
from .redemptions import redemptions_by
from .schemas import (ActivityQuery, ActivityResultSchema, AlertQuery, AlertResultSchema, ConsumptionQuery,
                      ConsumptionResultSchema, FraudQuery, FraudResultSchema, HistoryQuery, HistoryResultSchema,
                      IndicatorQuery, IndicatorResultSchema, MembersByQuery, MembersByResultSchema, PeriodQuery,
                      PeriodResultSchema, PointsQuery, PointsResultSchema, RedemptionsQuery,
                      RedemptionsResultSchema)

blp = Blueprint("stats", __name__, description="Statistics and market indicators (统计分析, 三维五率)")


# With ?format=csv|xlsx the 200 is a file download; the document says so, beside the JSON.
DOWNLOAD_CONTENT = {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for media in MEDIA_TYPES.values()}


def stat_view(path, query_schema, result_schema, filename, rows=lambda result: result["items"]):
    """Register an admin GET view: `compute(query)` gives the JSON answer; with ?format=csv|xlsx its rows
    are sent as a download named filename(query)."""

    def decorator(compute):
        @blp.route(path, methods=["GET"], endpoint=compute.__name__)
        @blp.arguments(query_schema, location="query")
        @blp.response(200, result_schema)
        @blp.doc(responses={"200": {"description": "The figures as JSON, or the same rows as a download",
                                    "content": {"application/json": {"schema": result_schema},
                                                **DOWNLOAD_CONTENT}}})
        @blp.alt_response(422, schema=ErrorSchema, description="Invalid query (VALIDATION_ERROR)")
        @roles("admin")
        @wraps(compute)
        def view(query):
            fmt = query.pop("format")
            result = compute(query)
            return result if fmt == "json" else export(rows(result), filename(query), fmt)

        return view

    return decorator


@stat_view("/admin/stats/indicators", IndicatorQuery, IndicatorResultSchema, lambda q: f"indicators-{q['week']}")
def indicators(query):
    """Market indicators of one week, per spec (and group); definitions in DOMAIN.md."""
    return market_service.week_indicators(**query)


@stat_view("/admin/stats/indicators/period", PeriodQuery, PeriodResultSchema,
           lambda q: f"indicators-{q['period']}")
def period_indicators(query):
    """Market indicators of a month, quarter or year (the weekly components summed)."""
    return market_service.period_indicators(**query)


@stat_view("/admin/stats/indicators/history", HistoryQuery, HistoryResultSchema,
           lambda q: f"indicators-{q['sku']}-history")
def indicator_history(query):
    """Weekly series of one spec's indicators."""
    return market_service.indicator_history(**query)


@stat_view("/admin/stats/alerts", AlertQuery, AlertResultSchema, lambda q: f"alerts-{q['week']}")
def alerts(query):
    """Specs whose 动销率 leaves the 60–80% band or whose price index moved more than the threshold."""
    return market_service.alerts(**query)


@stat_view("/admin/stats/members", MembersByQuery, MembersByResultSchema, lambda q: f"members-by-{q['by']}")
def members_by(query):
    """Members counted by one dimension, filtered by any others."""
    filters = {k: v for k, v in query.items() if k != "by"}
    return members.members_by(query["by"], filters)


@stat_view("/admin/stats/members/activity", ActivityQuery, ActivityResultSchema,
           lambda q: f"member-activity-{q['granularity']}")
def member_activity(query):
    """New, scanning and active members per day, week or month."""
    filters = {k: v for k, v in query.items() if k in members.FILTERS}
    return members.member_activity(query["start"], query["end"], query["granularity"], filters)


@stat_view("/admin/stats/consumption", ConsumptionQuery, ConsumptionResultSchema,
           lambda q: f"consumption-by-{q['by']}")
def consumption(query):
    """Packs scanned (consumption) by spec, price class, region or time, with the amount at retail price."""
    filters = {k: v for k, v in query.items() if k in members.FILTERS}
    return consumption_by(query["by"], query["start"], query["end"], filters, sku=query.get("sku"),
                          price_class=query.get("price_class"))


@stat_view("/admin/stats/points", PointsQuery, PointsResultSchema, lambda q: f"points-{q['granularity']}")
def points(query):
    """Points issued, spent, expired and outstanding (the liability) per period."""
    filters = {k: v for k, v in query.items() if k in members.FILTERS}
    return points_economy(query["start"], query["end"], query["granularity"], filters)


@stat_view("/admin/stats/redemptions", RedemptionsQuery, RedemptionsResultSchema,
           lambda q: f"redemptions-by-{q['by']}-{q['start']}-{q['end']}")
def redemptions(query):
    """Redemptions, units and points spent per gift or gift category; cancelled (refunded) ones excluded."""
    filters = {k: v for k, v in query.items() if k in members.FILTERS}
    return redemptions_by(query["by"], query["start"], query["end"], filters, category=query.get("category"))


def _fraud_rows(result):
    return [{"signal": name, **row} for name in ("heavy_scanners", "shared_ips", "far_scans") for row in result[name]]


@stat_view("/admin/stats/fraud", FraudQuery, FraudResultSchema, lambda q: f"fraud-{q['start']}-{q['end']}",
           rows=_fraud_rows)
def fraud(query):
    """Fraud signals: heavy scanners, shared IPs, scans far from the member's region."""
    return fraud_signals(query["start"], query["end"], query.get("scans_per_day"), query.get("members_per_ip"),
                         query.get("far_km"))
