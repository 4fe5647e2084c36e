"""Visits in the console: visit list, plans (create for a staff member, store and day), plan vs actual."""
from datetime import date, datetime, timezone

import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.visits import service
from app.visits.models import VisitPlan
from tests import factories
from tests.factories import GUANGZHOU_TIANHE

MONDAY = date(2026, 11, 16)  # 2026-W47
NOON = datetime(2026, 11, 17, 4, 0, tzinfo=timezone.utc)  # Tuesday, 12:00 in Shanghai


def _plans():
    db.session.expire_all()
    return db.session.scalars(select(VisitPlan)).all()


def _visit(staff_id, retailer_id, plan_id=None):
    visit = service.check_in(staff_id=staff_id, retailer_id=retailer_id, lat=GUANGZHOU_TIANHE[0],
                             lon=GUANGZHOU_TIANHE[1], planned_visit_id=plan_id, now=NOON)
    return service.check_out(staff_id=staff_id, visit_id=visit.id, notes="陈列良好", now=NOON.replace(hour=5))


def test_admin_plans_a_visit_and_it_is_listed_and_audited(console, staff):
    retailer = factories.create_retailer(name="计划店")
    response = console.post("/admin/visits/plans", {"staff_id": str(staff.id), "retailer_id": str(retailer.id),
                                                    "planned_on": "2026-11-18"})
    assert response.status_code == 302 and "week=2026-W47" in response.location
    [plan] = _plans()
    assert (plan.staff_id, plan.retailer_id, plan.planned_on) == (staff.id, retailer.id, date(2026, 11, 18))
    page = console.get("/admin/visits/plans?week=2026-W47").get_data(as_text=True)
    assert "计划店" in page and "2026-11-18" in page
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "visit_plan.create"))


def test_a_duplicate_plan_or_unknown_retailer_is_shown_as_a_message(console, staff):
    retailer = factories.create_retailer()
    body = {"staff_id": str(staff.id), "retailer_id": str(retailer.id), "planned_on": "2026-11-18"}
    console.post("/admin/visits/plans", body)
    page = console.post("/admin/visits/plans", body, follow_redirects=True)
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    page = console.post("/admin/visits/plans", {**body, "retailer_id": "999999"}, follow_redirects=True)
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    page = console.post("/admin/visits/plans", {**body, "planned_on": "not a date"}, follow_redirects=True)
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    assert len(_plans()) == 1


def test_visit_list_filters_by_staff_and_week(console, staff):
    other = factories.create_staff(name="赵六")
    retailer = factories.create_retailer(name="拜访店")
    _visit(staff.id, retailer.id)
    page = console.get(f"/admin/visits?staff={staff.id}&week=2026-W47").get_data(as_text=True)
    assert "拜访店" in page and "陈列良好" in page
    assert "拜访店" not in console.get(f"/admin/visits?staff={other.id}").get_data(as_text=True)
    assert "拜访店" not in console.get("/admin/visits?week=2026-W48").get_data(as_text=True)
    assert console.get("/admin/visits?week=garbage").status_code == 200
    assert "陈列良好" in console.get("/admin/visits?export=csv").get_data().decode("utf-8-sig")


def _summary(console, week):
    page = console.get(f"/admin/visits/summary?week={week}").get_data(as_text=True)
    return page[page.index('data-testid="list-visit_summary"'):]


def test_plan_vs_actual_per_staff_member_for_a_week(console, staff):
    first, second = factories.create_retailer(), factories.create_retailer()
    plan = service.create_plan(staff_id=staff.id, retailer_id=first.id, planned_on=date(2026, 11, 17))
    service.create_plan(staff_id=staff.id, retailer_id=second.id, planned_on=date(2026, 11, 18))
    _visit(staff.id, first.id, plan.id)
    table = _summary(console, "2026-W47")
    row = re.search(rf'<td data-label="[^"]*">{staff.user.name}</td>(.*?)</tr>', table, re.S)[1]
    assert re.findall(r">([^<]*)</td>", row)[:3] == ["2", "1", "50"]
    assert staff.user.name not in _summary(console, "2026-W46")
    assert console.get("/admin/visits/summary?week=bad").status_code == 200


def test_manager_sees_visits_but_cannot_plan(make_console, staff):
    retailer = factories.create_retailer()
    manager = make_console("manager")
    for path in ("/admin/visits", "/admin/visits/plans", "/admin/visits/summary"):
        assert manager.get(path).status_code == 200
    response = manager.post("/admin/visits/plans", {"staff_id": str(staff.id), "retailer_id": str(retailer.id),
                                                    "planned_on": "2026-11-18"})
    assert response.status_code == 403 and _plans() == []
