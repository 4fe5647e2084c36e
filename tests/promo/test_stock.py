import hashlib
import random


from app.db import transaction
from app.extensions import db
from app.members import member_codes
from app.members.models import Member
from app.points.models import LedgerEntry
from app.points.service import InsufficientPoints, ledger_sum, post_entry
from app.promo import service
from app.promo.models import PromoMovement

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_retailer, create_staff


def make_item(name="打火机", points_cost=None, threshold=0, **kw):
    return service.create_item(name=name, unit="个", unit_cost="2.50", points_cost=points_cost,
                               low_stock_threshold=threshold, **kw)


def stock_up(admin, staff, item, warehouse=100, held=0):
    service.inbound(item_id=item.id, quantity=warehouse, recorded_by=admin.id)
    if held:
        service.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=held)


def give_points(member_id, points):
    with transaction():
        post_entry(member_id, points, "adjust", note="test")


def code_of(api, member):
    """The member code the member's app shows."""
    response = api.get("/me/member-code", token=member.token)
    assert response.status_code == 200 and response.json["expires_in"] == 60
    return response.json["code"]


def live_codes(member_id, count):
    """`count` valid codes of one member at once (the app shows one at a time: each new one replaces the last),
    so that concurrent exchanges by one member can be raced."""
    from datetime import timedelta

    from app.db import utcnow

    codes = [f"{900000000000000000 + i}" for i in range(count)]
    with transaction():
        for code in codes:
            db.session.add(member_codes.MemberCode(member_id=member_id, code_hash=hashlib.sha256(code.encode()).hexdigest(),
                                                   expires_at=utcnow() + timedelta(seconds=60)))
    return codes


def exchange(api, staff, member, item, quantity=1, **extra):
    return api.post("/staff/stock-movements", {"kind": "exchange", "item_id": item.id, "quantity": quantity,
                                               "member_code": code_of(api, member), **extra}, token=staff.token)


def my_quantity(api, who, item_id):
    rows = api.get("/staff/stock", token=who.token).json["items"]
    return next((r["quantity"] for r in rows if r["item_id"] == item_id), 0)


def test_inbound_requisition_distribution_and_return_keep_every_location_right(api, admin, staff):
    created = api.post("/admin/promo-items", {"name": "帆布袋", "unit": "个", "unit_cost": "8.5",
                                              "low_stock_threshold": 30}, token=admin.token)
    assert created.status_code == 201 and created.json["unit_cost"] == "8.50"
    item_id = created.json["id"]
    inbound = api.post(f"/admin/promo-items/{item_id}/inbound", {"quantity": 100, "note": "十一月到货"},
                       token=admin.token)
    assert inbound.status_code == 201 and inbound.json["on_hand"] == 100 and inbound.json["kind"] == "inbound"
    taken = api.post("/staff/stock-movements", {"kind": "requisition", "item_id": item_id, "quantity": 80},
                     token=staff.token)
    assert taken.status_code == 201 and taken.json["on_hand"] == 80 and taken.json["warehouse_on_hand"] == 20
    given = api.post("/staff/stock-movements", {"kind": "distribution", "item_id": item_id, "quantity": 30,
                                                "retailer_id": create_retailer().id}, token=staff.token)
    assert given.json["on_hand"] == 50
    used = api.post("/staff/stock-movements", {"kind": "consumption", "item_id": item_id, "quantity": 5},
                    token=staff.token)
    assert used.json["on_hand"] == 45
    back = api.post("/staff/stock-movements", {"kind": "return", "item_id": item_id, "quantity": 45},
                    token=staff.token)
    assert back.json["on_hand"] == 0 and back.json["warehouse_on_hand"] == 65
    assert api.get("/staff/stock", token=staff.token).json["items"] == [
        {"item_id": item_id, "name": "帆布袋", "unit": "个", "quantity": 0}]
    assert api.get("/admin/promo-stock/audit", token=admin.token).json == {"mismatches": []}


def test_moving_more_than_on_hand_is_refused_and_changes_nothing(api, admin, staff):
    item = make_item()
    stock_up(admin, staff, item, warehouse=10, held=3)
    for kind in ("distribution", "consumption", "return"):
        response = api.post("/staff/stock-movements", {"kind": kind, "item_id": item.id, "quantity": 4},
                            token=staff.token)
        assert response.status_code == 409 and response.json["error"]["code"] == "INSUFFICIENT_STOCK"
    too_many = api.post("/staff/stock-movements", {"kind": "requisition", "item_id": item.id, "quantity": 8},
                        token=staff.token)
    assert too_many.status_code == 409
    assert my_quantity(api, staff, item.id) == 3
    assert db.session.query(PromoMovement).count() == 2
    assert service.audit() == []


