"""Promo items, their stock and plans, visit plans and plan vs actual are lists like the others: pages of 20,
50 or 100, sortable columns, filters, and ?export=csv|xlsx with the same rows in the same order."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.promo import service as promo
from app.visits import service as visits
from tests import factories

WEEK, MONDAY = "2026-W47", date(2026, 11, 16)
ROWS = 21  # one more than a page


def _body_rows(response):
    page = response.get_data(as_text=True)
    body = page[page.index("<tbody>", page.index('class="list"')):page.index("</tbody>")]
    return [re.findall(r'<td data-label="[^"]*">(.*?)</td>', row, re.S) for row in body.split("<tr>")[1:]
            if 'class="empty"' not in row]


def _csv(response):
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _xlsx(response):
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return [list(r) for r in load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True)]


@pytest.fixture
def items(console):
    made = [promo.create_item(name=f"物料{n:02d}", unit="个", unit_cost="1.00", low_stock_threshold=n % 3)
            for n in range(ROWS)]
    for n, item in enumerate(made):
        if n % 2:
            promo.inbound(item_id=item.id, quantity=n, recorded_by=console.admin.id)
    return made


@pytest.fixture
def week_plans(staff):
    people = [staff.user] + [factories.create_staff(name=f"业务员{n:02d}").user for n in range(ROWS - 1)]
    retailers = [factories.create_retailer() for _ in range(ROWS)]
    for n, (person, retailer) in enumerate(zip(people, retailers)):
        visits.create_plan(staff_id=person.id, retailer_id=retailer.id, planned_on=MONDAY + timedelta(days=n % 7))
    return people


LISTS = {  # path, the column sorted on (its CSV header index), the sort key
    "items": ("/admin/promo-items", 1, "name"),
    "stock": ("/admin/promo-items/stock", 2, "quantity"),
    "plans": ("/admin/promo-items/plans?month=2026-11", 3, "quantity"),
    "visit_plans": (f"/admin/visits/plans?week={WEEK}", 0, "planned_on"),
    "visit_summary": (f"/admin/visits/summary?week={WEEK}", 0, "staff"),
}


@pytest.fixture
def rows(request, console, items):
    if request.param in ("visit_plans", "visit_summary"):
        request.getfixturevalue("week_plans")
    if request.param == "plans":
        for n, item in enumerate(items):
            promo.create_plan(item_id=item.id, region_code="440100", month="2026-11", quantity=n + 1)
    return request.param


def _with(path, **args):
    return path + ("&" if "?" in path else "?") + "&".join(f"{k}={v}" for k, v in args.items())


@pytest.mark.parametrize("rows", list(LISTS), indirect=True)
def test_list_pages_sort_and_export(console, rows):
    path, column, key = LISTS[rows]
    first = console.get(path)
    assert first.status_code == 200 and len(_body_rows(first)) == 20
    assert f"{ROWS} 条" in first.get_data(as_text=True) or f"{ROWS} in all" in first.get_data(as_text=True)
    assert len(_body_rows(console.get(_with(path, page=2)))) == 1
    assert len(_body_rows(console.get(_with(path, per_page=50)))) == ROWS
    up = _csv(console.get(_with(path, sort=key, export="csv")))
    down = _csv(console.get(_with(path, sort="-" + key, export="csv")))
    assert len(up) == len(down) == ROWS + 1 and up[0] == down[0]
    values = [r[column] for r in up[1:]]
    assert values == sorted(values, key=lambda v: float(v) if v.isdigit() else v) and values != values[::-1]
    assert [r[column] for r in down[1:]] == values[::-1]
    shown = [r[column] for r in _body_rows(console.get(_with(path, sort=key, per_page=50)))]
    assert shown == values
    sheet = _xlsx(console.get(_with(path, sort=key, export="xlsx")))
    assert sheet[0] == up[0] and len(sheet) == ROWS + 1
    assert [str(r[column]) for r in sheet[1:]] == values


def test_list_filters(console, items, week_plans, staff):
    low = _csv(console.get("/admin/promo-items?low=1&export=csv"))[1:]
    assert low and all(r[-1] for r in low) and len(low) < ROWS
    assert [r[1] for r in _csv(console.get("/admin/promo-items?q=物料07&export=csv"))[1:]] == ["物料07"]
    one = _csv(console.get(f"/admin/promo-items/stock?item={items[3].id}&export=csv"))[1:]
    assert [r[0] for r in one] == ["物料03"]
    assert len(_csv(console.get("/admin/promo-items/stock?location=warehouse&export=csv"))) == ROWS + 1
    mine = _csv(console.get(f"/admin/visits/plans?week={WEEK}&staff={staff.id}&export=csv"))[1:]
    assert len(mine) == 1 and mine[0][1].startswith(staff.user.name)
    assert _csv(console.get(f"/admin/visits/plans?week=2026-W48&export=csv"))[1:] == []
    summary = _csv(console.get(f"/admin/visits/summary?week={WEEK}&staff={staff.id}&export=csv"))
    assert [r[:3] for r in summary[1:]] == [[staff.user.name, "1", "0"]]
    promo.create_plan(item_id=items[0].id, region_code="440100", month="2026-12", quantity=9)
    promo.create_plan(item_id=items[1].id, region_code="440100", month="2026-11", quantity=4)
    assert [r[3] for r in _csv(console.get("/admin/promo-items/plans?month=2026-12&export=csv"))[1:]] == ["9"]
    assert [r[0] for r in _csv(console.get(f"/admin/promo-items/plans?item={items[1].id}&export=csv"))[1:]] \
        == ["2026-11"]


@pytest.mark.parametrize("list_name, path", [("promo_items", "/admin/exports/promo_items?sort=-name"),
                                             ("promo_plans", "/admin/exports/promo_plans?month=2026-11")])
def test_background_export_of_computed_lists(console, items, list_name, path):
    from .conftest import wait_for_task

    for n, item in enumerate(items):
        promo.create_plan(item_id=item.id, region_code="440100", month="2026-11", quantity=n + 1)
    response = console.post(path, {"format": "csv"})
    state = wait_for_task(console, response.location + ".json")
    assert state["status"] == "done" and state["done"] == state["total"] == ROWS
    rows = _csv(console.get(state["download_url"]))[1:]
    if list_name == "promo_items":
        assert [r[1] for r in rows] == [f"物料{n:02d}" for n in reversed(range(ROWS))]
    else:
        assert all(r[4] == "0" and r[5] == r[3] for r in rows)  # used and remaining, computed per batch
