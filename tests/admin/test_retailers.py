"""Retailers in the console: list with filters and export, create, edit, CSV import (both modes, background)."""
import csv
import io

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.retailers.models import Retailer
from tests import factories
from .conftest import wait_for_task

HEADER = "licence_no,name,region_code,format,is_sample\n"


def _count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Retailer))


def _actions(prefix="retailer."):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like(prefix + "%"))
                              .order_by(AuditEvent.id)).all()


def _upload(console, text, mode="all_or_nothing", encoding="utf-8"):
    return console.post("/admin/retailers/import", {"file": (io.BytesIO(text.encode(encoding)), "list.csv"),
                                                     "mode": mode}, content_type="multipart/form-data")


def test_retailer_list_filters_by_class_format_and_sample(console):
    factories.create_retailer(name="核心样本店", customer_class="core", is_sample=True)
    factories.create_retailer(name="一般便利店", customer_class="general", format="convenience", is_sample=False)
    page = console.get("/admin/retailers?customer_class=core&sample=yes").get_data(as_text=True)
    assert "核心样本店" in page and "一般便利店" not in page
    page = console.get("/admin/retailers?format=convenience&market_type=urban").get_data(as_text=True)
    assert "一般便利店" in page and "核心样本店" not in page
    page = console.get("/admin/retailers?region=440000&sort=name").get_data(as_text=True)
    assert "核心样本店" in page and "一般便利店" in page
    assert "一般便利店" not in console.get("/admin/retailers?region=110000").get_data(as_text=True)


def test_retailer_list_exports_csv_with_its_filter_and_is_audited(console):
    factories.create_retailer(name="甲店", is_sample=True)
    factories.create_retailer(name="乙店", is_sample=False)
    response = console.get("/admin/retailers?sample=no&export=csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    assert "乙店" in text and "甲店" not in text
    assert _actions("export") == ["export"]


def test_admin_creates_a_retailer_and_it_is_audited(console):
    response = console.post("/admin/retailers/new", {"licence_no": "440106000001", "name": "天河烟酒",
                                                      "region_code": "440106", "format": "tobacco_liquor",
                                                      "market_type": "urban", "district_type": "commercial",
                                                      "customer_class": "key", "is_sample": "y",
                                                      "lat": "23.135", "lon": "113.327"})
    assert response.status_code == 302
    retailer = db.session.scalar(select(Retailer).where(Retailer.licence_no == "440106000001"))
    assert retailer.is_sample and retailer.customer_class == "key" and float(retailer.lat) == 23.135
    assert _actions() == ["retailer.create"]


def test_a_bad_region_half_coordinates_or_taken_licence_is_shown_not_saved(console):
    taken = factories.create_retailer()
    base = {"name": "店", "format": "other", "market_type": "urban", "district_type": "other",
            "customer_class": "general"}
    page = console.post("/admin/retailers/new", {**base, "licence_no": "A1", "region_code": "999999"})
    assert page.status_code == 200 and "has-error" in page.get_data(as_text=True)
    page = console.post("/admin/retailers/new", {**base, "licence_no": "A2", "region_code": "440106", "lat": "23"})
    assert page.status_code == 200 and "has-error" in page.get_data(as_text=True)
    page = console.post("/admin/retailers/new", {**base, "licence_no": taken.licence_no, "region_code": "440106"})
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    assert _count() == 1 and _actions() == []


def test_admin_edits_and_closes_a_retailer_with_before_and_after_in_the_audit(console):
    retailer = factories.create_retailer(name="旧名")
    form = console.get(f"/admin/retailers/{retailer.id}/edit")
    assert form.status_code == 200 and "旧名" in form.get_data(as_text=True)
    response = console.post(f"/admin/retailers/{retailer.id}/edit", {
        "licence_no": retailer.licence_no, "name": "新名", "region_code": "440106", "format": "grocery",
        "market_type": "rural", "district_type": "school", "customer_class": "general", "status": "closed",
        "lat": "23.1", "lon": "113.3"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (retailer.name, retailer.status, retailer.market_type) == ("新名", "closed", "rural")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retailer.update"))
    assert event.before["name"] == "旧名" and event.after["name"] == "新名"


def test_unknown_retailer_is_a_404_page(console):
    assert console.get("/admin/retailers/999999/edit").status_code == 404


def test_import_all_or_nothing_reports_bad_lines_and_imports_nothing(console):
    text = HEADER + "L1,好店,440106,食杂店,是\nL2,,440106,grocery,0\nL3,坏区,999999,grocery,0\n"
    page = _upload(console, text).get_data(as_text=True)
    assert 'data-testid="import-errors"' in page
    assert "<td>3</td>" in page and "<td>4</td>" in page and "<td>2</td>" not in page
    assert _count() == 0 and _actions() == []


def test_import_good_rows_keeps_the_good_ones_and_lists_the_rest(console):
    text = HEADER + "L1,好店,440106,食杂店,是\nL2,,440106,grocery,0\nL1,重复,440106,grocery,0\n"
    page = _upload(console, text, mode="good_rows").get_data(as_text=True)
    assert "<td>3</td>" in page and "<td>4</td>" in page
    assert _count() == 1
    assert db.session.scalar(select(Retailer)).format == "grocery"
    assert _actions() == ["retailer.import"]


def test_import_reads_gb18030_and_refuses_a_missing_file(console):
    page = _upload(console, HEADER + "G1,广式烟酒,440106,烟酒商店,否\n", encoding="gb18030")
    assert page.status_code == 200 and _count() == 1
    response = console.post("/admin/retailers/import", {"mode": "good_rows"}, content_type="multipart/form-data")
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)



def test_a_large_import_runs_in_the_background_with_a_downloadable_error_report(console, app):
    app.config["RETAILER_IMPORT_SYNC_MAX_BYTES"] = 100
    rows = "".join(f"B{n},店{n},440106,grocery,0\n" for n in range(30)) + "BAD,,440106,grocery,0\n"
    response = _upload(console, HEADER + rows, mode="good_rows")
    assert response.status_code == 302 and "/admin/tasks/" in response.location
    state = wait_for_task(console, response.location + ".json")
    assert state["status"] == "done", state
    assert state["summary"] == {"imported": 30, "errors": 1, "rejected": False}
    report = list(csv.reader(io.StringIO(console.get(state["download_url"]).get_data().decode("utf-8-sig"))))
    assert report[0] == ["line", "message"] and report[1][0] == "32"
    assert _count() == 30 and _actions("retailer.import") == ["retailer.import.start", "retailer.import"]
    done = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retailer.import")).one()
    # The worker records under the admin who started the import, through the door they used.
    assert (done.actor_id, done.source) == (console.admin.id, "console")


def test_manager_reads_retailers_but_cannot_change_them(make_console):
    retailer = factories.create_retailer(name="只读店")
    manager = make_console("manager")
    assert "只读店" in manager.get("/admin/retailers").get_data(as_text=True)
    assert manager.get(f"/admin/retailers/{retailer.id}/edit").status_code == 200
    assert manager.post("/admin/retailers/new", {"licence_no": "M1", "name": "x",
                                                 "region_code": "440106"}).status_code == 403
    assert _upload(manager, HEADER + "M2,店,440106,grocery,0\n").status_code == 403
    assert _count() == 1


def test_a_post_without_csrf_token_is_refused(console):
    response = console.post("/admin/retailers/new", {"licence_no": "C1", "name": "x", "region_code": "440106"},
                            csrf=False)
    assert response.status_code in (400, 403) and _count() == 0
