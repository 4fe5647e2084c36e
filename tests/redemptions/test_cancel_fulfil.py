from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from app.gifts.models import Gift
from app.points.service import ledger_sum
from app.redemptions import service

from ..factories import create_gift, grant_points
from .test_redeem import PICKUP, POST


def _redeem(api, member, gift, delivery=PICKUP, quantity=1):
    response = api.post("/redemptions", {"gift_id": gift.id, "quantity": quantity, "delivery": delivery},
                        token=member.token)
    assert response.status_code == 201, response.json
    return response.json


def test_member_cancel_refunds_points_and_stock_once(api, member):
    grant_points(member.id, 500)
    gift = create_gift(points_cost=100, stock=5)
    rid = _redeem(api, member, gift, quantity=2)["id"]
    first = api.post(f"/redemptions/{rid}/cancel", token=member.token)
    assert first.status_code == 200 and first.json["status"] == "cancelled"
    second = api.post(f"/redemptions/{rid}/cancel", token=member.token)
    assert second.status_code == 409 and second.json["error"]["code"] == "NOT_CANCELLABLE"
    assert ledger_sum(member.id) == 500 and db.session.get(Gift, gift.id).stock == 5
    kinds = [e["kind"] for e in api.get("/me/points", token=member.token).json["items"]]
    assert kinds.count("refund") == 1


def test_admin_cancels_with_a_reason(api, member, admin):
    grant_points(member.id, 500)
    gift = create_gift()
    rid = _redeem(api, member, gift, POST)["id"]
    response = api.post(f"/admin/redemptions/{rid}/cancel", {"reason": "地址无法送达"}, token=admin.token)
    assert response.status_code == 200
    assert response.json["cancelled_by"] == "admin" and response.json["cancel_reason"] == "地址无法送达"
    assert ledger_sum(member.id) == 500


def test_staff_fulfils_a_pickup_once(api, member, staff):
    grant_points(member.id, 500)
    gift = create_gift()
    code = _redeem(api, member, gift)["pickup_code"]
    spaced = f"{code[:4].lower()}-{code[4:]}"  # read aloud, typed by hand
    response = api.post("/staff/redemptions/fulfil", {"pickup_code": spaced}, token=staff.token)
    assert response.status_code == 200 and response.json["status"] == "fulfilled"
    again = api.post("/staff/redemptions/fulfil", {"pickup_code": code}, token=staff.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "ALREADY_FULFILLED"
    rid = response.json["id"]
    cancel = api.post(f"/redemptions/{rid}/cancel", token=member.token)
    assert cancel.status_code == 409 and cancel.json["error"]["code"] == "NOT_CANCELLABLE"


def test_cancelled_pickup_is_not_fulfillable_and_unknown_code_is_404(api, member, staff):
    grant_points(member.id, 500)
    gift = create_gift()
    data = _redeem(api, member, gift)
    api.post(f"/redemptions/{data['id']}/cancel", token=member.token)
    response = api.post("/staff/redemptions/fulfil", {"pickup_code": data["pickup_code"]}, token=staff.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_FULFILLABLE"
    assert api.post("/staff/redemptions/fulfil", {"pickup_code": "ZZZZ2222"}, token=staff.token).status_code == 404


def test_admin_ships_a_postal_redemption_with_tracking(api, member, admin):
    grant_points(member.id, 500)
    gift = create_gift()
    rid = _redeem(api, member, gift, POST)["id"]
    response = api.post(f"/admin/redemptions/{rid}/ship", {"tracking_no": "SF1234567890"}, token=admin.token)
    assert response.status_code == 200 and response.json["status"] == "shipped"
    mine = api.get(f"/redemptions/{rid}", token=member.token).json
    assert mine["delivery"]["tracking_no"] == "SF1234567890"
    again = api.post(f"/admin/redemptions/{rid}/ship", {"tracking_no": "SF1"}, token=admin.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "NOT_SHIPPABLE"


def test_uncollected_pickups_are_cancelled_by_the_job_and_a_second_run_does_nothing(app, api, member):
    grant_points(member.id, 500)
    gift = create_gift(points_cost=100, stock=5)
    old = _redeem(api, member, gift)["id"]
    later = utcnow() + timedelta(days=app.config["PICKUP_EXPIRY_DAYS"] + 1)
    fresh, _ = service.redeem(member.id, gift.id, 1, PICKUP, now=later - timedelta(days=1))
    assert service.cancel_uncollected_pickups(now=later) == 1
    assert service.cancel_uncollected_pickups(now=later) == 0
    assert service.get_redemption(old).status == "cancelled"
    assert service.get_redemption(old).cancelled_by == "system"
    assert service.get_redemption(fresh.id).status == "pending"
    assert ledger_sum(member.id) == 400 and db.session.get(Gift, gift.id).stock == 4


def test_admin_lists_redemptions_by_status_and_method(api, member, admin):
    grant_points(member.id, 1000)
    gift = create_gift()
    _redeem(api, member, gift)
    posted = _redeem(api, member, gift, POST)["id"]
    api.post(f"/admin/redemptions/{posted}/ship", {"tracking_no": "YT0001"}, token=admin.token)
    listing = api.get("/admin/redemptions?method=post&status=shipped", token=admin.token).json
    assert listing["total"] == 1 and listing["items"][0]["id"] == posted
    assert listing["items"][0]["member_id"] == member.id
    assert api.get(f"/admin/redemptions?member_id={member.id}", token=admin.token).json["total"] == 2
    shipped = api.post(f"/admin/redemptions/{posted}/cancel", {"reason": "x"}, token=admin.token)
    assert shipped.status_code == 409 and shipped.json["error"]["code"] == "NOT_CANCELLABLE"