def test_exchange_debits_the_members_points_in_the_same_move(api, admin, staff, member):
    item = make_item(points_cost=50)
    stock_up(admin, staff, item, held=5)
    give_points(member.id, 120)
    response = exchange(api, staff, member, item, 2)
    assert response.status_code == 201, response.json
    assert response.json["member_id"] == member.id
    assert response.json["points"] == 100 and response.json["on_hand"] == 3
    entry = db.session.query(LedgerEntry).filter_by(member_id=member.id, kind="redeem").one()
    assert entry.delta == -100 and entry.ref == f"exchange:{response.json['id']}"
    assert db.session.get(Member, member.id).points_balance == 20 == ledger_sum(member.id)


def test_exchange_that_fails_on_points_leaves_stock_untouched(api, admin, staff, member):
    item = make_item(points_cost=50)
    stock_up(admin, staff, item, held=5)
    give_points(member.id, 99)
    response = exchange(api, staff, member, item, 2)
    assert response.status_code == 409 and response.json["error"]["code"] == "INSUFFICIENT_POINTS"
    assert my_quantity(api, staff, item.id) == 5
    assert db.session.query(PromoMovement).filter_by(kind="exchange").count() == 0
    assert db.session.get(Member, member.id).points_balance == 99
    assert service.audit() == []


def test_exchange_needs_a_member_and_an_item_with_a_points_price(api, admin, staff, member):
    priced, unpriced = make_item("扑克牌", points_cost=20), make_item("烟灰缸")
    stock_up(admin, staff, priced, held=5)
    stock_up(admin, staff, unpriced, held=5)
    no_member = api.post("/staff/stock-movements", {"kind": "exchange", "item_id": priced.id, "quantity": 1},
                         token=staff.token)
    assert no_member.status_code == 422 and list(no_member.json["error"]["fields"]) == ["member_code"]
    response = exchange(api, staff, member, unpriced)
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_EXCHANGEABLE"


def test_inbound_kind_and_bad_quantities_are_refused_to_staff(api, admin, staff):
    item = make_item()
    for body in ({"kind": "inbound", "item_id": item.id, "quantity": 5},
                 {"kind": "distribution", "item_id": item.id, "quantity": 0},
                 {"kind": "distribution", "item_id": item.id, "quantity": -2}):
        assert api.post("/staff/stock-movements", body, token=staff.token).status_code == 422
    missing = api.post("/staff/stock-movements", {"kind": "requisition", "item_id": 9999, "quantity": 1},
                       token=staff.token)
    assert missing.status_code == 404


def test_a_repeated_idempotency_key_moves_stock_once(api, admin, staff):
    item = make_item()
    stock_up(admin, staff, item, warehouse=10)
    body = {"kind": "requisition", "item_id": item.id, "quantity": 4}
    headers = {"Idempotency-Key": "req-1"}
    first = api.post("/staff/stock-movements", body, token=staff.token, headers=headers)
    second = api.post("/staff/stock-movements", body, token=staff.token, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json == second.json
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert my_quantity(api, staff, item.id) == 4
    other = api.post("/staff/stock-movements", {**body, "quantity": 5}, token=staff.token, headers=headers)
    assert other.status_code == 422 and other.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_staff_never_see_another_staff_members_stock_or_movements_but_admins_do(api, admin, staff):
    other = create_staff()
    item = make_item()
    stock_up(admin, other, item, held=7)
    theirs = db.session.query(PromoMovement).filter_by(staff_id=other.id).one()
    assert api.get(f"/staff/stock-movements/{theirs.id}", token=staff.token).status_code == 404
    assert api.get("/staff/stock", token=staff.token).json["items"] == []
    assert api.get("/staff/stock-movements", token=staff.token).json["total"] == 0
    assert api.get(f"/staff/stock-movements/{theirs.id}", token=other.token).status_code == 200
    rows = api.get("/admin/promo-stock", token=admin.token).json["items"]
    assert [(r["location"], r["staff_id"], r["quantity"]) for r in rows] == [("warehouse", None, 93),
                                                                               ("staff", other.id, 7)]
    assert api.get(f"/admin/promo-movements?staff_id={other.id}", token=admin.token).json["total"] == 1


def test_low_stock_alert_when_the_warehouse_falls_under_the_threshold(api, admin, staff, runner):
    item = make_item(threshold=20)
    stock_up(admin, staff, item, warehouse=30)
    assert api.get("/admin/promo-items?low_stock=true", token=admin.token).json["items"] == []
    service.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=11)
    alerts = api.get("/admin/promo-items?low_stock=true", token=admin.token).json["items"]
    assert [(a["id"], a["warehouse_quantity"], a["low_stock"]) for a in alerts] == [(item.id, 19, True)]
    assert runner.invoke(args=["scheduler", "run-once", "promo-low-stock"]).exit_code == 0
    assert service.report_low_stock() == 1


