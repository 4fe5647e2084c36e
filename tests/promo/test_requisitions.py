"""领用审批 / 领用额度: a staff member takes from the warehouse up to a monthly quota per item on their own; above it
the requisition waits for an admin, who approves (the stock moves then) or rejects it."""
from datetime import datetime

from app.audit.models import AuditEvent
from app.extensions import db
from app.promo import quotas, requisitions, service
from app.promo.models import PromoMovement, PromoRequisition
from app.timeutil import LOCAL_TZ

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_staff
from .test_stock import make_item, my_quantity


def _requisition(api, staff, item, quantity, **extra):
    return api.post("/staff/stock-movements", {"kind": "requisition", "item_id": item.id, "quantity": quantity},
                    token=staff.token, **extra)


def _warehouse(item_id):
    return next(row.quantity for row in service.all_stock(item_id=item_id) if row.staff_id is None)


def _stocked(admin, quantity=500, **kw):
    item = make_item(**kw)
    service.inbound(item_id=item.id, quantity=quantity, recorded_by=admin.id)
    return item


def _pending(api, staff, item, quantity):
    response = _requisition(api, staff, item, quantity)
    assert response.status_code == 202, response.json
    return response.json["id"]


def test_within_the_quota_stock_moves_and_above_it_the_requisition_waits(app, api, admin, staff):
    assert app.config["PROMO_REQUISITION_QUOTA"] == 100
    item = _stocked(admin)
    assert _requisition(api, staff, item, 60).status_code == 201
    assert _requisition(api, staff, item, 40).status_code == 201  # exactly the quota
    over = _requisition(api, staff, item, 1)
    assert over.status_code == 202
    assert (over.json["status"], over.json["quantity"], over.json["staff_id"]) == ("pending", 1, staff.id)
    assert my_quantity(api, staff, item.id) == 100 and _warehouse(item.id) == 400
    assert db.session.query(PromoMovement).filter_by(kind="requisition").count() == 2
    mine = api.get("/staff/requisitions?status=pending", token=staff.token).json
    assert [r["id"] for r in mine["items"]] == [over.json["id"]]
    other = create_staff()
    assert api.get("/staff/requisitions", token=other.token).json["total"] == 0
    assert _requisition(api, other, item, 100).status_code == 201  # the quota is per staff member


def test_the_quota_is_per_item_and_per_shanghai_calendar_month(admin, staff):
    lighter, cards = _stocked(admin), _stocked(admin, name="扑克牌")
    november_end = datetime(2026, 11, 30, 23, 30, tzinfo=LOCAL_TZ)
    december_start = datetime(2026, 12, 1, 0, 30, tzinfo=LOCAL_TZ)  # still 30 November in UTC
    assert isinstance(service.move(staff_id=staff.id, kind="requisition", item_id=lighter.id, quantity=100,
                                   now=november_end), PromoMovement)
    assert isinstance(service.move(staff_id=staff.id, kind="requisition", item_id=lighter.id, quantity=1,
                                   now=november_end), PromoRequisition)
    assert isinstance(service.move(staff_id=staff.id, kind="requisition", item_id=cards.id, quantity=100,
                                   now=november_end), PromoMovement)
    assert isinstance(service.move(staff_id=staff.id, kind="requisition", item_id=lighter.id, quantity=100,
                                   now=december_start), PromoMovement)
    assert quotas.taken_this_month(staff.id, lighter.id, december_start) == 100


