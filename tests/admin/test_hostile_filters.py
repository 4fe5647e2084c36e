"""Absurd query strings on every console GET page: a filter it cannot use is ignored or refused, never a 500.

Every value goes to every filter name any console list knows (and the page's own arguments), so a filter added
to a list later is walked too; the route list is checked against the URL map, so a page added later is too."""
from urllib.parse import urlencode

import pytest

from app.admin.listing import SPECS
from app.promo import service as promo
from tests import factories

ROUTES = ["/admin/", "/admin/activities", "/admin/activities/new", "/admin/audit", "/admin/code-batches",
          "/admin/code-batches/import", "/admin/code-batches/new", "/admin/complaints", "/admin/gifts",
          "/admin/gifts/new", "/admin/identity-appeals", "/admin/login", "/admin/market-alerts", "/admin/members", "/admin/products",
          "/admin/products/new", "/admin/promo-items", "/admin/promo-items/movements", "/admin/promo-items/plans",
          "/admin/promo-items/requisitions", "/admin/promo-items/quotas",
          "/admin/promo-items/stock", "/admin/redemptions", "/admin/retailers", "/admin/retailers/import",
          "/admin/retailers/new", "/admin/rules", "/admin/rules/new", "/admin/staff", "/admin/staff/new",
          "/admin/stats", "/admin/stats/members", "/admin/stats/points",
          "/admin/tasks", "/admin/visits", "/admin/visits/plans", "/admin/visits/summary"]

ABSURD = ["99999999999999999999999", "-99999999999999999999", "2147483648", "0", "-1", "1e309", "NaN",
          "0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01", "0001-W01", "9999-W52", "2026-W99", "2026-W7", "0000-00",
          "9999-99", "garbage", "\x00", "2026-W47\x00", "1\x00", "１２３", "٣", "'; DROP TABLE members; --",
          "x" * 3000]

# Arguments pages read besides their filter forms.
PAGE_ARGUMENTS = {"sort", "page", "per_page", "export", "week", "format", "low", "item", "month", "location",
                  # the statistics pages read the stats API's query schemas
                  "time", "period", "sku", "group_by", "table", "from", "to", "granularity", "by", "dimension",
                  "region_code", "level", "preferred_category", "price_tier", "occupation", "income_band",
                  "age_band", "gender", "category"}


def _argument_names():
    names = set(PAGE_ARGUMENTS)
    for spec in SPECS.values():
        if spec.filter_form is not None:
            names |= {name for name in dir(spec.filter_form) if hasattr(getattr(spec.filter_form, name), "field_class")}
    return sorted(names)


def test_every_console_get_page_is_walked(app):
    pages = {rule.rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/admin") and "GET" in rule.methods and not rule.arguments}
    assert pages == set(ROUTES)


@pytest.fixture
def some_rows(console, member, staff):
    item = promo.create_item(name="打火机", unit="个", unit_cost="2.50", low_stock_threshold=10)
    promo.create_plan(item_id=item.id, region_code="440100", month="2026-11", quantity=5)
    factories.create_gift(name="保温杯", stock=2)
    factories.create_retailer()


@pytest.mark.parametrize("route", ROUTES)
def test_absurd_filters_are_never_a_server_error(console, some_rows, route):
    names = _argument_names()
    for value in ABSURD:  # each filter is read on its own, so every one gets the value at once
        response = console.get(f"{route}?{urlencode({name: value for name in names})}")
        assert response.status_code < 500, (route, value)


@pytest.mark.parametrize("url", [
    "/admin/market-alerts?week=0001-W01", "/admin/market-alerts?week=2026-W7", "/admin/visits?week=0001-W01", "/admin/visits/summary?week=0001-W01",
    "/admin/redemptions?date_from=0001-01-01&date_to=9999-12-31",
    "/admin/promo-items/stock?item=99999999999999999999999",
    "/admin/promo-items/movements?item=99999999999999999999", "/admin/audit?since=0001-01-01&until=9999-12-31"])
def test_out_of_range_filters_are_ignored_or_refused_with_a_message(console, url):
    response = console.get(url)
    if "market-alerts" in url:
        assert response.status_code == 400
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "field-error" in page
