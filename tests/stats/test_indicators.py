"""Market indicators against hand-computed tables (scenario in market_data.py)."""
from datetime import date, datetime, time
from decimal import Decimal

import pytest

from app.db import transaction
from app.observations.service import record_observation
from app.stats import indicators as ind
from app.stats.indicators import Components
from app.timeutil import LOCAL_TZ

from .. import factories
from .market_data import WEEK, build, fetch, observe

SPEC_A = {
    # listed r1 r2 r4 r5 of R(t) 5; ordered in P: r1 r2 r3; of which ordered in t: r1; demand in t: r1 r2;
    # zero stock / out of stock: r2; ordered in t−1: r1, again in t: r1; Σ ordered 3+0+6+5 = 14, Σ demand
    # 3+4+8+5 = 20; S = {r1: 5, r2: 3, r4: 1}, Q = 9; Σ q·pp = 55+36+9.5 = 100.5; Σ q·guide = 90;
    # Σ q·cp = 525+330+95 = 950; Σ q·pp·10 = 1005; Σ_S stock = 6+0+7 = 13; margin (1005/9)/85 − 1.
    "sku": "A", "group": None, "listing_rate": 0.8, "sell_through_rate": 0.3333, "repeat_demand_rate": 0.6667,
    "out_of_stock_rate": 0.3333, "repurchase_rate": 1.0, "fill_rate": 0.7, "price_index": 1.1167,
    "carton_pack_ratio": 0.9453, "stock_sales_ratio": 1.4444, "retailer_margin": 0.3137, "retailers": 5,
}
SPEC_B = {
    # only r3 in t, stock 5, nothing ordered anywhere: every denominator but |R(t)| and Σ demand is 0
    "sku": "B", "group": None, "listing_rate": 0.0, "sell_through_rate": None, "repeat_demand_rate": None,
    "out_of_stock_rate": None, "repurchase_rate": None, "fill_rate": None, "price_index": None,
    "carton_pack_ratio": None, "stock_sales_ratio": None, "retailer_margin": None, "retailers": 5,
}
A_BY_FORMAT = [
    # convenience: R = {r3, r4, r5}; listed r4 r5; P = {r3}, r3 unobserved in t; Σ ord 11 / Σ dem 13;
    # S = {r4: 1}: 9.50/10, 95/95, 7/1, 95/85 − 1
    {"sku": "A", "group": "convenience", "listing_rate": 0.6667, "sell_through_rate": 0.0,
     "repeat_demand_rate": 0.0, "out_of_stock_rate": 0.0, "repurchase_rate": None, "fill_rate": 0.8462,
     "price_index": 0.95, "carton_pack_ratio": 1.0, "stock_sales_ratio": 7.0, "retailer_margin": 0.1176,
     "retailers": 3},
    # grocery: R = {r1, r2}; P = {r1, r2}; Σ ord 3 / Σ dem 7; S = {r1: 5, r2: 3}, Q = 8: 91/80, 855/910,
    # 6/8, (910/8)/85 − 1
    {"sku": "A", "group": "grocery", "listing_rate": 1.0, "sell_through_rate": 0.5, "repeat_demand_rate": 1.0,
     "out_of_stock_rate": 0.5, "repurchase_rate": 1.0, "fill_rate": 0.4286, "price_index": 1.1375,
     "carton_pack_ratio": 0.9396, "stock_sales_ratio": 0.75, "retailer_margin": 0.3382, "retailers": 2},
]


def indicators(api, admin, **query):
    return fetch(api, admin, "/admin/stats/indicators", **{"week": WEEK, **query})


def test_week_indicators_match_the_hand_computed_table(api, admin):
    build()
    assert indicators(api, admin) == {"week": WEEK, "items": [SPEC_A, SPEC_B]}


def test_sku_filter_keeps_retailers_observed_for_other_specs_in_r_t(api, admin):
    build()
    assert indicators(api, admin, sku="A")["items"] == [SPEC_A]


def test_group_by_format_matches_the_hand_computed_table(api, admin):
    build()
    items = indicators(api, admin, group_by="format", sku="A")["items"]
    assert items == A_BY_FORMAT


def test_group_by_region_uses_county_codes_and_city_groups_them(api, admin):
    build()
    by_county = indicators(api, admin, group_by="region", sku="A")["items"]
    assert [(i["group"], i["retailers"]) for i in by_county] == [("440104", 3), ("440106", 2)]
    assert by_county[0] | {"group": "convenience"} == A_BY_FORMAT[0]
    by_city = indicators(api, admin, group_by="city", sku="A")["items"]
    assert by_city == [SPEC_A | {"group": "440100"}]


def test_a_week_without_observations_has_no_items(api, admin):
    build()
    response = api.get("/admin/stats/indicators", token=admin.token, query_string={"week": "2025-W10"})
    assert response.json == {"week": "2025-W10", "items": []}


def test_spec_with_no_previous_weeks_has_null_history_rates(api, admin):
    spec = factories.create_product(sku="NEW")
    shop = factories.create_retailer()
    observe(shop, spec, "W47", 4, 6, 6, pp="10.00", cp="100.00")
    (item,) = indicators(api, admin)["items"]
    assert item["listing_rate"] == 1.0 and item["fill_rate"] == 1.0 and item["retailers"] == 1
    for name in ("sell_through_rate", "repeat_demand_rate", "out_of_stock_rate", "repurchase_rate",
                 "price_index", "carton_pack_ratio", "stock_sales_ratio", "retailer_margin"):
        assert item[name] is None, name


