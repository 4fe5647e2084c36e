from datetime import timedelta

from app.timeutil import local_today

from sqlalchemy import func, select

from app.extensions import db
from app.gifts.models import Gift, GiftStockMove
from app.points.models import LedgerEntry
from app.points.service import ledger_sum

from ..factories import create_gift, grant_points

PICKUP = {"method": "pickup"}
POST = {"method": "post", "name": "王小明", "phone": "138 0013 8000", "address": "广州市天河区体育西路 1 号"}


def _stock_ledger_sum(gift_id):
    return db.session.scalar(select(func.sum(GiftStockMove.delta)).where(GiftStockMove.gift_id == gift_id))


def test_redeeming_debits_points_and_stock_and_gives_a_pickup_code(api, member):
    grant_points(member.id, 500)
    gift = create_gift(points_cost=120, stock=3)
    response = api.post("/redemptions", {"gift_id": gift.id, "quantity": 2, "delivery": PICKUP}, token=member.token)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["points_spent"] == 240 and data["balance"] == 260 and data["status"] == "pending"
    assert data["gift"] == {"id": gift.id, "name": "保温杯"} and data["delivery"] == {"method": "pickup"}
    assert len(data["pickup_code"]) == 8 and set(data["pickup_code"]) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    assert db.session.get(Gift, gift.id).stock == 1 == _stock_ledger_sum(gift.id)
    assert api.get("/me", token=member.token).json["points_balance"] == 260 == ledger_sum(member.id)


def test_postal_redemption_keeps_the_address_and_masks_the_phone(api, member):
    grant_points(member.id, 500)
    gift = create_gift()
    data = api.post("/redemptions", {"gift_id": gift.id, "delivery": POST}, token=member.token).json
    assert data["pickup_code"] is None
    assert data["delivery"] == {"method": "post", "name": "王小明", "phone": "138****8000",
                                "address": "广州市天河区体育西路 1 号", "tracking_no": None}


def test_postal_redemption_without_an_address_is_invalid(api, member):
    grant_points(member.id, 500)
    gift = create_gift()
    response = api.post("/redemptions", {"gift_id": gift.id, "delivery": {"method": "post"}}, token=member.token)
    assert response.status_code == 422 and "delivery" in response.json["error"]["fields"]


def test_not_enough_points_changes_nothing(api, member):
    grant_points(member.id, 99)
    gift = create_gift(points_cost=100, stock=5)
    response = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "INSUFFICIENT_POINTS"
    assert db.session.get(Gift, gift.id).stock == 5
    assert api.get("/redemptions", token=member.token).json["total"] == 0


def test_more_than_the_stock_is_out_of_stock(api, member):
    grant_points(member.id, 1000)
    gift = create_gift(points_cost=10, stock=2)
    response = api.post("/redemptions", {"gift_id": gift.id, "quantity": 3, "delivery": PICKUP}, token=member.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "OUT_OF_STOCK"
    assert ledger_sum(member.id) == 1000


def test_per_member_limit_is_honoured_and_cancelling_frees_it(api, member):
    grant_points(member.id, 1000)
    gift = create_gift(points_cost=10, per_member_limit=2)
    first = api.post("/redemptions", {"gift_id": gift.id, "quantity": 2, "delivery": PICKUP}, token=member.token)
    assert first.status_code == 201
    again = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "LIMIT_REACHED"
    assert api.post(f"/redemptions/{first.json['id']}/cancel", token=member.token).status_code == 200
    assert api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token).status_code == 201


def test_retired_or_out_of_window_gifts_are_unavailable(api, member, admin):
    grant_points(member.id, 1000)
    retired = create_gift()
    api.post(f"/admin/gifts/{retired.id}/retire", token=admin.token)
    later = create_gift(valid_from=local_today() + timedelta(days=10))
    for gift in (retired, later):
        response = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token)
        assert response.status_code == 409 and response.json["error"]["code"] == "GIFT_UNAVAILABLE"
    assert api.post("/redemptions", {"gift_id": 99999, "delivery": PICKUP}, token=member.token).status_code == 404


def test_expired_membership_cannot_redeem_until_renewed(api, member, admin):
    grant_points(member.id, 1000)
    gift = create_gift()
    yesterday = (local_today() - timedelta(days=2)).isoformat()
    api.post(f"/admin/members/{member.id}/validity", {"valid_until": yesterday, "reason": "测试"}, token=admin.token)
    response = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "MEMBERSHIP_EXPIRED"
    renewed = (local_today() + timedelta(days=365)).isoformat()
    assert api.post(f"/admin/members/{member.id}/validity", {"valid_until": renewed, "reason": "续期"},
                    token=admin.token).status_code == 200
    assert api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token).status_code == 201


def test_same_idempotency_key_redeems_once(api, member):
    grant_points(member.id, 1000)
    gift = create_gift(points_cost=100)
    body, headers = {"gift_id": gift.id, "delivery": PICKUP}, {"Idempotency-Key": "redeem-1"}
    first = api.post("/redemptions", body, token=member.token, headers=headers)
    second = api.post("/redemptions", body, token=member.token, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json == second.json
    assert ledger_sum(member.id) == 900 and db.session.get(Gift, gift.id).stock == 9


def test_a_member_sees_only_their_own_redemptions(api, member, other_member):
    grant_points(member.id, 1000)
    gift = create_gift()
    rid = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token).json["id"]
    assert api.get(f"/redemptions/{rid}", token=other_member.token).status_code == 404
    assert api.get(f"/redemptions/{rid}/qr.png", token=other_member.token).status_code == 404
    assert api.post(f"/redemptions/{rid}/cancel", token=other_member.token).status_code == 404
    assert api.get("/redemptions", token=other_member.token).json["total"] == 0
    assert api.get("/redemptions", token=member.token).json["items"][0]["id"] == rid


def test_pickup_qr_is_a_png_of_the_code(api, member):
    grant_points(member.id, 1000)
    gift = create_gift()
    rid = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token).json["id"]
    response = api.get(f"/redemptions/{rid}/qr.png", token=member.token)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG") and "no-store" in response.headers["Cache-Control"]


def test_postal_redemption_has_no_qr(api, member):
    grant_points(member.id, 1000)
    gift = create_gift()
    rid = api.post("/redemptions", {"gift_id": gift.id, "delivery": POST}, token=member.token).json["id"]
    assert api.get(f"/redemptions/{rid}/qr.png", token=member.token).status_code == 404


def test_quantity_must_be_at_least_one(api, member):
    gift = create_gift()
    response = api.post("/redemptions", {"gift_id": gift.id, "quantity": 0, "delivery": PICKUP}, token=member.token)
    assert response.status_code == 422 and "quantity" in response.json["error"]["fields"]


def test_redeem_ledger_entry_names_the_redemption(api, member):
    grant_points(member.id, 1000)
    gift = create_gift()
    rid = api.post("/redemptions", {"gift_id": gift.id, "delivery": PICKUP}, token=member.token).json["id"]
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "redeem"))
    assert entry.ref == f"redemption:{rid}" and entry.delta == -100

