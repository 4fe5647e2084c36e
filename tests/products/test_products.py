import pytest
from sqlalchemy import select

from app.extensions import db
from app.products.models import Product

BODY = {"sku": "6901028075022", "name": "芙蓉王(蓝)", "brand": "芙蓉王", "pack_price": "26.00",
        "carton_price": "260.00", "guide_price": "26.00", "wholesale_price": "227.90", "price_class": 1}


def test_admin_adds_a_product_and_the_app_lists_it_with_money_as_strings(api, admin):
    created = api.post("/admin/products", BODY, token=admin.token)
    assert created.status_code == 201, created.json
    assert created.json["points_per_pack"] == 1 and created.json["price_class_name"] == "一类"
    listed = api.get("/products").json  # public
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item == {"id": created.json["id"], "sku": BODY["sku"], "name": "芙蓉王(蓝)", "brand": "芙蓉王",
                    "pack_price": "26.00", "carton_price": "260.00", "points_per_pack": 1}


def test_duplicate_sku_is_a_conflict(api, admin):
    api.post("/admin/products", BODY, token=admin.token)
    again = api.post("/admin/products", BODY, token=admin.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "SKU_TAKEN"


@pytest.mark.parametrize("field, value", [("pack_price", "-1"), ("pack_price", "abc"), ("price_class", 6),
                                          ("points_per_pack", -1), ("sku", "has space"), ("name", "")])
def test_bad_product_fields_are_refused(api, admin, field, value):
    response = api.post("/admin/products", {**BODY, field: value}, token=admin.token)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_admin_edits_and_retires_a_product(api, admin):
    product_id = api.post("/admin/products", BODY, token=admin.token).json["id"]
    edited = api.patch(f"/admin/products/{product_id}", {"pack_price": "27.50", "points_per_pack": 2},
                       token=admin.token)
    assert edited.status_code == 200 and edited.json["pack_price"] == "27.50" and edited.json["points_per_pack"] == 2
    retired = api.post(f"/admin/products/{product_id}/retire", token=admin.token)
    assert retired.json["status"] == "retired"
    assert api.get("/products").json["total"] == 0
    assert api.post(f"/admin/products/{product_id}/reactivate", token=admin.token).json["status"] == "active"


def test_products_admin_is_admin_only(api, staff, member):
    assert api.post("/admin/products", BODY, token=staff.token).status_code == 403
    assert api.post("/admin/products", BODY, token=member.token).status_code == 403
    assert api.post("/admin/products", BODY).status_code == 401


def test_cli_adds_a_product_with_default_prices(runner, app):
    result = runner.invoke(args=["products", "add", "--sku", "S1", "--name", "黄鹤楼(软蓝)", "--pack-price", "19.00"])
    assert result.exit_code == 0, result.output
    product = db.session.scalar(select(Product).where(Product.sku == "S1"))
    assert (product.brand, str(product.carton_price), str(product.guide_price), str(product.wholesale_price),
            product.points_per_pack) == ("黄鹤楼", "190.00", "19.00", "171.00", 1)
    assert result.stdout.strip() == str(product.id)


def test_cli_refuses_a_duplicate_or_bad_price(runner, app):
    runner.invoke(args=["products", "add", "--sku", "S1", "--name", "玉溪(软)", "--pack-price", "23"])
    dup = runner.invoke(args=["products", "add", "--sku", "S1", "--name", "玉溪(软)", "--pack-price", "23"])
    assert dup.exit_code != 0
    bad = runner.invoke(args=["products", "add", "--sku", "S2", "--name", "x", "--pack-price", "-5"])
    assert bad.exit_code != 0 and "pack_price" in bad.output
