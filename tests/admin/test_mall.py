"""Gifts and redemptions in the console: every action goes through its service and is audited."""
import io

from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.gifts.models import Gift, GiftStockMove
from app.members.models import Member
from app.redemptions import service as redemptions
from app.redemptions.models import Redemption
from tests import factories


def _png(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _gift(gift_id):
    db.session.expire_all()
    return db.session.get(Gift, gift_id)


GIFT_FORM = {"name": "电动牙刷", "category": "生活用品", "points_cost": "800", "stock": "12",
             "per_member_limit": "2", "description": "", "valid_from": "", "valid_until": ""}


def test_creating_a_gift_with_a_picture_makes_a_thumbnail_and_is_audited(console):
    data = dict(GIFT_FORM, image=(io.BytesIO(_png()), "brush.png", "image/png"))
    response = console.post("/admin/gifts/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    gift = db.session.scalar(select(Gift).where(Gift.name == "电动牙刷"))
    assert gift.stock == 12 and gift.per_member_limit == 2 and gift.thumb_path and gift.image_path
    page = console.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/media/{gift.thumb_path}" in page and "期初库存" in page
    assert console.get(f"/media/{gift.thumb_path}").status_code == 200
    [created] = _events("gift.create")
    assert created.target_id == str(gift.id) and created.actor_id == console.admin.id
    assert len(_events("gift.set_image")) == 1


def test_a_gift_form_with_bad_values_shows_errors_and_creates_nothing(console):
    data = dict(GIFT_FORM, points_cost="0", valid_from="2026-05-02", valid_until="2026-05-01")
    response = console.post("/admin/gifts/new", data)
    assert response.status_code == 200
    assert db.session.scalar(select(Gift).where(Gift.name == "电动牙刷")) is None
    assert _events("gift.create") == []


def test_a_file_that_is_not_an_image_is_a_message_not_a_500(console):
    gift = factories.create_gift()
    data = dict(GIFT_FORM, image=(io.BytesIO(b"not an image"), "x.png", "image/png"))
    response = console.post(f"/admin/gifts/{gift.id}/edit", data, content_type="multipart/form-data")
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)
    assert _gift(gift.id).image_path is None and _events("gift.set_image") == []


def test_editing_a_gift_records_before_and_after(console):
    gift = factories.create_gift(points_cost=100)
    console.post(f"/admin/gifts/{gift.id}/edit", dict(GIFT_FORM, points_cost="150"))
    assert _gift(gift.id).points_cost == 150
    [event] = _events("gift.update")
    assert event.before["points_cost"] == 100 and event.after["points_cost"] == 150


def test_gift_list_filters_sorts_and_exports(console):
    factories.create_gift(name="保温杯", category="生活用品", points_cost=100)
    factories.create_gift(name="打火机", category="烟具", points_cost=300)
    page = console.get("/admin/gifts?category=烟具").get_data(as_text=True)
    assert "打火机" in page and "保温杯" not in page
    page = console.get("/admin/gifts?sort=-points_cost").get_data(as_text=True)
    assert page.index("打火机") < page.index("保温杯")
    csv = console.get("/admin/gifts?export=csv")
    assert csv.status_code == 200 and "打火机" in csv.get_data(as_text=True)
    assert console.get("/admin/gifts?export=xlsx").status_code == 200


def test_stock_adjustment_writes_the_stock_ledger_with_its_reason(console):
    gift = factories.create_gift(stock=10)
    console.post(f"/admin/gifts/{gift.id}/stock", {"delta": "5", "reason": "入库"})
    assert _gift(gift.id).stock == 15
    move = db.session.scalar(select(GiftStockMove).where(GiftStockMove.kind == "adjust"))
    assert move.delta == 5 and move.reason == "入库"
    [event] = _events("gift.adjust_stock")
    assert event.before == {"stock": 10} and event.after == {"stock": 15}
    assert "入库" in console.get(f"/admin/gifts/{gift.id}").get_data(as_text=True)


def test_stock_cannot_go_below_zero_and_the_refusal_is_shown(console):
    gift = factories.create_gift(stock=3)
    response = console.post(f"/admin/gifts/{gift.id}/stock", {"delta": "-5", "reason": "盘亏"},
                            follow_redirects=True)
    assert response.status_code == 200 and "库存" in response.get_data(as_text=True)
    assert _gift(gift.id).stock == 3 and _events("gift.adjust_stock") == []


def test_retiring_a_gift(console):
    gift = factories.create_gift()
    console.post(f"/admin/gifts/{gift.id}/retire")
    assert _gift(gift.id).status == "retired"
    assert _events("gift.retire")[0].after == {"status": "retired"}


def test_gift_actions_need_the_csrf_token(console):
    gift = factories.create_gift(stock=3)
    response = console.post(f"/admin/gifts/{gift.id}/stock", {"delta": "5", "reason": "x"}, csrf=False)
    assert response.status_code == 400 and _gift(gift.id).stock == 3


def test_a_manager_sees_gifts_and_redemptions_but_changes_nothing(make_console, member):
    gift = factories.create_gift(stock=3)
    redemption = _redeem(member, gift)
    manager = make_console("manager")
    assert manager.get("/admin/gifts").status_code == 200
    page = manager.get(f"/admin/gifts/{gift.id}").get_data(as_text=True)
    assert "stock-form" not in page
    assert "fulfil-form" not in manager.get(f"/admin/redemptions/{redemption.id}").get_data(as_text=True)
    assert manager.post(f"/admin/gifts/{gift.id}/stock", {"delta": "5", "reason": "x"}).status_code == 403
    assert manager.post(f"/admin/gifts/{gift.id}/retire").status_code == 403
    assert manager.post("/admin/redemptions/fulfil", {"pickup_code": redemption.pickup_code}).status_code == 403
    assert _gift(gift.id).stock == 2 and _gift(gift.id).status == "active"


def _redeem(member, gift, method="pickup"):
    factories.grant_points(member.id, 1000)
    delivery = {"method": method} if method == "pickup" else \
        {"method": "post", "name": "张三", "phone": "13800138000", "address": "广州市天河区体育西路1号"}
    redemption, _balance = redemptions.redeem(member.id, gift.id, 1, delivery)
    return redemption


def _redemption(redemption_id):
    db.session.expire_all()
    return db.session.get(Redemption, redemption_id)


def test_fulfilling_a_pickup_by_its_code_is_audited_and_works_once(console, member):
    redemption = _redeem(member, factories.create_gift())
    code = redemption.pickup_code
    response = console.post("/admin/redemptions/fulfil", {"pickup_code": code.lower()})
    assert response.headers["Location"].endswith(f"/admin/redemptions/{redemption.id}")
    assert _redemption(redemption.id).status == "fulfilled"
    [event] = _events("redemption.fulfil")
    assert event.target_id == str(redemption.id) and event.actor_id == console.admin.id
    again = console.post("/admin/redemptions/fulfil", {"pickup_code": code}, follow_redirects=True)
    assert again.status_code == 200 and len(_events("redemption.fulfil")) == 1


def test_an_unknown_pickup_code_is_a_message(console):
    response = console.post("/admin/redemptions/fulfil", {"pickup_code": "ZZZZZZZZ"}, follow_redirects=True)
    assert response.status_code == 200 and _events("redemption.fulfil") == []


def test_shipping_a_postal_redemption_with_its_tracking_number(console, member):
    redemption = _redeem(member, factories.create_gift(), method="post")
    console.post(f"/admin/redemptions/{redemption.id}/ship", {"tracking_no": "SF1234567890"})
    got = _redemption(redemption.id)
    assert got.status == "shipped" and got.tracking_no == "SF1234567890"
    [event] = _events("redemption.ship")
    assert event.before["status"] == "pending" and event.after["tracking_no"] == "SF1234567890"


def test_shipping_a_pickup_is_refused_with_a_message(console, member):
    redemption = _redeem(member, factories.create_gift())
    response = console.post(f"/admin/redemptions/{redemption.id}/ship", {"tracking_no": "SF1"},
                            follow_redirects=True)
    assert response.status_code == 200 and _redemption(redemption.id).status == "pending"
    assert _events("redemption.ship") == []


def test_cancelling_gives_points_and_stock_back_and_needs_a_reason(console, member):
    gift = factories.create_gift(stock=5, points_cost=100)
    redemption = _redeem(member, gift)
    console.post(f"/admin/redemptions/{redemption.id}/cancel", {"reason": ""})
    assert _redemption(redemption.id).status == "pending"
    console.post(f"/admin/redemptions/{redemption.id}/cancel", {"reason": "会员要求"})
    got = _redemption(redemption.id)
    assert got.status == "cancelled" and got.cancel_reason == "会员要求" and got.cancelled_by == "admin"
    assert _gift(gift.id).stock == 5 and db.session.get(Member, member.id).points_balance == 1000
    assert _events("redemption.cancel")[0].note == "会员要求"


def test_redemption_list_filters_by_status_method_phone_and_date(console, member, other_member):
    gift = factories.create_gift(name="雨伞")
    mine = _redeem(member, gift)
    theirs = _redeem(other_member, gift, method="post")

    def ids(query):
        page = console.get("/admin/redemptions?" + query).get_data(as_text=True)
        return {r.id for r in (mine, theirs) if f'/admin/redemptions/{r.id}"' in page}
    assert ids("method=pickup") == {mine.id}
    assert ids("method=post") == {theirs.id}
    assert ids("phone=" + member.member.phone) == {mine.id}
    assert ids("status=pending") == {mine.id, theirs.id}
    assert ids("date_from=2000-01-01&date_to=2000-01-02") == set()
    assert console.get("/admin/redemptions?export=csv").status_code == 200
    page = console.get(f"/admin/redemptions/{mine.id}").get_data(as_text=True)
    assert member.member.masked_phone in page and member.member.phone not in page
