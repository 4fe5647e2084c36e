"""The audit log: recorded for console actions, masked, browsable and filterable."""
from sqlalchemy import select

from app.audit.masking import masked
from app.audit.models import AuditEvent
from app.extensions import db


def test_personal_data_is_masked_in_audit_records():
    assert masked({"phone": "13800138000", "real_name": "张三丰", "password": "x", "status": "active"}) == {
        "phone": "138****8000", "real_name": "张**", "password": "***", "status": "active"}


def test_sign_in_and_actions_are_browsable_and_filterable(console, member):
    console.post(f"/admin/members/{member.id}/lock", {"reason": "核查"})
    page = console.get("/admin/audit").get_data(as_text=True)
    assert "console.login" in page and "member.lock" in page
    filtered = console.get(f"/admin/audit?action=member.&target_id={member.id}").get_data(as_text=True)
    assert "member.lock" in filtered and "console.login" not in filtered
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.lock"))
    detail = console.get(f"/admin/audit/{event.id}").get_data(as_text=True)
    assert "核查" in detail and "locked" in detail


def test_audit_log_filters_by_actor_and_date(console):
    assert "console.login" in console.get(f"/admin/audit?actor={console.admin.user.username}").get_data(as_text=True)
    assert "console.login" not in console.get("/admin/audit?actor=nobody").get_data(as_text=True)
    assert "console.login" not in console.get("/admin/audit?until=2020-01-01").get_data(as_text=True)


def test_audit_records_keep_only_what_changed(console, member):
    console.post(f"/admin/members/{member.id}/extend", {"days": "10"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.extend_validity"))
    assert list(event.before) == ["valid_until"] and list(event.after) == ["valid_until"]