def test_plan_shows_planned_against_used_in_its_region_and_month(api, admin, staff):
    from app.timeutil import local_today

    item = make_item()
    stock_up(admin, staff, item, held=50)
    month = local_today().strftime("%Y-%m")
    plan = api.post("/admin/promo-plans", {"item_id": item.id, "region_code": "440100", "month": month,
                                           "quantity": 40}, token=admin.token)
    assert plan.status_code == 201, plan.json
    again = api.post("/admin/promo-plans", {"item_id": item.id, "region_code": "440100", "month": month,
                                            "quantity": 10}, token=admin.token)
    assert again.status_code == 409
    service.move(staff_id=staff.id, kind="distribution", item_id=item.id, quantity=6,
                 retailer_id=create_retailer(region_code="440106").id)          # Guangzhou: counts
    service.move(staff_id=staff.id, kind="distribution", item_id=item.id, quantity=4,
                 retailer_id=create_retailer(region_code="430102").id)          # Changsha: does not
    service.move(staff_id=staff.id, kind="return", item_id=item.id, quantity=5)  # not a use
    listed = api.get(f"/admin/promo-plans?month={month}", token=admin.token).json["items"]
    assert [(p["planned"], p["used"], p["remaining"]) for p in listed] == [(40, 6, 34)]


@requires_postgres
def test_concurrent_distributions_from_the_last_units_never_go_negative(app, admin, staff):
    item = make_item()
    stock_up(admin, staff, item, warehouse=5, held=5)
    item_id, staff_id = item.id, staff.id

    def distribute(_i):
        try:
            service.move(staff_id=staff_id, kind="distribution", item_id=item_id, quantity=1)
            return True
        except service.InsufficientStock:
            return False

    results = run_concurrently(app, distribute, 20)
    assert results.count(True) == 5
    assert service.stock_of(staff_id)[0]["quantity"] == 0
    assert service.audit() == []


@requires_postgres
def test_concurrent_exchanges_never_overspend_points_or_stock(app, admin, staff, member):
    item = make_item(points_cost=10)
    stock_up(admin, staff, item, held=10)
    give_points(member.id, 30)
    item_id, staff_id, member_id = item.id, staff.id, member.id
    codes = live_codes(member_id, 12)

    def exchange_one(i):
        try:
            service.move(staff_id=staff_id, kind="exchange", item_id=item_id, quantity=1, member_code=codes[i])
            return True
        except (service.InsufficientStock, InsufficientPoints):
            return False

    assert run_concurrently(app, exchange_one, 12).count(True) == 3
    assert service.stock_of(staff_id)[0]["quantity"] == 7
    db.session.expire_all()  # the threads changed the member behind this session's back
    assert db.session.get(Member, member_id).points_balance == 0 == ledger_sum(member_id)
    assert service.audit() == []


@requires_postgres
def test_a_storm_of_mixed_movements_keeps_the_ledger_equal_to_stock_everywhere(app, admin):
    items = [make_item(f"物品{i}").id for i in range(2)]
    staff_ids = [create_staff().id for _ in range(3)]
    for item_id in items:
        service.inbound(item_id=item_id, quantity=40, recorded_by=admin.id)
    kinds = ["requisition", "requisition", "distribution", "consumption", "return"]

    def churn(i):
        rng = random.Random(i)
        done = 0
        for _ in range(15):
            try:
                service.move(staff_id=rng.choice(staff_ids), kind=rng.choice(kinds), item_id=rng.choice(items),
                             quantity=rng.randint(1, 6))
                done += 1
            except service.InsufficientStock:
                pass
        return done

    assert sum(run_concurrently(app, churn, 12)) > 0
    assert service.audit() == []
    assert all(row.quantity >= 0 for row in service.all_stock())


