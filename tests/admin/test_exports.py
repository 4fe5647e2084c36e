"""List export (?export=csv|xlsx) and the background export with progress."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import transaction, utcnow
from app.extensions import db
from app.admin.export import cell
from app.tasks import service as tasks
from app.tasks.models import Task
from .conftest import wait_for_task


def _csv_rows(response):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_member_list_exports_to_csv_with_its_filters_and_masked_phones(console, make_member):
    wang = make_member(real_name="王小明")
    make_member(real_name="赵六")
    response = console.get("/admin/members?q=王小&export=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese right
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert len(header) == 9 and len(rows) == 1
    assert wang.member.masked_phone in rows[0] and wang.member.phone not in ",".join(rows[0])


def test_member_list_exports_to_xlsx(console, make_member):
    handles = [make_member() for _ in range(3)]
    response = console.get("/admin/members?export=xlsx&sort=id")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert [r[0] for r in rows[1:]] == [h.id for h in handles]


def test_export_is_audited(console, member):
    console.get("/admin/members?export=csv")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.target_type == "members" and event.note.startswith("csv 1 rows")


def test_staff_and_audit_lists_export_too(console):
    assert len(_csv_rows(console.get("/admin/staff?export=csv"))) == 2
    assert console.get("/admin/audit?export=xlsx").status_code == 200


def test_a_list_too_long_for_the_request_points_to_the_background_export(console, make_member, app):
    app.config["EXPORT_SYNC_MAX_ROWS"] = 1
    make_member(), make_member()
    response = console.get("/admin/members?export=csv")
    assert response.status_code == 302 and "export=" not in response.location


def test_spreadsheet_formulas_are_neutralised():
    assert cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell("-1+2") == "'-1+2"
    assert cell(-5) == -5 and cell("张三") == "张三"


@pytest.mark.parametrize("attack", [
    "＝HYPERLINK(\"http://evil.example\")", "＋1+1", "－2+3", "＠SUM(A1)",  # full-width leaders (an IME types them)
    ";=1", "|calc", "  =1+1", "\u3000＝1", " \t@SUM(A1)", "\t=1", "\r+1", " -2+3",
])
def test_formula_leaders_full_width_separators_and_leading_blanks_are_neutralised(attack):
    assert cell(attack) == "'" + attack


@pytest.mark.parametrize("harmless", ["张三", " 张三", "138****8000", "a=b", "1;2", "", "  "])
def test_text_that_does_not_start_like_a_formula_is_kept(harmless):
    assert cell(harmless) == harmless


def test_a_member_named_like_a_formula_is_text_in_both_exports(console, make_member):
    attack = "＝cmd|' /C calc'!A0"  # a DDE call, within the name's 30 characters
    make_member(real_name=attack)
    header, row = _csv_rows(console.get("/admin/members?export=csv"))
    assert row[header.index("姓名")] == "'" + attack
    sheet = load_workbook(io.BytesIO(console.get("/admin/members?export=xlsx").get_data())).active
    assert sheet["C2"].value == "'" + attack and sheet["C2"].data_type == "s"



def test_background_export_reports_progress_and_delivers_the_file(console, make_member):
    handles = [make_member() for _ in range(5)]
    response = console.post("/admin/exports/members?sort=id&q=139", {"format": "xlsx"})
    assert response.status_code == 302
    task_url = response.location
    page = console.get(task_url)
    assert page.status_code == 200 and 'data-task-url' in page.get_data(as_text=True)
    state = wait_for_task(console, task_url + ".json")
    assert state["status"] == "done" and state["percent"] == 100
    assert state["done"] == state["total"] == 5 and state["summary"] == {"rows": 5}
    download = console.get(state["download_url"])
    sheet = load_workbook(io.BytesIO(download.get_data())).active
    assert [r[0] for r in list(sheet.iter_rows(values_only=True))[1:]] == [h.id for h in handles]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "task")).all()
    assert actions == ["export.start", "export.download"]


def test_another_admins_task_is_not_visible(console, make_console, member):
    task_url = console.post("/admin/exports/members", {"format": "csv"}).location
    wait_for_task(console, task_url + ".json")
    other = make_console("admin")
    assert other.get(task_url).status_code == 404
    assert other.get(task_url + "/download").status_code == 404


def test_a_failing_task_is_reported_failed(console, app):
    @tasks.task_kind("test_explodes")
    def explodes(ctx):
        ctx.set_total(3)
        ctx.advance()
        raise tasks.TaskFailed("line 2: bad licence number")

    task = tasks.submit("test_explodes", {}, created_by=console.admin.id)
    state = wait_for_task(console, f"/admin/tasks/{task.id}.json")
    assert state["status"] == "failed" and state["error"] == "line 2: bad licence number"
    assert state["download_url"] is None


def test_a_task_whose_worker_died_runs_again_until_its_attempts_are_spent(app, admin, member):
    old = utcnow() - timedelta(minutes=app.config["TASK_STALE_MINUTES"] + 1)
    export = {"list_name": "members", "args": {}, "fmt": "csv"}
    with transaction():
        for attempts, heartbeat in ((1, old), (app.config["TASK_MAX_ATTEMPTS"], old), (1, utcnow())):
            db.session.add(Task(kind="list_export", params=export, status="running", done=3, attempts=attempts,
                                created_by=admin.id, created_at=old, heartbeat_at=heartbeat))
    assert tasks.reap_stale() == 2
    assert tasks.reap_stale() == 0
    rows = db.session.execute(select(Task.status, Task.error, Task.attempts).order_by(Task.id)).all()
    # The first ran again (here at once: the suite's queue is immediate); the second had no attempt left.
    assert [tuple(r) for r in rows] == [("done", None, 2), ("failed", "interrupted", 3), ("running", None, 1)]


def test_old_result_files_are_deleted(console, member, app):
    task_url = console.post("/admin/exports/members", {"format": "csv"}).location
    state = wait_for_task(console, task_url + ".json")
    task = db.session.get(Task, state["id"])
    assert tasks.has_result(task) and console.get(task_url + "/download").status_code == 200
    assert tasks.purge_results(now=utcnow() + timedelta(days=app.config["TASK_RESULT_DAYS"] + 1)) == 1
    assert not tasks.has_result(db.session.get(Task, task.id, populate_existing=True))
    assert console.get(task_url + ".json").get_json()["download_url"] is None
    assert console.get(task_url + "/download").status_code == 404


def test_manager_may_export_in_the_background(make_console, member):
    manager = make_console("manager")
    response = manager.post("/admin/exports/members", {"format": "csv"})
    assert response.status_code == 302
    assert wait_for_task(manager, response.location + ".json")["status"] == "done"


def test_a_failing_run_is_retried_and_a_task_that_keeps_failing_stops_at_its_attempt_limit(console, app):
    runs = []

    @tasks.task_kind("test_flaky")
    def flaky(ctx):
        runs.append(ctx.attempt)
        if ctx.attempt == 1:
            raise ConnectionError("the database went away")
        return {"attempt": ctx.attempt}

    @tasks.task_kind("test_broken")
    def broken(ctx):
        runs.append(ctx.attempt)
        raise ValueError("always")

    flaky_state = wait_for_task(console, f"/admin/tasks/{tasks.submit('test_flaky', {}, created_by=console.admin.id).id}.json")
    assert flaky_state["status"] == "done" and flaky_state["summary"] == {"attempt": 2} and runs == [1, 2]
    runs.clear()
    task = tasks.submit("test_broken", {}, created_by=console.admin.id)
    state = wait_for_task(console, f"/admin/tasks/{task.id}.json")
    assert state["status"] == "failed" and state["error"] == "ValueError"
    assert runs == list(range(1, app.config["TASK_MAX_ATTEMPTS"] + 1))
    assert db.session.get(Task, task.id, populate_existing=True).attempts == app.config["TASK_MAX_ATTEMPTS"]


def test_a_message_delivered_twice_runs_the_task_once(console, member):
    task_url = console.post("/admin/exports/members", {"format": "csv"}).location
    task_id = wait_for_task(console, task_url + ".json")["id"]
    tasks.run(task_id)  # the queue delivered the same message again
    task = db.session.get(Task, task_id, populate_existing=True)
    assert task.status == "done" and task.attempts == 1