def test_an_admin_approves_a_pending_requisition_once_and_the_stock_moves_then(api, admin, staff):
    item = _stocked(admin, quantity=150)
    requisition_id = _pending(api, staff, item, 120)
    listed = api.get("/admin/requisitions?status=pending", token=admin.token).json
    assert [r["id"] for r in listed["items"]] == [requisition_id] and listed["total"] == 1
    approved = api.post(f"/admin/requisitions/{requisition_id}/approve", {"note": "旺季备货"}, token=admin.token)
    assert approved.status_code == 200, approved.json
    body = approved.json
    assert (body["status"], body["decided_by"], body["on_hand"], body["warehouse_on_hand"]) == (
        "approved", admin.id, 120, 30)
    movement = db.session.get(PromoMovement, body["movement_id"])
    assert (movement.kind, movement.staff_id, movement.quantity, movement.recorded_by) == (
        "requisition", staff.id, 120, admin.id)
    again = api.post(f"/admin/requisitions/{requisition_id}/approve", {}, token=admin.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "REQUISITION_NOT_PENDING"
    assert my_quantity(api, staff, item.id) == 120 and service.audit() == []
    event = db.session.query(AuditEvent).filter_by(action="promo_requisition.approve").one()
    assert (event.target_id, event.actor_id, event.source, event.note) == (str(requisition_id), admin.id, "api",
                                                                            "旺季备货")
    assert api.get("/admin/requisitions?status=pending", token=admin.token).json["total"] == 0


def test_a_rejected_requisition_moves_nothing_and_cannot_be_approved_after(api, admin, staff):
    item = _stocked(admin)
    requisition_id = _pending(api, staff, item, 101)
    assert api.post(f"/admin/requisitions/{requisition_id}/reject", {}, token=admin.token).status_code == 422
    rejected = api.post(f"/admin/requisitions/{requisition_id}/reject", {"reason": "超出本月计划"}, token=admin.token)
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert rejected.json["reason"] == "超出本月计划" and rejected.json["movement_id"] is None
    late = api.post(f"/admin/requisitions/{requisition_id}/approve", {}, token=admin.token)
    assert late.status_code == 409 and late.json["error"]["code"] == "REQUISITION_NOT_PENDING"
    assert my_quantity(api, staff, item.id) == 0 and _warehouse(item.id) == 500
    event = db.session.query(AuditEvent).filter_by(action="promo_requisition.reject").one()
    assert event.note == "超出本月计划" and event.target_type == "promo_requisition"


def test_approval_without_enough_in_the_warehouse_is_refused_and_stays_pending(api, admin, staff):
    item = _stocked(admin, quantity=150)
    requisition_id = _pending(api, staff, item, 120)
    assert _requisition(api, create_staff(), item, 50).status_code == 201  # 100 left
    refused = api.post(f"/admin/requisitions/{requisition_id}/approve", {}, token=admin.token)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "INSUFFICIENT_STOCK"
    assert api.get(f"/admin/requisitions/{requisition_id}", token=admin.token).json["status"] == "pending"
    assert db.session.query(AuditEvent).filter_by(action="promo_requisition.approve").count() == 0
    service.inbound(item_id=item.id, quantity=20, recorded_by=admin.id)
    assert api.post(f"/admin/requisitions/{requisition_id}/approve", {}, token=admin.token).status_code == 200


def test_a_staff_members_own_quota_overrides_the_default_and_is_audited(api, admin, staff):
    item = _stocked(admin)
    assert api.put(f"/admin/requisition-quotas/{staff.id}", {"monthly_quantity": -1},
                   token=admin.token).status_code == 422
    assert api.put("/admin/requisition-quotas/999999", {"monthly_quantity": 5}, token=admin.token).status_code == 404
    own = api.put(f"/admin/requisition-quotas/{staff.id}", {"monthly_quantity": 5}, token=admin.token)
    assert own.status_code == 200 and (own.json["monthly_quantity"], own.json["own"]) == (5, True)
    assert _requisition(api, staff, item, 5).status_code == 201
    assert _requisition(api, staff, item, 1).status_code == 202
    listed = api.get("/admin/requisition-quotas", token=admin.token).json
    assert listed["default_quantity"] == 100
    assert {r["staff_id"]: (r["monthly_quantity"], r["own"]) for r in listed["items"]}[staff.id] == (5, True)
    zero = api.put(f"/admin/requisition-quotas/{staff.id}", {"monthly_quantity": 0}, token=admin.token)
    assert zero.json["monthly_quantity"] == 0
    back = api.delete(f"/admin/requisition-quotas/{staff.id}", token=admin.token)
    assert back.status_code == 200 and (back.json["monthly_quantity"], back.json["own"]) == (100, False)
    assert _requisition(api, staff, item, 95).status_code == 201
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["promo_quota.set", "promo_quota.set", "promo_quota.clear"]


def test_a_replayed_key_answers_the_pending_requisition_again_without_a_second_one(api, admin, staff):
    item = _stocked(admin)
    headers = {"Idempotency-Key": "req-over"}
    first = _requisition(api, staff, item, 150, headers=headers)
    second = _requisition(api, staff, item, 150, headers=headers)
    assert first.status_code == second.status_code == 202 and first.json == second.json
    assert db.session.query(PromoRequisition).count() == 1


def test_only_admins_answer_requisitions_and_set_quotas(api, admin, staff):
    item = _stocked(admin)
    requisition_id = _pending(api, staff, item, 101)
    manager = create_staff(role="manager")
    for who in (staff, manager):
        assert api.get("/admin/requisitions", token=who.token).status_code == 403
        assert api.post(f"/admin/requisitions/{requisition_id}/approve", {}, token=who.token).status_code == 403
        assert api.post(f"/admin/requisitions/{requisition_id}/reject", {"reason": "x"},
                        token=who.token).status_code == 403
        assert api.put(f"/admin/requisition-quotas/{staff.id}", {"monthly_quantity": 500},
                       token=who.token).status_code == 403
    assert api.get("/admin/requisitions").status_code == 401
    assert api.get(f"/admin/requisitions/{requisition_id}", token=admin.token).json["status"] == "pending"
    assert quotas.quota_of(staff.id) == 100


@requires_postgres
def test_concurrent_approvals_move_the_stock_once(app, admin, staff):
    item = _stocked(admin)
    requisition_id = service.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=150).id
    admins = [create_staff(role="admin").id for _ in range(8)]

    def approve(i):
        try:
            requisitions.approve(requisition_id, decided_by=admins[i])
            return True
        except requisitions.NotPending:
            return False

    assert run_concurrently(app, approve, len(admins)).count(True) == 1
    assert db.session.query(PromoMovement).filter_by(kind="requisition").count() == 1
    assert service.stock_of(staff.id)[0]["quantity"] == 150 and service.audit() == []


@requires_postgres
def test_concurrent_requisitions_never_pass_the_quota_together(app, admin, staff):
    item = _stocked(admin)
    item_id, staff_id = item.id, staff.id

    def requisition(_i):
        return type(service.move(staff_id=staff_id, kind="requisition", item_id=item_id, quantity=30)).__name__

    results = run_concurrently(app, requisition, 8)
    assert results.count("PromoMovement") == 3 and results.count("PromoRequisition") == 5
    assert service.stock_of(staff_id)[0]["quantity"] == 90 and service.audit() == []
