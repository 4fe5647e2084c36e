"""Statistics in the console (统计分析): market indicators, member statistics, points economy. Each page shows
the figures of the stats API for the same filters, exports its tables, and survives any query string."""
import csv
import html
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db

from ..stats.market_data import WEEK, build, fetch
from ..stats.test_member_stats import at, join, scan
from ..stats.test_redemption_stats import RANGE, scenario
from .. import factories

RATES = ("listing_rate", "sell_through_rate", "repeat_demand_rate", "out_of_stock_rate", "repurchase_rate",
         "fill_rate")


def table(page: str, name: str) -> list[list[str]]:
    """The rows of a page's table, each a list of its cells' text."""
    match = re.search(rf'data-testid="table-{name}">(.*?)</table>', page, re.S)
    assert match, f"no table {name}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(1).split("</thead>")[1], re.S)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def percent(value):
    return "—" if value is None else f"{value * 100:.2f}%"


def number(value):
    return "—" if value is None else f"{value:.4f}"


def indicator_cells(item):
    return [percent(item[k]) for k in RATES] + [number(item["price_index"]), number(item["carton_pack_ratio"]),
                                               number(item["stock_sales_ratio"]), percent(item["retailer_margin"]),
                                               str(item["retailers"])]


def csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def xlsx_rows(response):
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))


# ---- market indicators ---------------------------------------------------------------------------------------

def test_market_page_shows_the_apis_indicators_for_the_week_in_chinese(console, api, admin):
    build()
    body = fetch(api, admin, "/admin/stats/indicators", week=WEEK)
    page = console.get(f"/admin/stats?time={WEEK}").get_data(as_text=True)
    for header in ("上柜率", "动销率", "重需率", "断货率", "再购率", "满足率", "价格指数", "条包吻合率", "社会存销比", "客户毛利率"):
        assert f">{header}</th>" in page
    rows = table(page, "indicators")
    assert [row[0] for row in rows] == [item["sku"] for item in body["items"]] == ["A", "B"]
    for row, item in zip(rows, body["items"]):
        assert row[2:] == indicator_cells(item)
    assert "—" in rows[1]  # spec B: ratios without a denominator


def test_market_page_groups_by_format_with_chinese_labels(console, api, admin):
    build()
    body = fetch(api, admin, "/admin/stats/indicators", week=WEEK, group_by="format", sku="A")
    page = console.get(f"/admin/stats?week={WEEK}&group_by=format&sku=A").get_data(as_text=True)
    rows = table(page, "indicators")
    labels = {"grocery": "食杂店", "convenience": "便利店"}
    assert [(row[0], row[2]) for row in rows] == [("A", labels[i["group"]]) for i in body["items"]]
    for row, item in zip(rows, body["items"]):
        assert row[3:] == indicator_cells(item)


def test_market_page_highlights_the_weeks_alerts(console, api, admin):
    build()
    alerts = fetch(api, admin, "/admin/stats/alerts", week=WEEK)["items"]
    assert {"sku": "A", "kind": "sell_through_out_of_band", "value": 0.3333, "previous": None, "limit": 0.6} in alerts
    page = console.get(f"/admin/stats?time={WEEK}").get_data(as_text=True)
    (row,) = [r for r in table(page, "alerts") if r[0] == "A"]
    assert "动销率" in row[2] and row[3] == "33.33%" and row[6] == "60.00%"
    assert re.search(r'<td data-label="动销率" class="num alert"[^>]*>33.33%</td>', page)


def test_market_page_shows_a_month_as_the_api_aggregates_it(console, api, admin):
    build()
    body = fetch(api, admin, "/admin/stats/indicators/period", period="2026-11")
    page = console.get("/admin/stats?time=2026-11").get_data(as_text=True)
    rows = table(page, "indicators")
    assert [row[0] for row in rows] == [item["sku"] for item in body["items"]]
    for row, item in zip(rows, body["items"]):
        assert row[2:] == indicator_cells(item) + [str(item["weeks"])]
    assert 'data-testid="period-note"' in page and "2026-W45" in page


