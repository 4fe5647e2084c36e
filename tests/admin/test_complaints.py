"""Complaints in the console: assign, answer, resolve with a reward credited once, reject — audited."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.complaints import service
from app.complaints.models import Complaint
from app.extensions import db
from app.members.models import Member
from app.points.models import LedgerEntry


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _complaint(complaint_id):
    db.session.expire_all()
    return db.session.get(Complaint, complaint_id)


def _file(member, kind="complaint", content="烟盒破损"):
    return service.file_complaint(member.id, kind=kind, content=content)


def test_complaint_list_filters_by_status_and_kind(console, member):
    complaint = _file(member, content="烟丝受潮")
    suggestion = _file(member, kind="suggestion", content="增加礼品种类")
    page = console.get("/admin/complaints?kind=suggestion").get_data(as_text=True)
    assert "增加礼品种类" in page and "烟丝受潮" not in page
    console.post(f"/admin/complaints/{complaint.id}/reject", {"reject-result": "无法核实"})
    page = console.get("/admin/complaints?status=open").get_data(as_text=True)
    assert "增加礼品种类" in page and "烟丝受潮" not in page
    assert console.get("/admin/complaints?export=csv").status_code == 200
    detail = console.get(f"/admin/complaints/{suggestion.id}").get_data(as_text=True)
    assert member.member.masked_phone in detail and member.member.phone not in detail


def test_assigning_and_answering_keep_the_case_open_and_are_audited(console, member, staff):
    complaint = _file(member)
    console.post(f"/admin/complaints/{complaint.id}/assign", {"staff_id": str(staff.id)})
    assert _complaint(complaint.id).assignee_id == staff.id and _complaint(complaint.id).status == "in_progress"
    console.post(f"/admin/complaints/{complaint.id}/answer", {"result": "已联系会员"})
    assert _complaint(complaint.id).result == "已联系会员"
    [assigned] = _events("complaint.assign")
    assert assigned.before["assignee_id"] is None and assigned.after["assignee_id"] == staff.id
    assert len(_events("complaint.answer")) == 1


def test_assigning_to_nobody_known_is_a_message(console, member):
    complaint = _file(member)
    response = console.post(f"/admin/complaints/{complaint.id}/assign", {"staff_id": "999999"},
                            follow_redirects=True)
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)
    assert _complaint(complaint.id).assignee_id is None and _events("complaint.assign") == []


def test_resolving_with_a_reward_credits_it_once(console, member):
    complaint = _file(member)
    form = {"resolve-result": "补偿积分", "resolve-reward_points": "50"}
    console.post(f"/admin/complaints/{complaint.id}/resolve", form)
    again = console.post(f"/admin/complaints/{complaint.id}/resolve", form, follow_redirects=True)
    assert again.status_code == 200 and "flash-error" in again.get_data(as_text=True)
    got = _complaint(complaint.id)
    assert got.status == "resolved" and got.reward_points == 50
    assert db.session.get(Member, member.id).points_balance == 50
    rewards = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "complaint_reward")).all()
    assert len(rewards) == 1 and len(_events("complaint.resolve")) == 1


def test_rejecting_needs_a_reply(console, member):
    complaint = _file(member)
    console.post(f"/admin/complaints/{complaint.id}/reject", {"reject-result": ""})
    assert _complaint(complaint.id).status == "open"
    console.post(f"/admin/complaints/{complaint.id}/reject", {"reject-result": "与产品无关"})
    assert _complaint(complaint.id).status == "rejected" and _events("complaint.reject")[0].after["status"] == \
        "rejected"


def test_complaint_actions_need_csrf_and_an_admin(console, make_console, member):
    complaint = _file(member)
    form = {"resolve-result": "x", "resolve-reward_points": "10"}
    assert console.post(f"/admin/complaints/{complaint.id}/resolve", form, csrf=False).status_code == 400
    manager = make_console("manager")
    assert "resolve-form" not in manager.get(f"/admin/complaints/{complaint.id}").get_data(as_text=True)
    assert manager.post(f"/admin/complaints/{complaint.id}/resolve", form).status_code == 403
    assert _complaint(complaint.id).status == "open" and db.session.get(Member, member.id).points_balance == 0


def test_an_unknown_complaint_is_an_html_404(console):
    response = console.get("/admin/complaints/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"
