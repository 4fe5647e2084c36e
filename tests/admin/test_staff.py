"""Staff accounts in the console: create, lock, unlock (through app/auth/service.py)."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import StaffUser
from app.extensions import db


def _account(username):
    db.session.expire_all()
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def test_admin_creates_a_field_staff_account_that_can_sign_in(console, api):
    response = console.post("/admin/staff/new", {"username": "wangwu", "name": "王五", "role": "staff",
                                                  "password": "Field#2026", "phone": "13800138001",
                                                  "region_code": "440106"})
    assert response.status_code == 302
    assert _account("wangwu").role == "staff"
    login = api.post("/staff/login", {"username": "wangwu", "password": "Field#2026"})
    assert login.status_code == 200 and login.json["role"] == "staff"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.create"))
    assert event.target_id == str(_account("wangwu").id) and "Field#2026" not in str(event.note)


def test_a_taken_username_or_weak_password_is_refused(console):
    console.post("/admin/staff/new", {"username": "dup", "name": "甲", "role": "staff", "password": "Field#2026"})
    response = console.post("/admin/staff/new", {"username": "dup", "name": "乙", "role": "admin",
                                                  "password": "Field#2026"})
    assert response.status_code == 200 and _account("dup").name == "甲"
    response = console.post("/admin/staff/new", {"username": "weak", "name": "丙", "role": "staff",
                                                  "password": "12345678"})
    assert response.status_code == 200 and _account("weak") is None


def test_admin_creates_a_read_only_manager(console, anonymous):
    console.post("/admin/staff/new", {"username": "boss", "name": "老板", "role": "manager",
                                      "password": "Boss#2026x"})
    assert _account("boss").role == "manager"


def test_locking_staff_ends_their_api_sessions_and_unlocking_restores_sign_in(console, staff, api):
    console.post(f"/admin/staff/{staff.id}/lock")
    assert _account(staff.user.username).status == "locked"
    assert api.get("/staff/me", token=staff.token).status_code == 401
    console.post(f"/admin/staff/{staff.id}/unlock")
    assert _account(staff.user.username).status == "active"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "staff",
                                                                 AuditEvent.action.like("staff.%"))).all()
    assert actions == ["staff.lock", "staff.unlock"]


def test_an_admin_cannot_lock_themself(console):
    console.post(f"/admin/staff/{console.admin.id}/lock")
    assert _account(console.admin.user.username).status == "active"
    assert console.get("/admin/").status_code == 200


def test_staff_list_filters_by_role(console, staff):
    page = console.get("/admin/staff?role=staff").get_data(as_text=True)
    assert staff.user.username in page and f">{console.admin.user.username}<" not in page