def test_market_indicators_export_as_csv_and_xlsx_and_are_audited(console, api, admin):
    build()
    body = fetch(api, admin, "/admin/stats/indicators", week=WEEK)
    header, *rows = csv_rows(console.get(f"/admin/stats?time={WEEK}&export=csv"))
    assert header[:3] == ["规格代码", "规格", "上柜率"] and header[-1] == "样本零售户"
    assert [r[0] for r in rows] == ["A", "B"] and float(rows[0][3]) == body["items"][0]["sell_through_rate"]
    header, *rows = xlsx_rows(console.get(f"/admin/stats?time={WEEK}&export=xlsx"))
    assert rows[0][2] == body["items"][0]["listing_rate"] and rows[1][3] in (None, "")  # null stays empty
    alerts = csv_rows(console.get(f"/admin/stats?time={WEEK}&export=csv&table=alerts"))
    assert alerts[1][0] == "A"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")
                              .order_by(AuditEvent.id.desc()))
    assert event.target_type == "stats-alerts" and event.note.startswith("csv 1 rows")


# ---- member statistics ---------------------------------------------------------------------------------------

def members_scenario():
    spec = factories.create_product()
    one = join("440106", preferred_category="slim", joined=at(date(2026, 11, 17)))
    join("440104", joined=at(date(2026, 11, 18)))
    join("430102", joined=at(date(2026, 11, 1)))
    scan(one, spec, at(date(2026, 11, 18)))


def test_members_page_counts_by_city_with_names_as_the_api_does(console, api, admin):
    members_scenario()
    body = fetch(api, admin, "/admin/stats/members", by="city")
    page = console.get("/admin/stats/members?by=city").get_data(as_text=True)
    rows = table(page, "by")
    assert [(r[0], r[2]) for r in rows] == [(i["key"], str(i["count"])) for i in body["items"]]
    assert rows[0][1] == "广东省 广州市" and 'data-testid="chart-by"' in page


def test_members_page_labels_enumerations_in_chinese(console, api, admin):
    members_scenario()
    body = fetch(api, admin, "/admin/stats/members", by="preferred_category")
    rows = table(console.get("/admin/stats/members?by=preferred_category").get_data(as_text=True), "by")
    assert [(r[0], r[2]) for r in rows] == [(i["key"] or "—", str(i["count"])) for i in body["items"]]
    assert {r[1] for r in rows} == {"细支", "混合型"}


def test_members_page_shows_new_and_active_members_per_day_as_the_api_does(console, api, admin):
    members_scenario()
    query = {"from": "2026-11-16", "to": "2026-11-19", "granularity": "day", "region": "440000"}
    body = fetch(api, admin, "/admin/stats/members/activity", **query)
    page = console.get("/admin/stats/members", query_string=query).get_data(as_text=True)
    assert table(page, "activity") == [[i["period"], str(i["new"]), str(i["scanning"]), str(i["active"])]
                                       for i in body["items"]]
    assert ["2026-11-17", "1", "0", "0"] in table(page, "activity")
    assert 'data-testid="chart-new"' in page and 'data-testid="chart-active"' in page


def test_members_tables_export_as_csv_and_xlsx(console):
    members_scenario()
    header, *rows = csv_rows(console.get("/admin/stats/members?by=city&export=csv"))
    assert header == ["代码", "城市", "会员数"] and rows[0] == ["440100", "广东省 广州市", "2"]
    query = "from=2026-11-16&to=2026-11-19&table=activity&export=xlsx"
    header, *rows = xlsx_rows(console.get(f"/admin/stats/members?{query}"))
    assert len(rows) == 4 and rows[1] == ("2026-11-17", 1, 0, 0)


# ---- points economy ------------------------------------------------------------------------------------------

def test_points_page_shows_points_and_redemptions_as_the_api_does(console, api, admin):
    scenario()
    query = {**RANGE, "granularity": "week"}
    points = fetch(api, admin, "/admin/stats/points", **query)
    page = console.get("/admin/stats/points", query_string=query).get_data(as_text=True)
    columns = ("issued", "spent", "refunded", "expired", "adjusted", "outstanding")
    assert table(page, "points") == [[i["period"], *(str(i[k]) for k in columns)] for i in points["items"]]
    gifts = fetch(api, admin, "/admin/stats/redemptions", by="gift", **RANGE)["items"]
    assert table(page, "gifts") == [[i["name"], i["category"], str(i["redemptions"]), str(i["quantity"]),
                                     str(i["points_spent"]), str(i["members"])] for i in gifts]
    assert f'href="/admin/gifts/{gifts[0]["gift_id"]}"' in page
    categories = fetch(api, admin, "/admin/stats/redemptions", by="category", **RANGE)["items"]
    assert [r[0] for r in table(page, "categories")] == [i["category"] for i in categories] == ["生活用品"]


