"""Promo items in the console: items and low stock, inbound, stock per location, ledger, plans."""
import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.promo import service
from app.promo.models import PromoItem, PromoPlan


def _item(name="打火机", threshold=10):
    return service.create_item(name=name, unit="个", unit_cost="2.50", low_stock_threshold=threshold)


def _warehouse(item_id):
    db.session.expire_all()
    return next(s.quantity for s in service.all_stock(item_id=item_id) if s.staff_id is None)


def _table(response, testid):
    page = response.get_data(as_text=True)
    return page[page.index(f'data-testid="{testid}"'):]


def _cells(table):
    """The body rows of a list table as lists of cell texts."""
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [re.findall(r'<td data-label="[^"]*">(.*?)</td>', row, re.S) for row in body.split("<tr>")[1:]]


def _actions(prefix):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like(prefix + "%"))).all()


def test_admin_creates_an_item_and_bad_input_is_a_message(console):
    response = console.post("/admin/promo-items", {"name": "打火机", "unit": "个", "unit_cost": "2.5",
                                                   "low_stock_threshold": "20"})
    assert response.status_code == 302
    item = db.session.scalar(select(PromoItem))
    assert (item.name, str(item.unit_cost), item.low_stock_threshold) == ("打火机", "2.50", 20)
    page = console.post("/admin/promo-items", {"name": "打火机", "unit": "个", "unit_cost": "2.5"},
                        follow_redirects=True).get_data(as_text=True)
    assert "flash-error" in page
    page = console.post("/admin/promo-items", {"name": "", "unit": "个", "unit_cost": "abc"},
                        follow_redirects=True).get_data(as_text=True)
    assert "flash-error" in page and len(db.session.scalars(select(PromoItem)).all()) == 1
    assert _actions("promo_item.") == ["promo_item.create"]


def test_inbound_fills_the_warehouse_and_clears_the_low_stock_flag(console):
    item = _item(threshold=10)
    low = _table(console.get("/admin/promo-items?low=1"), "list-promo_items")
    assert "打火机" in low and ">库存不足</td>" in low
    assert console.post(f"/admin/promo-items/{item.id}/inbound", {"quantity": "50", "note": "十一月到货"}).status_code == 302
    assert _warehouse(item.id) == 50
    assert "打火机" not in _table(console.get("/admin/promo-items?low=1"), "list-promo_items")
    page = console.post(f"/admin/promo-items/{item.id}/inbound", {"quantity": "0"}, follow_redirects=True)
    assert "flash-error" in page.get_data(as_text=True) and _warehouse(item.id) == 50
    page = console.post("/admin/promo-items/999999/inbound", {"quantity": "5"}, follow_redirects=True)
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    assert _actions("promo_item.inbound") == ["promo_item.inbound"]


def test_stock_per_location_and_the_ledger_filter_and_export(console, staff):
    item, other = _item(), _item("扑克牌")
    service.inbound(item_id=item.id, quantity=30, recorded_by=console.admin.id)
    service.inbound(item_id=other.id, quantity=5, recorded_by=console.admin.id)
    service.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=12)
    stock = _table(console.get(f"/admin/promo-items/stock?item={item.id}"), "list-promo_stock")
    assert ">18</td>" in stock and ">12</td>" in stock and "扑克牌" not in stock
    only_staff = _table(console.get(f"/admin/promo-items/stock?location={staff.id}"), "list-promo_stock")
    assert ">12</td>" in only_staff and ">18</td>" not in only_staff
    ledger = _table(console.get(f"/admin/promo-items/movements?item={item.id}&kind=requisition"),
                    "list-promo_movements")
    assert ">12</td>" in ledger and ">30</td>" not in ledger
    assert "扑克牌" not in ledger
    export = console.get(f"/admin/promo-items/movements?item={item.id}&export=csv").get_data().decode("utf-8-sig")
    assert export.count("打火机") == 2 and "扑克牌" not in export


def test_plans_show_planned_against_used(console, staff):
    item = _item()
    service.inbound(item_id=item.id, quantity=30, recorded_by=console.admin.id)
    response = console.post("/admin/promo-items/plans", {"item_id": str(item.id), "region_code": "440100",
                                                         "month": "2026-11", "quantity": "100"})
    assert response.status_code == 302
    assert db.session.scalar(select(PromoPlan)).quantity == 100
    page = console.get("/admin/promo-items/plans?month=2026-11").get_data(as_text=True)
    table = _table(console.get("/admin/promo-items/plans?month=2026-11"), "list-promo_plans")
    assert [cells[3:] for cells in _cells(table)] == [["100", "0", "100"]]
    page = console.post("/admin/promo-items/plans", {"item_id": str(item.id), "region_code": "999999",
                                                     "month": "2026-13", "quantity": "1"}, follow_redirects=True)
    assert page.get_data(as_text=True).count("flash-error") >= 2
    assert _actions("promo_plan.") == ["promo_plan.create"]


def test_manager_sees_promo_pages_but_cannot_change_stock(make_console):
    item = _item()
    manager = make_console("manager")
    for path in ("/admin/promo-items", "/admin/promo-items/stock", "/admin/promo-items/movements",
                 "/admin/promo-items/plans"):
        assert manager.get(path).status_code == 200, path
    assert manager.post(f"/admin/promo-items/{item.id}/inbound", {"quantity": "5"}).status_code == 403
    assert _warehouse(item.id) == 0
