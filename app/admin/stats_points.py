"""Points economy (积分经济) in the console: points issued, spent, expired and outstanding per period, redemptions
by gift and by category, and the fraud signals of scanning over the same dates. Figures from app/stats/points.py,
redemptions.py and fraud.py, exactly as GET /api/v1/admin/stats/points, /redemptions and /fraud answer them
(phones come masked from the service)."""
from flask import request, url_for
from flask_babel import lazy_gettext as _l

from ..stats.fraud import fraud_signals
from ..stats.points import points_economy
from ..stats.redemptions import redemptions_by
from ..stats.schemas import PointsQuery
from . import bp
from .pages import localtime
from .stats import RANGE_LABELS, RangeForm, StatColumn as C, Table, bars, range_form, read_query, region_name, \
    render_page


def _member(item):
    return url_for("admin.members_detail", member_id=item["member_id"])


def _gift(item):
    return url_for("admin.gifts_detail", gift_id=item["gift_id"])


MEMBERS = C("members", _l("Member count"), lambda i: i["members"])
SCANS = C("scans", _l("Scan count"), lambda i: i["scans"])


def _figures():
    return [C("redemptions", _l("Times redeemed"), lambda i: i["redemptions"]),
            C("quantity", _l("Units"), lambda i: i["quantity"]),
            C("points_spent", _l("Points spent"), lambda i: i["points_spent"]),
            MEMBERS]


MEMBER = C("member_id", _l("Member"), lambda i: i["member_id"], link=_member)
CATEGORY = C("category", _l("Category"), lambda i: i["category"])
PHONE = C("phone", _l("Phone"), lambda i: i["phone"])
TABLES = {
    "points": Table("stats-points", _l("Points per period"), [
        C("period", _l("Period"), lambda i: i["period"]), C("issued", _l("Issued"), lambda i: i["issued"]),
        C("spent", _l("Spent"), lambda i: i["spent"]), C("refunded", _l("Refunded"), lambda i: i["refunded"]),
        C("expired", _l("Expired"), lambda i: i["expired"]),
        C("adjusted", _l("Adjusted"), lambda i: i["adjusted"]),
        C("outstanding", _l("Outstanding (liability)"), lambda i: i["outstanding"])]),
    "gifts": Table("stats-redemptions-by-gift", _l("Redemptions by gift"), [
        C("gift", _l("Gift"), lambda i: i["name"], link=_gift), CATEGORY, *_figures()]),
    "categories": Table("stats-redemptions-by-category", _l("Redemptions by category"), [CATEGORY, *_figures()]),
    "heavy_scanners": Table("stats-fraud-heavy-scanners", _l("Many scans in a day"), [
        MEMBER, PHONE, C("day", _l("Day"), lambda i: i["day"].isoformat()), SCANS]),
    "shared_ips": Table("stats-fraud-shared-ips", _l("Many members from one IP address"), [
        C("client_ip", _l("IP address"), lambda i: i["client_ip"]), MEMBERS, SCANS]),
    "far_scans": Table("stats-fraud-far-scans", _l("Scans far from the member's region"), [
        MEMBER, PHONE, C("region", _l("Member's region"), lambda i: region_name(i["region_code"])),
        C("distance_km", _l("Distance (km)"), lambda i: i["distance_km"]),
        C("created_at", _l("Scanned at"), lambda i: i["created_at"], show=lambda i: localtime(i["created_at"])),
        C("scan_id", _l("Scan ID"), lambda i: i["scan_id"])]),
}


@bp.get("/stats/points")
def stats_points():
    notices = []
    query = read_query(PointsQuery, request.args, {}, RANGE_LABELS, notices)
    start, end = query["start"], query["end"]
    points = points_economy(start, end, query["granularity"])
    fraud = fraud_signals(start, end)
    results = {"points": points["items"], "gifts": redemptions_by("gift", start, end, {})["items"],
               "categories": redemptions_by("category", start, end, {})["items"],
               **{name: fraud[name] for name in ("heavy_scanners", "shared_ips", "far_scans")}}
    charts = {key: bars(points["items"], key) for key in ("issued", "spent", "outstanding")}
    return render_page("admin/stats/points.html", TABLES, "points", results, notices=notices,
                       form=range_form(RangeForm, query), points=points, fraud=fraud, charts=charts)
