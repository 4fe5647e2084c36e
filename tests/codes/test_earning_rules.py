from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.codes import batches, rules
from app.extensions import db
from app.points.models import LedgerEntry

from .conftest import make_product

SPRING = {"starts_at": "2026-02-10T00:00:00+08:00", "ends_at": "2026-02-24T00:00:00+08:00"}
IN_SPRING = datetime(2026, 2, 15, 4, 0, tzinfo=timezone.utc)


def create_rule(api, admin, **body):
    response = api.post("/admin/earning-rules", {"name": "春节双倍积分", "kind": "multiply", "value": "2", **body},
                        token=admin.token)
    assert response.status_code == 201, response.json
    return response.json


def scan_at(member_id, code, now):
    from app.codes.service import scan_code

    return scan_code(member_id, code, now=now)


def test_double_points_in_the_spring_festival_weeks_and_the_note_names_the_rule(api, admin, member, codes):
    create_rule(api, admin, **SPRING)
    during, after = codes(2)
    assert scan_at(member.id, during, IN_SPRING).points_awarded == 2
    assert scan_at(member.id, after, datetime(2026, 3, 1, tzinfo=timezone.utc)).points_awarded == 1
    notes = db.session.scalars(select(LedgerEntry.note).order_by(LedgerEntry.id)).all()
    assert "春节双倍积分 ×2" in notes[0] and "春节" not in notes[1]


def test_rules_by_product_and_sales_region_multiply_then_add(api, admin, make_member, product):
    other = make_product(sku="SKU-2", name="利群(新版)")
    create_rule(api, admin, name="广东加倍", value="1.5", region_code="440000")   # province: every 44xxxx
    create_rule(api, admin, name="中华奖励", kind="add", value="2", product_id=product.id)
    guangzhou = batches.create_generated(sku=product.sku, count=1, region_code="440106")  # shipped to 天河区
    changsha = batches.create_generated(sku=product.sku, count=1, region_code="430102")
    member = make_member()  # wherever the member lives, the pack's sales region decides
    assert scan_at(member.id, next(batches.generated_codes(guangzhou)), IN_SPRING).points_awarded == 3  # 1.5 + 2
    assert scan_at(member.id, next(batches.generated_codes(changsha)), IN_SPRING).points_awarded == 3    # 1 + 2
    b = batches.create_generated(sku=other.sku, count=1, region_code="440100")
    assert scan_at(member.id, next(batches.generated_codes(b)), IN_SPRING).points_awarded == 1  # floor(1.5)


@pytest.mark.parametrize("rule_region, sales_region, applies", [
    ("440000", "440106", True), ("440100", "440106", True), ("440106", "440106", True),
    ("440100", "440305", False), ("430000", "440106", False), (None, "440106", True), ("440000", None, False),
    ("440000", "440100", True), ("440100", "440000", False), ("440106", "440100", False),
])
def test_region_matching_covers_province_city_and_county(rule_region, sales_region, applies):
    assert rules.region_matches(rule_region, sales_region) is applies


def test_retired_rules_stop_applying(api, admin, member, codes):
    rule = create_rule(api, admin)
    c1, c2 = codes(2)
    assert scan_at(member.id, c1, IN_SPRING).points_awarded == 2
    assert api.post(f"/admin/earning-rules/{rule['id']}/retire", token=admin.token).json["status"] == "retired"
    assert scan_at(member.id, c2, IN_SPRING).points_awarded == 1


def test_rule_edit_and_list(api, admin, staff):
    rule = create_rule(api, admin)
    edited = api.patch(f"/admin/earning-rules/{rule['id']}", {"value": "3"}, token=admin.token)
    assert edited.status_code == 200 and edited.json["value"] == "3.00"
    listed = api.get("/admin/earning-rules", token=staff.token).json
    assert listed["total"] == 1 and listed["items"][0]["name"] == "春节双倍积分"


@pytest.mark.parametrize("body, field", [
    ({"kind": "add", "value": "1.5"}, "value"),
    ({"value": "0"}, "value"),
    ({"kind": "divide"}, "kind"),
    ({"region_code": "999999"}, "region_code"),
    ({"product_id": 999}, "product_id"),
    ({"starts_at": "2026-02-24T00:00:00+08:00", "ends_at": "2026-02-10T00:00:00+08:00"}, "ends_at"),
])
def test_bad_rules_are_refused_with_the_field_named(api, admin, body, field):
    response = api.post("/admin/earning-rules", {"name": "x", "kind": "multiply", "value": "2", **body},
                        token=admin.token)
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json


def test_only_admins_manage_rules(api, staff, member):
    assert api.post("/admin/earning-rules", {"name": "x", "kind": "add", "value": "1"},
                    token=staff.token).status_code == 403
    assert api.get("/admin/earning-rules", token=member.token).status_code == 403
