"""Last week's market alerts on the dashboard, and their JSON / CSV download."""
import csv
import io
from datetime import datetime, time
from decimal import Decimal

from app.admin.market_alerts import market_alerts
from app.db import transaction
from app.observations.service import record_observation
from app.stats.weeks import parse_week, previous_week, shift_week
from app.timeutil import LOCAL_TZ

from .. import factories


def observe(retailer, product, week, stock, pp=None, cp=None, ordered=0):
    day = parse_week(week)
    with transaction():
        record_observation(retailer_id=retailer.id, product_id=product.id, observed_on=day,
                           observed_at=datetime.combine(day, time(10), tzinfo=LOCAL_TZ), stock_packs=stock,
                           ordered_packs=ordered, pack_price=None if pp is None else Decimal(pp),
                           carton_price=None if cp is None else Decimal(cp), channel="visit")


def price_jump_last_week():
    """Spec X sells 5 packs a week; its price goes from 10.00 to 10.60 last week: index 1.0 → 1.06 (+6% > 5%)."""
    last = previous_week()
    spec = factories.create_product(sku="X", name="红塔山(经典)", guide_price=Decimal("10.00"))
    shop = factories.create_retailer()
    observe(shop, spec, shift_week(last, -2), 10)
    observe(shop, spec, shift_week(last, -1), 5, pp="10.00", cp="100.00")
    observe(shop, spec, last, 0, pp="10.60", cp="100.00")
    return last


def test_dashboard_lists_last_weeks_price_index_alert_in_chinese(console):
    last = price_jump_last_week()
    page = console.get("/admin/").get_data(as_text=True)
    assert f"市场预警（{last}）" in page
    assert page.count('data-testid="market-alert"') == 1
    assert "红塔山(经典)" in page and "价格指数变动 +6.00%" in page
    assert f"/admin/market-alerts?week={last}&amp;format=csv" in page


def test_dashboard_shows_sell_through_outside_the_band(console):
    """Spec Y was ordered the week before last but not last week: 动销率 0% < 60%."""
    last = previous_week()
    spec = factories.create_product(sku="Y", name="黄鹤楼(硬)")
    shop = factories.create_retailer()
    observe(shop, spec, shift_week(last, -1), 10, ordered=5)
    observe(shop, spec, last, 8)
    page = console.get("/admin/").get_data(as_text=True)
    assert page.count('data-testid="market-alert"') == 1
    assert "黄鹤楼(硬)" in page and "动销率超出 60%–80% 区间" in page and "0.0%" in page


def test_dashboard_without_alerts_says_so(console):
    page = console.get("/admin/").get_data(as_text=True)
    assert 'data-testid="market-alerts-empty"' in page and "上周没有市场预警" in page
    assert 'data-testid="market-alert"' not in page


def test_market_alerts_are_those_of_the_statistics_for_last_week(app):
    last = price_jump_last_week()
    result = market_alerts()
    assert result["week"] == last
    assert result["items"] == [{"sku": "X", "name": "红塔山(经典)", "kind": "price_index_moved", "value": 1.06,
                                "previous": 1.0, "change_pct": 6.0, "limit": 5.0}]


def test_alert_download_as_json_and_csv(console):
    last = price_jump_last_week()
    body = console.get("/admin/market-alerts").get_json()
    assert body["week"] == last and [i["sku"] for i in body["items"]] == ["X"]
    response = console.get(f"/admin/market-alerts?week={last}&format=csv")
    assert response.status_code == 200 and f"alerts-{last}.csv" in response.headers["Content-Disposition"]
    (row,) = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    assert row["sku"] == "X" and row["kind"] == "price_index_moved" and row["change_pct"] == "6.0"
    assert console.get("/admin/market-alerts?week=nonsense").status_code == 400


def test_alert_download_needs_a_console_session(anonymous):
    response = anonymous.get("/admin/market-alerts")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
