"""Products in the console: list, add, edit, retire, reactivate (through app/products/service.py)."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.products.models import Product
from tests import factories

BODY = {"sku": "HN-FRW-01", "name": "芙蓉王（硬）", "brand": "芙蓉王", "pack_price": "25.00",
        "carton_price": "250.00", "guide_price": "25.00", "wholesale_price": "220.00", "price_class": "2",
        "points_per_pack": "3"}


def _product(sku):
    db.session.expire_all()
    return db.session.scalar(select(Product).where(Product.sku == sku))


def _actions():
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_admin_adds_a_product_and_it_is_audited(console):
    response = console.post("/admin/products/new", BODY)
    assert response.status_code == 302
    product = _product("HN-FRW-01")
    assert str(product.pack_price) == "25.00" and product.points_per_pack == 3 and product.status == "active"
    assert "product.create" in _actions()


def test_a_taken_sku_is_shown_as_a_message_and_nothing_changes(console):
    factories.create_product(sku="HN-FRW-01", name="原有")
    response = console.post("/admin/products/new", BODY, follow_redirects=True)
    assert response.status_code == 200
    assert "已存在" in response.get_data(as_text=True) or "already exists" in response.get_data(as_text=True)
    assert _product("HN-FRW-01").name == "原有" and "product.create" not in _actions()


def test_a_negative_price_is_refused_by_the_form(console):
    response = console.post("/admin/products/new", dict(BODY, pack_price="-1"))
    assert response.status_code == 200 and _product("HN-FRW-01") is None


def test_editing_keeps_the_sku_and_records_before_and_after(console):
    product = factories.create_product(sku="A1")
    response = console.post(f"/admin/products/{product.id}", dict(BODY, sku="CHANGED", name="新名字"))
    assert response.status_code == 302
    assert _product("A1").name == "新名字" and _product("CHANGED") is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "product.update"))
    assert event.target_id == str(product.id) and "新名字" in str(event.after)


def test_retire_and_reactivate(console):
    product = factories.create_product(sku="R1")
    console.post(f"/admin/products/{product.id}/retire")
    assert _product("R1").status == "retired"
    assert "R1" in console.get("/admin/products?status=retired").get_data(as_text=True)
    assert "R1" not in console.get("/admin/products?status=active").get_data(as_text=True)
    console.post(f"/admin/products/{product.id}/reactivate")
    assert _product("R1").status == "active"
    assert _actions()[-2:] == ["product.retire", "product.reactivate"]


def test_product_list_filters_sorts_and_exports(console):
    factories.create_product(sku="ZZ9", name="甲", brand="黄鹤楼")
    factories.create_product(sku="AA1", name="乙", brand="芙蓉王")
    page = console.get("/admin/products?q=黄鹤楼").get_data(as_text=True)
    assert "ZZ9" in page and "AA1" not in page
    page = console.get("/admin/products?sort=-sku").get_data(as_text=True)
    assert page.index("ZZ9") < page.index("AA1")
    csv = console.get("/admin/products?export=csv&sort=sku").get_data().decode("utf-8-sig")
    assert csv.index("AA1") < csv.index("ZZ9")


def test_a_post_without_csrf_changes_nothing(console):
    product = factories.create_product(sku="C1")
    response = console.post(f"/admin/products/{product.id}/retire", csrf=False)
    assert response.status_code in (400, 403)
    assert _product("C1").status == "active"


def test_manager_reads_products_but_cannot_change_them(make_console):
    product = factories.create_product(sku="M1")
    manager = make_console("manager")
    assert manager.get("/admin/products").status_code == 200
    page = manager.get(f"/admin/products/{product.id}")
    assert page.status_code == 200 and "<form method=\"post\" class=\"card form\"" not in page.get_data(as_text=True)
    assert manager.post(f"/admin/products/{product.id}/retire").status_code == 403
    assert manager.post("/admin/products/new", BODY).status_code == 403
    assert _product("M1").status == "active" and _product("HN-FRW-01") is None


def test_an_unknown_product_is_a_404_page(console):
    assert console.get("/admin/products/99999").status_code == 404
    assert console.post("/admin/products/99999/retire").status_code in (302, 404)
