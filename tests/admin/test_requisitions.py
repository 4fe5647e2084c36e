"""领用审批 and 领用额度 in the console: the admin approves or rejects requisitions above the quota and sets quotas."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.promo import quotas, service
from app.promo.models import PromoRequisition

from ..factories import create_staff
from .test_promo import _cells, _table


def _waiting(quantity=150):
    staff = create_staff()
    item = service.create_item(name="帆布袋", unit="个", unit_cost="8.50")
    service.inbound(item_id=item.id, quantity=500, recorded_by=create_staff(role="admin").id)
    requisition = service.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=quantity,
                               note="旺季备货")
    assert isinstance(requisition, PromoRequisition)
    return staff, item, requisition.id


def _status(requisition_id):
    db.session.expire_all()
    return db.session.get(PromoRequisition, requisition_id).status


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_admin_sees_pending_requisitions_in_chinese_and_approves_one(console):
    staff, _item, requisition_id = _waiting()
    page = console.get("/admin/promo-items/requisitions?status=pending")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "领用审批" in text and "领用额度" in text
    rows = _cells(_table(page, "list-promo_requisitions"))
    assert len(rows) == 1 and rows[0][0] == str(requisition_id) and "待审批" in rows[0]
    done = console.post(f"/admin/promo-items/requisitions/{requisition_id}/approve", {"note": "特批"},
                        follow_redirects=True)
    assert "flash-success" in done.get_data(as_text=True)
    assert _status(requisition_id) == "approved" and service.stock_of(staff.id)[0]["quantity"] == 150
    [event] = _events("promo_requisition.approve")
    assert (event.source, event.actor_id, event.note) == ("console", console.admin.id, "特批")
    again = console.post(f"/admin/promo-items/requisitions/{requisition_id}/approve", {}, follow_redirects=True)
    assert "flash-error" in again.get_data(as_text=True) and len(_events("promo_requisition.approve")) == 1


def test_a_rejection_needs_a_reason_and_moves_nothing(console):
    staff, _item, requisition_id = _waiting()
    blank = console.post(f"/admin/promo-items/requisitions/{requisition_id}/reject", {"reason": " "},
                         follow_redirects=True)
    assert "flash-error" in blank.get_data(as_text=True) and _status(requisition_id) == "pending"
    assert console.post(f"/admin/promo-items/requisitions/{requisition_id}/reject",
                        {"reason": "超出计划"}).status_code == 302
    assert _status(requisition_id) == "rejected" and service.stock_of(staff.id) == []
    assert [e.note for e in _events("promo_requisition.reject")] == ["超出计划"]


def test_the_admin_gives_a_staff_member_an_own_quota_and_back_to_the_default(console):
    staff = create_staff()
    page = console.get("/admin/promo-items/quotas")
    assert page.status_code == 200 and "100" in _table(page, "default-quota")
    assert console.post(f"/admin/promo-items/quotas/{staff.id}", {"monthly_quantity": "-3"},
                        follow_redirects=True).get_data(as_text=True).count("flash-error") >= 1
    assert quotas.quota_of(staff.id) == 100
    assert console.post(f"/admin/promo-items/quotas/{staff.id}", {"monthly_quantity": "20"}).status_code == 302
    assert quotas.quota_of(staff.id) == 20
    rows = _cells(_table(console.get("/admin/promo-items/quotas"), "list-promo_quotas"))
    assert [staff.user.username, "李四", "20", "自定额度"] in rows
    assert console.post(f"/admin/promo-items/quotas/{staff.id}/default").status_code == 302
    db.session.expire_all()
    assert quotas.quota_of(staff.id) == 100
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "staff",
                                                                          AuditEvent.action.like("promo_quota.%")))] \
        == ["promo_quota.set", "promo_quota.clear"]


def test_a_manager_sees_the_pages_but_answers_nothing(make_console):
    staff, _item, requisition_id = _waiting()
    manager = make_console("manager")
    for path in ("/admin/promo-items/requisitions", "/admin/promo-items/quotas"):
        page = manager.get(path)
        assert page.status_code == 200 and "<form method=\"post\" action=\"/admin/promo-items/" not in \
            page.get_data(as_text=True)
    assert manager.post(f"/admin/promo-items/requisitions/{requisition_id}/approve", {}).status_code == 403
    assert manager.post(f"/admin/promo-items/requisitions/{requisition_id}/reject", {"reason": "x"}).status_code == 403
    assert manager.post(f"/admin/promo-items/quotas/{staff.id}", {"monthly_quantity": "999"}).status_code == 403
    assert _status(requisition_id) == "pending" and quotas.quota_of(staff.id) == 100
