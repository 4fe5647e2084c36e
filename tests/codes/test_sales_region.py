"""Issue 16, hole 6: regional earning rules follow where the pack was shipped (its batch's sales region), never
the member's freely editable profile region."""
from datetime import timedelta

import pytest

from app.codes import batches
from app.codes.models import Scan
from app.extensions import db

from .test_earning_rules import IN_SPRING, SPRING, create_rule, scan_at


def _code(batch, serial=0):
    return list(batches.generated_codes(batch, start=serial, count=1))[0]


def test_switching_profile_region_does_not_earn_another_regions_campaign(api, admin, member, product):
    create_rule(api, admin, name="湖南三倍", value="3", region_code="430000", **SPRING)
    shipped_to_guangzhou = batches.create_generated(sku=product.sku, count=2, region_code="440106")
    moved = api.patch("/me", {"region_code": "430102"}, token=member.token)  # the attack: "I live in Changsha now"
    assert moved.status_code == 200
    assert scan_at(member.id, _code(shipped_to_guangzhou), IN_SPRING).points_awarded == 1
    assert db.session.query(Scan).one().region_code == "430102"  # the scan still records where the member lives


def test_a_province_rule_covers_a_batch_shipped_to_one_of_its_counties_or_cities(api, admin, member, product):
    create_rule(api, admin, name="广东加倍", value="2", region_code="440000", **SPRING)
    create_rule(api, admin, name="广州奖励", kind="add", value="5", region_code="440100", **SPRING)
    county = batches.create_generated(sku=product.sku, count=1, region_code="440106")
    city = batches.create_generated(sku=product.sku, count=1, region_code="440100")
    province = batches.create_generated(sku=product.sku, count=1, region_code="440000")
    elsewhere = batches.create_generated(sku=product.sku, count=1, region_code="440305")  # 深圳市南山区
    assert scan_at(member.id, _code(county), IN_SPRING).points_awarded == 7       # ×2, +5
    assert scan_at(member.id, _code(city), IN_SPRING + timedelta(seconds=1)).points_awarded == 7
    assert scan_at(member.id, _code(province), IN_SPRING + timedelta(seconds=2)).points_awarded == 2  # no city +5
    assert scan_at(member.id, _code(elsewhere), IN_SPRING + timedelta(seconds=3)).points_awarded == 2


def test_a_batch_without_a_sales_region_goes_by_the_county_where_it_is_scanned(api, admin, make_member, product):
    from app.codes.service import scan_code
    from tests.factories import create_retailer

    create_rule(api, admin, name="广东加倍", value="2", region_code="440000", **SPRING)
    create_rule(api, admin, name="全国加一", kind="add", value="1", **SPRING)
    unknown = batches.create_generated(sku=product.sku, count=3)
    create_retailer(region_code="440106", lat=23.1291, lon=113.3240)  # a shop in 天河区 places the position
    changsha = make_member()
    api.patch("/me", {"region_code": "430102"}, token=changsha.token)  # the profile says Changsha: ignored
    in_guangzhou = scan_code(changsha.id, _code(unknown, 0), lat=23.1300, lon=113.3250, now=IN_SPRING)
    assert in_guangzhou.points_awarded == 3  # 1 × 2 (Guangdong, where it is scanned) + 1
    far_from_any_shop = scan_code(changsha.id, _code(unknown, 1), lat=28.2282, lon=112.9388,
                                  now=IN_SPRING + timedelta(seconds=1))
    assert far_from_any_shop.points_awarded == 2  # no county known there: only the nationwide +1
    no_position = scan_code(changsha.id, _code(unknown, 2), now=IN_SPRING + timedelta(seconds=2))
    assert no_position.points_awarded == 2


def test_admin_ships_a_batch_to_a_region_through_the_api(api, admin, product):
    created = api.post("/admin/code-batches", {"sku": product.sku, "count": 10, "region_code": "440100"},
                       token=admin.token)
    assert created.status_code == 201 and created.json["region_code"] == "440100"
    assert api.get(f"/admin/code-batches/{created.json['id']}", token=admin.token).json["region_code"] == "440100"
    plain = api.post("/admin/code-batches", {"sku": product.sku, "count": 10}, token=admin.token)
    assert plain.status_code == 201 and plain.json["region_code"] is None


@pytest.mark.parametrize("region", ["999999", "44010", "abcdef", "440101"])
def test_an_unknown_sales_region_is_422_with_every_bad_field(api, admin, product, region):
    response = api.post("/admin/code-batches", {"sku": product.sku, "count": 0, "region_code": region},
                        token=admin.token)
    assert response.status_code == 422 and "region_code" in response.json["error"]["fields"], response.json
    assert "count" in response.json["error"]["fields"]  # every bad field at once


def test_an_imported_batch_takes_a_sales_region_too(api, admin, product, member):
    create_rule(api, admin, name="广东加倍", value="2", region_code="440000", **SPRING)
    response = api.client.post("/api/v1/admin/code-batches/import", headers={"Authorization": f"Bearer {admin.token}"},
                               data={"sku": product.sku, "region_code": "440106",
                                     "file": (__import__("io").BytesIO(b"code\nIMPORT123456\n"), "codes.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert response.json["batch"]["region_code"] == "440106"
    assert scan_at(member.id, "IMPORT123456", IN_SPRING).points_awarded == 2
