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