def test_same_time_observations_in_a_week_the_last_recorded_counts(api, admin):
    spec = factories.create_product(sku="T")
    shop = factories.create_retailer()
    observe(shop, spec, "W46", 10, 0)
    day = date(2026, 11, 18)
    with transaction():
        for ordered in (1, 4):  # same observed_at: the higher id is the later one
            record_observation(retailer_id=shop.id, product_id=spec.id, observed_on=day,
                               observed_at=datetime.combine(day, time(10), tzinfo=LOCAL_TZ), stock_packs=5,
                               ordered_packs=ordered, pack_price=Decimal("10.00"), carton_price=Decimal("100.00"),
                               channel="phone")
    (item,) = indicators(api, admin)["items"]
    # q = 10 + 4 − 5 = 9; stock/sales = 5/9
    assert item["stock_sales_ratio"] == 0.5556


def test_missing_prices_leave_the_price_sums_but_not_the_quantities(api, admin):
    spec = factories.create_product(sku="P", guide_price=Decimal("20.00"), wholesale_price=Decimal("180.00"))
    one, two = factories.create_retailer(), factories.create_retailer()
    observe(one, spec, "W46", 10, 0)
    observe(two, spec, "W46", 10, 0)
    observe(one, spec, "W47", 5, 0, pp="22.00", cp="200.00")   # q 5 priced
    observe(two, spec, "W47", 7, 0)                              # q 3, no prices
    (item,) = indicators(api, admin)["items"]
    assert item["price_index"] == 1.1            # 5·22 / 5·20
    assert item["carton_pack_ratio"] == 0.9091   # 5·200 / 5·220
    assert item["retailer_margin"] == 0.2222     # 220/180 − 1
    assert item["stock_sales_ratio"] == 1.5      # (5+7) / 8


@pytest.mark.parametrize("query, field", [({"week": "2026-47"}, "week"), ({"week": "2026-W54"}, "week"),
                                          ({"week": WEEK, "group_by": "brand"}, "group_by"),
                                          ({"week": WEEK, "sku": "NOPE"}, "sku"), ({}, "week")])
def test_bad_queries_are_422_with_the_field_named(api, admin, query, field):
    response = api.get("/admin/stats/indicators", token=admin.token, query_string=query)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_every_indicator_is_null_on_a_zero_denominator():
    assert all(value is None for name, value in ind.evaluate(Components()).items() if name != "listing_rate")
    assert ind.listing_rate(Components()) is None


def test_each_indicator_function_states_its_formula():
    for func in ind.INDICATORS.values():
        assert "=" in func.__doc__ and "/" in func.__doc__


def test_errors_are_in_chinese_by_default(api, admin):
    response = api.get("/admin/stats/indicators", token=admin.token, query_string={"week": "2026-47"})
    assert response.json["error"]["fields"]["week"] == ["必须是 ISO 周，如 2026-W47。"]


UNLISTED = {"listing_rate": 0.0, **{name: None for name in ind.INDICATORS if name != "listing_rate"}}


def test_active_spec_nobody_observed_is_reported_unlisted(api, admin):
    """DOMAIN.md: a retailer not observed for a spec in a week counts as ordered 0. With R(t) = 5 and no
    observation of C in t−3..t, each of the 5 left C unlisted: 上柜率 0, every other ratio 0/0 = null."""
    build()
    factories.create_product(sku="C")
    factories.create_product(sku="OLD", status="retired")  # off the market: not expected on shelves
    assert indicators(api, admin)["items"] == [SPEC_A, SPEC_B, {"sku": "C", "group": None, **UNLISTED,
                                                                "retailers": 5}]
    assert indicators(api, admin, sku="C")["items"] == [{"sku": "C", "group": None, **UNLISTED, "retailers": 5}]
    assert indicators(api, admin, sku="OLD")["items"] == []
    by_format = indicators(api, admin, group_by="format", sku="C")["items"]
    assert by_format == [{"sku": "C", "group": "convenience", **UNLISTED, "retailers": 3},
                         {"sku": "C", "group": "grocery", **UNLISTED, "retailers": 2}]
    # B was observed only by r3 (convenience): among the grocers it is unlisted too
    assert indicators(api, admin, group_by="format", sku="B")["items"][1] == {
        "sku": "B", "group": "grocery", **UNLISTED, "retailers": 2}


def test_unobserved_weeks_count_in_a_periods_pooled_listing_rate(api, admin):
    """B is observed (and unlisted) only in W47; November's W45 and W46 had observed retailers (1 and 3) who
    did not list B either, so the month pools all three weeks."""
    build()
    body = fetch(api, admin, "/admin/stats/indicators/period", period="2026-11", sku="B")
    (item,) = body["items"]
    assert (item["listing_rate"], item["weeks"], item["retailers"]) == (0.0, 3, 3)
    history = fetch(api, admin, "/admin/stats/indicators/history", sku="B", **{"from": "2026-W45", "to": WEEK})
    assert [(i["week"], i["listing_rate"], i["retailers"]) for i in history["items"]] == [
        ("2026-W45", 0.0, 1), ("2026-W46", 0.0, 3), (WEEK, 0.0, 5)]
