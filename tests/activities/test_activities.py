import io
import json
from datetime import datetime, time, timedelta

from PIL import Image
from sqlalchemy import update

from app.activities.models import ActivityRecord
from app.codes.models import CodeBatch, Scan
from app.db import transaction
from app.extensions import db
from app.members.models import Member
from app.promo import service as promo
from app.promo.models import PromoMovement
from app.timeutil import LOCAL_TZ, local_today

from ..factories import create_product, create_retailer, create_staff


def day(offset):
    return local_today() + timedelta(days=offset)


def plan(api, admin, staff_ids, start=-1, end=5, **extra):
    body = {"name": "芙蓉王品鉴会", "type": "tasting", "region_code": "440106", "starts_on": day(start).isoformat(),
            "ends_on": day(end).isoformat(), "item_budget": "500.00", "standard": "到场30人以上",
            "product_ids": [create_product().id], "retailer_ids": [create_retailer().id], "staff_ids": staff_ids}
    body.update(extra)
    response = api.post("/admin/activities", body, token=admin.token)
    assert response.status_code == 201, response.json
    return response.json


def holding(admin, staff, quantity, name="打火机", unit_cost="2.50", points_cost=None):
    item = promo.create_item(name=name, unit="个", unit_cost=unit_cost, points_cost=points_cost)
    promo.inbound(item_id=item.id, quantity=100, recorded_by=admin.id)
    promo.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=quantity)
    return item


def test_admin_plans_an_activity_and_bad_references_are_422(api, admin, staff):
    created = plan(api, admin, [staff.id])
    assert created["state"] == "ongoing" and created["item_budget"] == "500.00"
    assert [s["id"] for s in created["staff"]] == [staff.id] and len(created["retailers"]) == 1
    bad_type = api.post("/admin/activities", {"name": "x", "type": "lottery", "region_code": "440106",
                                              "starts_on": "2026-12-01", "ends_on": "2026-12-01"}, token=admin.token)
    assert bad_type.status_code == 422 and "type" in bad_type.json["error"]["fields"]
    backwards = api.post("/admin/activities", {"name": "x", "type": "other", "region_code": "440106",
                                               "starts_on": "2026-12-10", "ends_on": "2026-12-01"}, token=admin.token)
    assert backwards.status_code == 422 and "ends_on" in backwards.json["error"]["fields"]
    unknown = api.post("/admin/activities", {"name": "x", "type": "other", "region_code": "440106",
                                             "starts_on": "2026-12-01", "ends_on": "2026-12-01", "staff_ids": [9999]},
                       token=admin.token)
    assert unknown.status_code == 422 and "staff_ids" in unknown.json["error"]["fields"]


def test_staff_only_reach_activities_assigned_to_them(api, admin, staff):
    other = create_staff()
    mine, theirs = plan(api, admin, [staff.id]), plan(api, admin, [other.id])
    assert [a["id"] for a in api.get("/staff/activities", token=staff.token).json["items"]] == [mine["id"]]
    assert api.get(f"/staff/activities/{theirs['id']}", token=staff.token).status_code == 404
    assert api.post(f"/staff/activities/{theirs['id']}/records", {"note": "x"}, token=staff.token).status_code == 404
    assert api.get("/admin/activities", token=admin.token).json["total"] == 2


def test_record_with_items_used_moves_stock_linked_to_the_record(api, admin, staff):
    activity = plan(api, admin, [staff.id])
    item = holding(admin, staff, 10)
    response = api.post(f"/staff/activities/{activity['id']}/records", {
        "note": "到场35人", "attendees": 35, "packs_sold": 120,
        "items": [{"item_id": item.id, "quantity": 6}, {"item_id": item.id, "quantity": 1, "kind": "consumption"}]},
        token=staff.token)
    assert response.status_code == 201, response.json
    record = response.json
    assert record["attendees"] == 35 and record["packs_sold"] == 120
    assert [(u["item_id"], u["kind"], u["quantity"]) for u in record["items_used"]] == \
        [(item.id, "distribution", 6), (item.id, "consumption", 1)]
    moves = db.session.query(PromoMovement).filter_by(record_id=record["id"]).all()
    assert {(m.activity_id, m.region_code) for m in moves} == {(activity["id"], "440106")}
    assert promo.stock_of(staff.id)[0]["quantity"] == 3


