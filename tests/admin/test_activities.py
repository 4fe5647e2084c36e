"""Activities in the console: list, create, detail with records, cancel, effect check once ended."""
from datetime import timedelta

from sqlalchemy import select

from app.activities import service
from app.activities.models import Activity
from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import local_today
from tests import factories


def _create(days_from_today=0, length=3, **overrides):
    start = local_today() + timedelta(days=days_from_today)
    data = {"name": "买烟送火机", "type": "buy_gift", "region_code": "440106", "starts_on": start,
            "ends_on": start + timedelta(days=length), "strategy": None, "standard": "每店 20 条",
            "item_budget": "500.00", "product_ids": [], "retailer_ids": [], "staff_ids": []}
    data.update(overrides)
    return service.create_activity(data)


def _activities():
    db.session.expire_all()
    return db.session.scalars(select(Activity)).all()


def test_admin_creates_an_activity_with_products_retailers_and_staff(console, staff):
    product, retailer = factories.create_product(), factories.create_retailer()
    form = console.get("/admin/activities/new")
    assert form.status_code == 200 and product.name in form.get_data(as_text=True)
    response = console.post("/admin/activities/new", {
        "name": "品鉴会", "type": "tasting", "region_code": "440100", "starts_on": "2026-12-01",
        "ends_on": "2026-12-07", "product_ids": [str(product.id)], "retailer_ids": f"{retailer.id}",
        "staff_ids": [str(staff.id)], "item_budget": "800", "standard": "到场 50 人"})
    assert response.status_code == 302
    [activity] = _activities()
    assert activity.name == "品鉴会" and [r.id for r in activity.retailers] == [retailer.id]
    assert [s.id for s in activity.staff] == [staff.id] and str(activity.item_budget) == "800.00"
    page = console.get(response.location).get_data(as_text=True)
    assert "品鉴会" in page and "到场 50 人" in page
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "activity.create"))


def test_bad_activity_input_is_shown_and_nothing_is_created(console):
    page = console.post("/admin/activities/new", {"name": "x", "type": "tasting", "region_code": "999999",
                                                  "starts_on": "2026-12-07", "ends_on": "2026-12-01",
                                                  "retailer_ids": "999999"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "GB/T 2260" in text and 'value="x"' in text
    page = console.post("/admin/activities/new", {"name": "y", "type": "tasting", "region_code": "440106",
                                                  "starts_on": "2026-12-01", "ends_on": "2026-12-07",
                                                  "retailer_ids": "999999"})
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    assert _activities() == []


def test_list_shows_activities_and_exports(console):
    _create(name="陈列活动")
    assert "陈列活动" in console.get("/admin/activities").get_data(as_text=True)
    assert "陈列活动" in console.get("/admin/activities?export=csv").get_data().decode("utf-8-sig")


def test_cancel_a_running_activity_but_not_an_ended_one(console):
    running, ended = _create(), _create(days_from_today=-10, length=2)
    assert console.post(f"/admin/activities/{running.id}/cancel").status_code == 302
    db.session.expire_all()
    assert running.status == "cancelled"
    page = console.post(f"/admin/activities/{ended.id}/cancel", follow_redirects=True)
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "activity.cancel")).all()
    assert actions == ["activity.cancel"]


def test_effect_check_shows_once_the_activity_has_ended(console, staff):
    ended, running = _create(days_from_today=-10, length=2), _create()
    record_activity = _create(days_from_today=-1, length=3, staff_ids=[staff.id])
    service.add_record(activity_id=record_activity.id, staff_id=staff.id, note="门店热闹", attendees=30, packs_sold=12)
    page = console.get(f"/admin/activities/{ended.id}").get_data(as_text=True)
    assert 'data-testid="activity-effect"' in page
    assert 'data-testid="activity-effect"' not in console.get(f"/admin/activities/{running.id}").get_data(as_text=True)
    page = console.get(f"/admin/activities/{record_activity.id}").get_data(as_text=True)
    assert "门店热闹" in page and "<td>30</td>" in page
    assert console.get("/admin/activities/999999").status_code == 404


def test_manager_reads_activities_but_cannot_create_or_cancel(make_console):
    activity = _create()
    manager = make_console("manager")
    assert manager.get(f"/admin/activities/{activity.id}").status_code == 200
    assert manager.post(f"/admin/activities/{activity.id}/cancel").status_code == 403
    assert manager.post("/admin/activities/new", {"name": "z"}).status_code == 403
    assert len(_activities()) == 1 and _activities()[0].status == "planned"