def test_points_page_lists_fraud_signals_with_member_links_and_masked_phones(console, api, admin, app):
    app.config.update(FRAUD_SCANS_PER_DAY=4, FRAUD_MEMBERS_PER_IP=2)
    factories.create_retailer(region_code="440106", lat=23.13, lon=113.32)
    spec = factories.create_product()
    busy, far = join(), join()
    for _ in range(4):
        scan(busy, spec, at(date(2026, 11, 18)), ip="10.0.0.9")
    scan(far, spec, at(date(2026, 11, 18)), ip="10.0.0.9", lat=39.90, lon=116.40)
    query = {"from": "2026-11-18", "to": "2026-11-18"}
    body = fetch(api, admin, "/admin/stats/fraud", **query)
    page = console.get("/admin/stats/points", query_string=query).get_data(as_text=True)
    heavy = body["heavy_scanners"][0]
    assert table(page, "heavy_scanners") == [[str(busy.id), heavy["phone"], "2026-11-18", "4"]]
    assert f'href="/admin/members/{busy.id}"' in page and f'href="/admin/members/{far.id}"' in page
    assert busy.member.phone not in page and "****" in heavy["phone"]
    assert table(page, "shared_ips") == [["10.0.0.9", "2", "5"]]
    (row,) = table(page, "far_scans")
    assert row[0] == str(far.id) and row[3] == str(body["far_scans"][0]["distance_km"])


def test_points_tables_export_as_csv_and_xlsx(console):
    scenario()
    query = "from=2026-11-02&to=2026-11-15&granularity=week"
    header, *rows = csv_rows(console.get(f"/admin/stats/points?{query}&export=csv"))
    assert header[0] == "期间" and [r[0] for r in rows] == ["2026-W45", "2026-W46"]
    header, *rows = xlsx_rows(console.get(f"/admin/stats/points?{query}&export=xlsx&table=gifts"))
    assert header[0] == "礼品" and rows[0][0] == "保温杯" and rows[0][4] == 300
    assert len(csv_rows(console.get(f"/admin/stats/points?{query}&export=csv&table=far_scans"))) == 1


# ---- access, navigation and bad filters ----------------------------------------------------------------------

PAGES = ("/admin/stats", "/admin/stats/members", "/admin/stats/points")


@pytest.mark.parametrize("path", PAGES)
def test_statistics_need_a_console_session(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302 and "/admin/login" in response.location


@pytest.mark.parametrize("path", PAGES)
def test_a_manager_can_read_and_export_statistics(make_console, path):
    manager = make_console("manager")
    assert manager.get(path).status_code == 200
    assert manager.get(f"{path}?export=xlsx").status_code == 200


def test_statistics_have_their_nav_entry_and_tabs(console):
    page = console.get("/admin/").get_data(as_text=True)
    assert '<div class="nav-group">统计分析</div>' in page and 'href="/admin/stats"' in page
    page = console.get("/admin/stats/points").get_data(as_text=True)
    assert re.search(r'<a href="/admin/stats" class="active">', page)  # the nav entry stays lit on sub-pages
    assert 'href="/admin/stats/points" class="active" aria-current="page">积分经济' in page


@pytest.mark.parametrize("path, notices", [
    ("/admin/stats?week=0001-W01", 1),
    ("/admin/stats?time=0001-W01&group_by=garbage&sku=nope", 2),
    ("/admin/stats?time=2026-W54", 1),
    ("/admin/stats?time=9999-Q9&export=csv", 0),
    ("/admin/stats?period=2026-13", 1),
    ("/admin/stats?time=9999", 1),
    ("/admin/stats?time=0001-Q1&group_by=city", 1),
    ("/admin/stats/members?by=shoe_size&from=0001-01-01&to=99999-12-31&granularity=hour&age_band=12_17", 5),
    ("/admin/stats/members?from=2026-11-20&to=2026-11-01&region=abc&gender=X", 3),
    ("/admin/stats/members?from=2000-01-01&to=2099-12-31", 1),
    ("/admin/stats/points?from=2026-02-30&to=tomorrow&granularity=%00", 3),
    ("/admin/stats/points?from=2026-11-20&to=2026-11-01&export=xlsx&table=nonsense", 0),
])
def test_bad_filters_are_ignored_with_a_notice_never_a_500(console, path, notices):
    response = console.get(path)
    assert response.status_code == 200
    if response.mimetype == "text/html":
        assert response.get_data(as_text=True).count('data-testid="notice"') >= notices
