"""Earning rules in the console: list (with what they apply to), create, edit, retire (app/codes/rules.py)."""
from datetime import datetime, timezone

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.codes.models import EarningRule
from app.extensions import db
from tests import factories


def _rules():
    db.session.expire_all()
    return db.session.scalars(select(EarningRule).order_by(EarningRule.id)).all()


def test_admin_creates_a_rule_for_a_product_region_and_window_in_shanghai_time(console):
    product = factories.create_product(sku="R-P1", name="新品")
    response = console.post("/admin/rules/new", {"name": "春节双倍积分", "kind": "multiply", "value": "2",
                                                 "product_id": str(product.id), "region_code": "440100",
                                                 "starts_at": "2027-02-01T00:00", "ends_at": "2027-02-15T00:00"})
    assert response.status_code == 302
    (rule,) = _rules()
    assert rule.product_id == product.id and rule.region_code == "440100"
    assert rule.starts_at == datetime(2027, 1, 31, 16, 0, tzinfo=timezone.utc)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rule.create"))
    assert event.target_id == str(rule.id)
    page = console.get("/admin/rules").get_data(as_text=True)
    assert "春节双倍积分" in page and "R-P1 新品" in page and "广州市" in page and "×2" in page
    assert "2027-02-01 00:00" in page


def test_a_rule_for_every_product_everywhere_says_so(console):
    console.post("/admin/rules/new", {"name": "新人奖励", "kind": "add", "value": "5"})
    page = console.get("/admin/rules").get_data(as_text=True)
    assert "新人奖励" in page and "+5" in page
    assert _rules()[0].product_id is None and _rules()[0].region_code is None


def test_service_rules_show_under_their_fields_and_nothing_is_saved(console):
    response = console.post("/admin/rules/new", {"name": "半分", "kind": "add", "value": "1.5",
                                                 "region_code": "999999"})
    assert response.status_code == 200 and _rules() == []
    page = response.get_data(as_text=True)
    assert page.count('class="field-error"') >= 2
    response = console.post("/admin/rules/new", {"name": "倒序", "kind": "multiply", "value": "2",
                                                 "starts_at": "2027-02-15T00:00", "ends_at": "2027-02-01T00:00"})
    assert response.status_code == 200 and _rules() == []


def test_editing_and_retiring_a_rule_are_audited(console):
    console.post("/admin/rules/new", {"name": "双倍", "kind": "multiply", "value": "2"})
    rule = _rules()[0]
    form = console.get(f"/admin/rules/{rule.id}").get_data(as_text=True)
    assert 'value="双倍"' in form
    assert console.post(f"/admin/rules/{rule.id}", {"name": "三倍", "kind": "multiply",
                                                    "value": "3"}).status_code == 302
    assert _rules()[0].name == "三倍" and str(_rules()[0].value) == "3.00"
    console.post(f"/admin/rules/{rule.id}/retire")
    assert _rules()[0].status == "retired"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "earning_rule")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["rule.create", "rule.update", "rule.retire"]
    assert "三倍" not in console.get("/admin/rules?status=active").get_data(as_text=True)


def test_manager_sees_rules_but_cannot_change_them(make_console, console):
    console.post("/admin/rules/new", {"name": "双倍", "kind": "multiply", "value": "2"})
    rule = _rules()[0]
    manager = make_console("manager")
    assert manager.get("/admin/rules").status_code == 200
    assert manager.get(f"/admin/rules/{rule.id}").status_code == 200
    assert manager.post(f"/admin/rules/{rule.id}/retire").status_code == 403
    assert manager.post("/admin/rules/new", {"name": "x", "kind": "add", "value": "1"}).status_code == 403
    assert [r.status for r in _rules()] == ["active"]


def test_a_rule_post_without_csrf_changes_nothing(console):
    response = console.post("/admin/rules/new", {"name": "x", "kind": "add", "value": "1"}, csrf=False)
    assert response.status_code in (400, 403) and _rules() == []
