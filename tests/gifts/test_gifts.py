import io
from datetime import timedelta

from app.timeutil import local_today

from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.gifts.models import GiftStockMove

from ..factories import create_gift, grant_points

NEW_GIFT = {"name": "英雄钢笔", "category": "生活用品", "points_cost": 300, "stock": 20, "per_member_limit": 2,
            "description": "经典款", "valid_from": "2026-01-01", "valid_until": "2030-12-31"}


def _jpeg(size=(2400, 1800), exif=True):
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        extra["exif"] = data.tobytes()
    image.save(buffer, format="JPEG", **extra)
    return buffer.getvalue()


def test_admin_creates_a_gift_and_sees_its_stock(api, admin):
    response = api.post("/admin/gifts", NEW_GIFT, token=admin.token)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["stock"] == 20 and data["in_stock"] is True and data["status"] == "active"
    assert data["name"] == "英雄钢笔" and data["valid_until"] == "2030-12-31"
    moves = api.get(f"/admin/gifts/{data['id']}/stock-moves", token=admin.token).json["items"]
    assert [(m["kind"], m["delta"], m["stock_after"]) for m in moves] == [("initial", 20, 20)]


def test_invalid_gift_fields_are_422(api, admin):
    for field, value in (("points_cost", 0), ("valid_until", "2025-01-01"), ("stock", -1), ("name", "")):
        response = api.post("/admin/gifts", dict(NEW_GIFT, **{field: value}), token=admin.token)
        assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert api.get("/admin/gifts", token=admin.token).json["total"] == 0


def test_stock_adjustments_are_ledger_rows_and_never_go_negative(api, admin):
    gift_id = api.post("/admin/gifts", NEW_GIFT, token=admin.token).json["id"]
    response = api.post(f"/admin/gifts/{gift_id}/stock", {"delta": 5, "reason": "补货入库"}, token=admin.token)
    assert response.status_code == 200 and response.json["stock"] == 25
    response = api.post(f"/admin/gifts/{gift_id}/stock", {"delta": -26, "reason": "盘亏"}, token=admin.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "INSUFFICIENT_STOCK"
    assert api.post(f"/admin/gifts/{gift_id}/stock", {"delta": 0, "reason": "x"}, token=admin.token).status_code == 422
    assert db.session.scalar(select(func.sum(GiftStockMove.delta)).where(GiftStockMove.gift_id == gift_id)) == 25
    moves = api.get(f"/admin/gifts/{gift_id}/stock-moves", token=admin.token).json["items"]
    assert moves[0]["reason"] == "补货入库" and moves[0]["staff_id"] == admin.id


def test_stock_adjustment_with_an_idempotency_key_applies_once(api, admin):
    gift_id = api.post("/admin/gifts", NEW_GIFT, token=admin.token).json["id"]
    for _ in range(2):
        response = api.post(f"/admin/gifts/{gift_id}/stock", {"delta": 5, "reason": "补货"}, token=admin.token,
                            headers={"Idempotency-Key": "restock-1"})
        assert response.json["stock"] == 25


def test_admin_edits_and_retires_a_gift(api, admin, member):
    gift_id = api.post("/admin/gifts", NEW_GIFT, token=admin.token).json["id"]
    edited = api.patch(f"/admin/gifts/{gift_id}", {"points_cost": 250, "name": "英雄钢笔(礼盒)"}, token=admin.token)
    assert edited.status_code == 200 and edited.json["points_cost"] == 250
    assert api.get(f"/gifts/{gift_id}", token=member.token).json["name"] == "英雄钢笔(礼盒)"
    assert api.post(f"/admin/gifts/{gift_id}/retire", token=admin.token).json["status"] == "retired"
    assert api.get(f"/gifts/{gift_id}", token=member.token).status_code == 404
    assert api.get("/admin/gifts?status=retired", token=admin.token).json["total"] == 1


def test_members_see_active_gifts_in_validity_and_can_filter_by_budget(api, member):
    cheap = create_gift(name="纸巾", points_cost=50)
    create_gift(name="茶叶", category="茶叶", points_cost=800)
    create_gift(name="过期", valid_until=local_today() - timedelta(days=1))
    create_gift(name="未开始", valid_from=local_today() + timedelta(days=1))
    grant_points(member.id, 100)
    listed = api.get("/gifts", token=member.token).json
    assert sorted(g["name"] for g in listed["items"]) == ["纸巾", "茶叶"] and "stock" not in listed["items"][0]
    affordable = api.get("/gifts?affordable=true", token=member.token).json["items"]
    assert [g["id"] for g in affordable] == [cheap.id]
    assert [g["name"] for g in api.get("/gifts?category=茶叶", token=member.token).json["items"]] == ["茶叶"]


def test_gift_image_is_resized_stripped_and_served_with_a_thumbnail(api, admin, member):
    gift_id = api.post("/admin/gifts", NEW_GIFT, token=admin.token).json["id"]
    response = api.put(f"/admin/gifts/{gift_id}/image", token=admin.token, content_type="multipart/form-data",
                       data={"image": (io.BytesIO(_jpeg()), "pen.jpg", "image/jpeg")})
    assert response.status_code == 200, response.json
    gift = api.get(f"/gifts/{gift_id}", token=member.token).json
    for url, side in ((gift["image_url"], 1600), (gift["thumb_url"], 320)):
        served = api.get(url)
        assert served.status_code == 200 and "max-age" in served.headers["Cache-Control"]
        image = Image.open(io.BytesIO(served.data))
        assert max(image.size) == side and not image.getexif()


def test_a_non_image_upload_is_rejected(api, admin):
    gift_id = api.post("/admin/gifts", NEW_GIFT, token=admin.token).json["id"]
    response = api.put(f"/admin/gifts/{gift_id}/image", token=admin.token, content_type="multipart/form-data",
                       data={"image": (io.BytesIO(b"not an image"), "x.jpg", "image/jpeg")})
    assert response.status_code == 422 and response.json["error"]["code"] == "BAD_IMAGE"


def test_editing_the_window_backwards_is_422_and_changes_nothing(api, admin):
    gift_id = api.post("/admin/gifts", NEW_GIFT, token=admin.token).json["id"]
    response = api.patch(f"/admin/gifts/{gift_id}", {"valid_until": "2025-12-31"}, token=admin.token)
    assert response.status_code == 422 and "valid_until" in response.json["error"]["fields"]
    assert api.get(f"/admin/gifts/{gift_id}", token=admin.token).json["valid_until"] == "2030-12-31"


def test_unknown_gift_is_404_for_admin_and_member(api, admin, member):
    assert api.get("/admin/gifts/424242", token=admin.token).status_code == 404
    assert api.post("/admin/gifts/424242/stock", {"delta": 1, "reason": "x"}, token=admin.token).status_code == 404
    assert api.get("/gifts/424242", token=member.token).status_code == 404


def test_creating_a_gift_with_an_idempotency_key_creates_one(api, admin):
    headers = {"Idempotency-Key": "gift-1"}
    first = api.post("/admin/gifts", NEW_GIFT, token=admin.token, headers=headers)
    second = api.post("/admin/gifts", NEW_GIFT, token=admin.token, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json["id"] == second.json["id"]
    assert api.get("/admin/gifts", token=admin.token).json["total"] == 1
