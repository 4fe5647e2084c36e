"""Redemptions by gift and category: counts, units, points and members; cancelled ones left out."""
import csv
import io
from datetime import date

from app.redemptions import service as redemptions

from .. import factories
from .market_data import fetch
from .test_member_stats import at, join

PICKUP = {"method": "pickup"}
RANGE = {"from": "2026-11-02", "to": "2026-11-15"}


def redeem(handle, gift, quantity, day, hour=10):
    redemption, _balance = redemptions.redeem(handle.id, gift.id, quantity, PICKUP, now=at(day, hour))
    return redemption


def scenario():
    """cup 100 pts (生活用品), towel 30 pts (生活用品), lighter 50 pts (烟具).
    gd (Guangzhou):  cup×2 on 11-03 (200), towel×1 on 11-10 (30), lighter×1 on 11-16 (after the range)
    hn (Changsha):   cup×1 on 11-05 (100), lighter×3 on 11-06 (150) then cancelled (refunded: not counted),
                     towel×1 on 11-01 at 23:30 Shanghai (the day before the range)."""
    cup = factories.create_gift(name="保温杯", category="生活用品", points_cost=100, stock=20)
    towel = factories.create_gift(name="毛巾", category="生活用品", points_cost=30, stock=20)
    lighter = factories.create_gift(name="打火机", category="烟具", points_cost=50, stock=20)
    gd, hn = join(), join(region="430102")
    for handle in (gd, hn):
        factories.grant_points(handle.id, 1000, now=at(date(2026, 10, 1)))
    redeem(gd, cup, 2, date(2026, 11, 3))
    redeem(gd, towel, 1, date(2026, 11, 10))
    redeem(gd, lighter, 1, date(2026, 11, 16))
    redeem(hn, cup, 1, date(2026, 11, 5))
    cancelled = redeem(hn, lighter, 3, date(2026, 11, 6))
    redemptions.cancel(cancelled.id, by="admin", now=at(date(2026, 11, 7)))
    redeem(hn, towel, 1, date(2026, 11, 1), hour=23)
    return cup, towel, lighter


def test_redemptions_per_gift_exclude_cancelled_and_out_of_range(api, admin):
    cup, towel, _lighter = scenario()
    body = fetch(api, admin, "/admin/stats/redemptions", by="gift", **RANGE)
    assert body["items"] == [
        {"key": str(cup.id), "gift_id": cup.id, "name": "保温杯", "category": "生活用品", "redemptions": 2,
         "quantity": 3, "points_spent": 300, "members": 2},
        {"key": str(towel.id), "gift_id": towel.id, "name": "毛巾", "category": "生活用品", "redemptions": 1,
         "quantity": 1, "points_spent": 30, "members": 1}]
    assert body["totals"] == {"key": None, "gift_id": None, "name": None, "category": None, "redemptions": 3,
                              "quantity": 4, "points_spent": 330, "members": 2}
    assert body["from"] == "2026-11-02" and body["to"] == "2026-11-15"


def test_redemptions_per_category_with_member_filter(api, admin):
    scenario()
    wide = {"from": "2026-11-01", "to": "2026-11-30"}
    body = fetch(api, admin, "/admin/stats/redemptions", by="category", **wide)
    assert [(i["key"], i["redemptions"], i["quantity"], i["points_spent"], i["members"]) for i in body["items"]] == [
        ("生活用品", 4, 5, 360, 2), ("烟具", 1, 1, 50, 1)]
    guangzhou = fetch(api, admin, "/admin/stats/redemptions", by="category", region="440100", **wide)
    assert [(i["key"], i["quantity"], i["points_spent"]) for i in guangzhou["items"]] == [
        ("生活用品", 3, 230), ("烟具", 1, 50)]
    assert guangzhou["totals"]["points_spent"] == 280 and guangzhou["totals"]["members"] == 1
    one_category = fetch(api, admin, "/admin/stats/redemptions", by="gift", category="烟具", **wide)
    assert [(i["name"], i["quantity"]) for i in one_category["items"]] == [("打火机", 1)]
    assert one_category["totals"]["category"] == "烟具"


def test_redemptions_export_as_csv(api, admin):
    scenario()
    response = api.get("/admin/stats/redemptions", token=admin.token,
                       query_string={"by": "category", "format": "csv", **RANGE})
    assert response.status_code == 200 and "text/csv" in response.headers["Content-Type"]
    assert "redemptions-by-category" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["key"], r["points_spent"]) for r in rows] == [("生活用品", "330")]


def test_redemptions_reject_unknown_dimension(api, admin):
    response = api.get("/admin/stats/redemptions", token=admin.token, query_string={"by": "member"})
    assert response.status_code == 422 and "by" in response.json["error"]["fields"]