def test_a_locked_member_cannot_exchange(api, admin, staff, member):
    item = make_item(points_cost=10)
    stock_up(admin, staff, item, held=5)
    give_points(member.id, 100)
    code = code_of(api, member)  # shown before the lock
    assert api.post(f"/admin/members/{member.id}/lock", {"reason": "刷码"}, token=admin.token).status_code == 200
    response = api.post("/staff/stock-movements", {"kind": "exchange", "item_id": item.id, "quantity": 1,
                                                   "member_code": code}, token=staff.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "MEMBER_LOCKED"
    assert my_quantity(api, staff, item.id) == 5


def test_an_expired_membership_cannot_exchange_and_nothing_moves(api, admin, staff, member):
    from datetime import timedelta

    from app.timeutil import local_today

    item = make_item(points_cost=10)
    stock_up(admin, staff, item, held=5)
    give_points(member.id, 100)
    past = (local_today() - timedelta(days=1)).isoformat()
    api.post(f"/admin/members/{member.id}/validity", {"valid_until": past, "reason": "测试"}, token=admin.token)
    response = exchange(api, staff, member, item)
    assert response.status_code == 409 and response.json["error"]["code"] == "MEMBERSHIP_EXPIRED"
    assert my_quantity(api, staff, item.id) == 5 and ledger_sum(member.id) == 100
    assert db.session.query(PromoMovement).filter_by(kind="exchange").count() == 0
    renewed = (local_today() + timedelta(days=30)).isoformat()
    api.post(f"/admin/members/{member.id}/validity", {"valid_until": renewed, "reason": "续期"}, token=admin.token)
    again = exchange(api, staff, member, item)
    assert again.status_code == 201 and ledger_sum(member.id) == 90


def _plan(api, admin, item_id, month, quantity=10):
    return api.post("/admin/promo-plans", {"item_id": item_id, "region_code": "440100", "month": month,
                                           "quantity": quantity}, token=admin.token)


def test_a_plan_month_outside_2000_to_2099_or_malformed_is_422(api, admin):
    item = make_item()
    for month in ("9999-12", "0000-01", "1999-12", "2100-01", "２０２６-１１", "2026-13", "2026-1", "26-11"):
        response = _plan(api, admin, item.id, month)
        assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["month"], month
        assert api.get(f"/admin/promo-plans?month={month}", token=admin.token).status_code == 422, month
    assert _plan(api, admin, item.id, "2000-01").status_code == 201
    assert _plan(api, admin, item.id, "2099-12").status_code == 201
    listed = api.get("/admin/promo-plans", token=admin.token)
    assert listed.status_code == 200 and [p["month"] for p in listed.json["items"]] == ["2000-01", "2099-12"]


def test_a_plan_stored_before_months_were_bounded_lists_and_can_be_deleted(api, admin):
    from app.promo.models import PromoPlan

    item = make_item()
    with transaction():
        for month in ("9999-12", "0000-01"):
            db.session.add(PromoPlan(item_id=item.id, region_code="440100", month=month, quantity=5))
    listed = api.get("/admin/promo-plans", token=admin.token)
    assert listed.status_code == 200
    assert [(p["month"], p["used"], p["remaining"]) for p in listed.json["items"]] == [("0000-01", 0, 5),
                                                                                      ("9999-12", 0, 5)]
    for plan in listed.json["items"]:
        assert api.delete(f"/admin/promo-plans/{plan['id']}", token=admin.token).status_code == 204
    assert api.get("/admin/promo-plans", token=admin.token).json["items"] == []


def test_admin_corrects_a_plans_quantity_or_deletes_it(api, admin, staff):
    from app.timeutil import local_today

    item = make_item()
    stock_up(admin, staff, item, held=10)
    month = local_today().strftime("%Y-%m")
    plan_id = _plan(api, admin, item.id, month, quantity=400).json["id"]
    service.move(staff_id=staff.id, kind="distribution", item_id=item.id, quantity=3,
                 retailer_id=create_retailer(region_code="440106").id)
    fixed = api.patch(f"/admin/promo-plans/{plan_id}", {"quantity": 40}, token=admin.token)
    assert fixed.status_code == 200, fixed.json
    body = fixed.json
    assert (body["planned"], body["used"], body["remaining"], body["month"]) == (40, 3, 37, month)
    for bad in ({"quantity": 0}, {"quantity": 2.5}, {"quantity": 10**7}, {}, {"month": "2026-01"}):
        response = api.patch(f"/admin/promo-plans/{plan_id}", bad, token=admin.token)
        assert response.status_code == 422, bad
    assert api.patch("/admin/promo-plans/999999", {"quantity": 1}, token=admin.token).status_code == 404
    assert api.delete(f"/admin/promo-plans/{plan_id}", token=admin.token).status_code == 204
    assert api.delete(f"/admin/promo-plans/{plan_id}", token=admin.token).status_code == 404
    assert api.get("/admin/promo-plans", token=admin.token).json["items"] == []
    assert api.get("/admin/promo-stock/audit", token=admin.token).json == {"mismatches": []}  # no stock moved
    assert _plan(api, admin, item.id, month, quantity=40).status_code == 201  # planned again after the delete