def test_record_beyond_stock_records_nothing(api, admin, staff):
    activity = plan(api, admin, [staff.id])
    item = holding(admin, staff, 2)
    response = api.post(f"/staff/activities/{activity['id']}/records",
                        {"note": "x", "items": [{"item_id": item.id, "quantity": 3}]}, token=staff.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "INSUFFICIENT_STOCK"
    assert db.session.query(ActivityRecord).count() == 0 and promo.stock_of(staff.id)[0]["quantity"] == 2


def test_records_are_refused_after_the_end_and_before_the_start(api, admin, staff):
    ended = plan(api, admin, [staff.id], start=-10, end=-1)
    response = api.post(f"/staff/activities/{ended['id']}/records", {"note": "late"}, token=staff.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "ACTIVITY_CLOSED"
    future = plan(api, admin, [staff.id], start=2, end=3)
    response = api.post(f"/staff/activities/{future['id']}/records", {"note": "early"}, token=staff.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "ACTIVITY_NOT_STARTED"


def test_multipart_record_with_photos_and_items_as_json_text(api, admin, staff):
    activity = plan(api, admin, [staff.id])
    item = holding(admin, staff, 5)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(image, format="JPEG")
    image.seek(0)
    response = api.post(f"/staff/activities/{activity['id']}/records", token=staff.token,
                        content_type="multipart/form-data",
                        data={"note": "特殊陈列完成", "attendees": "0", "packs_sold": "12",
                              "items": json.dumps([{"item_id": item.id, "quantity": 2}]),
                              "photos": [(image, "shelf.jpg", "image/jpeg")]})
    assert response.status_code == 201, response.json
    assert response.json["packs_sold"] == 12 and len(response.json["photo_urls"]) == 1
    assert response.json["items_used"][0]["quantity"] == 2
    listed = api.get(f"/admin/activities/{activity['id']}/records", token=admin.token).json["items"]
    assert [r["id"] for r in listed] == [response.json["id"]]


def _at(offset_days):
    return datetime.combine(day(offset_days), time(10), tzinfo=LOCAL_TZ)


def _scans(member_id, region_code, when, count):
    product = create_product()
    with transaction():
        batch = CodeBatch(product_id=product.id, count=count)
        db.session.add(batch)
        db.session.flush()
        for n in range(count):
            db.session.add(Scan(code=f"T{batch.id}-{n}-{region_code}-{when.date()}", batch_id=batch.id,
                                product_id=product.id, member_id=member_id, points_awarded=1,
                                region_code=region_code, created_at=when))


def _joined(make_member, region_code, when, count):
    ids = []
    for _ in range(count):
        handle = make_member()
        ids.append(handle.id)
    with transaction():
        db.session.execute(update(Member).where(Member.id.in_(ids)).values(region_code=region_code, created_at=when))
    return ids


def test_effect_check_compares_the_area_during_and_before_and_costs_items(api, admin, staff, make_member):
    activity = plan(api, admin, [staff.id], start=-10, end=-4, item_budget="100.00", region_code="440100")
    other = make_member().id
    _scans(other, "440106", _at(-8), 12)     # during, in Guangzhou
    _scans(other, "440104", _at(-5), 3)      # during, in Guangzhou
    _scans(other, "430102", _at(-8), 50)     # during, Changsha: outside the area
    _scans(other, "440106", _at(-12), 5)     # before (the 7 days before the start)
    _scans(other, "440106", _at(-20), 40)    # earlier still: in neither window
    _joined(make_member, "440106", _at(-7), 4)
    _joined(make_member, "440106", _at(-15), 2)
    item = holding(admin, staff, 20, unit_cost="2.50")
    promo.move(staff_id=staff.id, kind="distribution", item_id=item.id, quantity=12, activity_id=activity["id"])
    assert api.get(f"/admin/activities/{plan(api, admin, [staff.id])['id']}/effect",
                   token=admin.token).json["error"]["code"] == "ACTIVITY_NOT_ENDED"
    effect = api.get(f"/admin/activities/{activity['id']}/effect", token=admin.token).json
    assert (effect["during"]["scans"], effect["before"]["scans"], effect["scans_change"]) == (15, 5, 2.0)
    assert (effect["during"]["new_members"], effect["before"]["new_members"]) == (4, 2)
    assert effect["items_used"] == [{"item_id": item.id, "name": "打火机", "quantity": 12, "cost": "30.00"}]
    assert effect["items_cost"] == "30.00" and effect["budget_used"] == 0.3
    assert effect["cost_per_new_member"] == "7.50"


def test_a_cancelled_activity_takes_no_records(api, admin, staff):
    activity = plan(api, admin, [staff.id])
    cancelled = api.post(f"/admin/activities/{activity['id']}/cancel", token=admin.token)
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    assert api.post(f"/admin/activities/{activity['id']}/cancel", token=admin.token).status_code == 409
    response = api.post(f"/staff/activities/{activity['id']}/records", {"note": "x"}, token=staff.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "ACTIVITY_CLOSED"


def test_a_retried_record_with_the_same_idempotency_key_uses_items_once(api, admin, staff):
    activity = plan(api, admin, [staff.id])
    item = holding(admin, staff, 5)
    body = {"note": "重试", "items": [{"item_id": item.id, "quantity": 2}]}
    headers = {"Idempotency-Key": "record-1"}
    first = api.post(f"/staff/activities/{activity['id']}/records", body, token=staff.token, headers=headers)
    second = api.post(f"/staff/activities/{activity['id']}/records", body, token=staff.token, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json == second.json
    assert db.session.query(ActivityRecord).count() == 1 and promo.stock_of(staff.id)[0]["quantity"] == 3


def test_dates_outside_2000_to_2099_are_refused_and_create_nothing(api, admin, staff):
    for starts_on, ends_on in (("0001-01-01", "2026-01-01"), ("1999-12-31", "2000-01-02"),
                               ("2099-12-31", "2100-01-01"), ("0001-01-01", "0001-01-02")):
        response = api.post("/admin/activities", {"name": "x", "type": "other", "region_code": "440106",
                                                  "starts_on": starts_on, "ends_on": ends_on}, token=admin.token)
        assert response.status_code == 422, (starts_on, ends_on, response.json)
    assert api.get("/admin/activities", token=admin.token).json["total"] == 0


def _effect(api, admin, activity_id):
    response = api.get(f"/admin/activities/{activity_id}/effect", token=admin.token)
    assert response.status_code == 200, response.json
    return response.json


def test_effect_of_an_activity_at_the_first_allowed_date(api, admin, staff):
    activity = plan(api, admin, [staff.id], starts_on="2000-01-01", ends_on="2000-01-31")
    effect = _effect(api, admin, activity["id"])
    assert effect["during"]["starts_at"] == "2000-01-01T00:00:00+08:00"  # 2000-01-01 00:00 in Shanghai
    assert effect["before"]["starts_at"] == "1999-12-01T00:00:00+08:00"  # the 31 days before
    whole = plan(api, admin, [staff.id], starts_on="2000-01-01", ends_on=day(-1).isoformat())
    assert _effect(api, admin, whole["id"])["before"]["starts_at"] < "2000"


def test_effect_of_an_activity_stored_before_dates_were_bounded(api, admin, staff):
    from app.activities.models import Activity

    activity = plan(api, admin, [staff.id], start=-10, end=-4)
    with transaction():
        db.session.execute(update(Activity).where(Activity.id == activity["id"])
                           .values(starts_on=datetime(1, 1, 1).date()))
    effect = _effect(api, admin, activity["id"])
    assert effect["during"]["starts_at"] == "2000-01-01T00:00:00+08:00"  # held at 2000-01-01
    assert effect["during"]["scans"] == 0 and effect["before"]["scans"] == 0
