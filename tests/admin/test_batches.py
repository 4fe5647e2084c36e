"""Code batches in the console: generate (background task with the codes CSV), import, void, downloads."""
import csv
import io
import zipfile

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.codes import batches
from app.codes.models import CodeBatch
from app.extensions import db
from tests import factories
from .conftest import wait_for_task



def _batches():
    db.session.rollback()  # the task committed on another connection
    db.session.expire_all()
    return db.session.scalars(select(CodeBatch).order_by(CodeBatch.id)).all()


def _actions():
    db.session.rollback()
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def _generated(sku="GEN-1", count=3):
    factories.create_product(sku=sku) if sku == "GEN-1" else None
    return batches.create_generated(sku=sku, count=count)


def test_generating_a_batch_runs_as_a_task_and_delivers_its_codes_csv(console):
    product = factories.create_product(sku="GEN-1")
    response = console.post("/admin/code-batches/new", {"product_id": str(product.id), "count": "12000",
                                                        "valid_from": "2027-01-01T00:00", "note": "一号线"})
    assert response.status_code == 302 and "/admin/tasks/" in response.location
    state = wait_for_task(console, response.location + ".json")
    assert state["status"] == "done" and state["percent"] == 100 and state["done"] == 12000
    (batch,) = _batches()
    assert batch.count == 12000 and batch.product_id == product.id and batch.note == "一号线"
    assert state["summary"] == {"batch_id": batch.id, "codes": 12000}
    rows = list(csv.reader(io.StringIO(console.get(state["download_url"]).get_data(as_text=True))))
    assert rows[0] == ["code"] and len(rows) == 12001
    assert rows[1][0] == next(iter(batches.generated_codes(batch, count=1)))
    assert {"batch.generate.start", "batch.generate"} <= set(_actions())
    assert "GEN-1" in console.get("/admin/code-batches").get_data(as_text=True)


def test_generate_form_errors_are_shown_and_nothing_starts(console):
    product = factories.create_product(sku="GEN-1")
    response = console.post("/admin/code-batches/new", {"product_id": str(product.id), "count": "0"})
    assert response.status_code == 200 and 'class="field-error"' in response.get_data(as_text=True)
    response = console.post("/admin/code-batches/new", {"product_id": str(product.id), "count": "5",
                                                        "valid_from": "2027-02-01T00:00",
                                                        "valid_until": "2027-01-01T00:00"})
    assert response.status_code == 200 and _batches() == []
    assert console.post("/admin/code-batches/new", {"count": "5"}).status_code == 200
    response = console.post("/admin/code-batches/new", {"product_id": "99999", "count": "5"})
    assert response.status_code == 200 and 'class="field-error"' in response.get_data(as_text=True)
    assert _batches() == [] and "batch.generate.start" not in _actions()


def test_importing_a_printing_line_csv_reports_bad_and_duplicate_lines_by_number(console):
    product = factories.create_product(sku="IMP-1")
    text = "code\nABCDEF123456\nshort\nABCDEF123456\nXYZXYZ987654\n"
    response = console.post("/admin/code-batches/import",
                            {"product_id": str(product.id), "file": (io.BytesIO(text.encode()), "line.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (batch,) = _batches()
    assert batch.source == "imported" and batch.count == 2
    problems = page[page.index('data-testid="import-problems"'):]
    assert "<td>3</td>" in problems and "<td>4</td>" in problems
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.import"))
    assert event.target_id == str(batch.id)


def test_an_import_with_nothing_new_is_a_message_not_a_batch(console):
    product = factories.create_product(sku="IMP-1")
    response = console.post("/admin/code-batches/import",
                            {"product_id": str(product.id), "file": (io.BytesIO(b"code\nbad\n"), "x.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 200 and _batches() == []
    page = response.get_data(as_text=True)
    assert "flash-error" in page and "<td>2</td>" in page


def test_voiding_a_batch_stops_its_codes_and_is_audited(console, api, member):
    batch = _generated()
    code = next(iter(batches.generated_codes(batch, count=1)))
    response = console.post(f"/admin/code-batches/{batch.id}/void", follow_redirects=True)
    assert response.status_code == 200
    assert _batches()[0].status == "voided"
    assert api.post("/scans", {"code": code}, token=member.token).json["error"]["code"] == "CODE_NOT_ACTIVE"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.void"))
    assert event.target_id == str(batch.id) and "voided" in str(event.after)


def test_batch_detail_downloads_codes_proofs_and_a_qr_sheet(console):
    batch = _generated(count=5)
    detail = console.get(f"/admin/code-batches/{batch.id}")
    assert detail.status_code == 200 and "GEN-1" in detail.get_data(as_text=True)
    rows = console.get(f"/admin/code-batches/{batch.id}/codes.csv").get_data(as_text=True).splitlines()
    assert rows[0] == "code" and len(rows) == 6
    archive = zipfile.ZipFile(io.BytesIO(console.get(f"/admin/code-batches/{batch.id}/proofs.zip?count=3").data))
    assert len(archive.namelist()) == 3
    sheet = console.get(f"/admin/code-batches/{batch.id}/sheet?count=2").get_data(as_text=True)
    assert sheet.count("<img ") == 2 and rows[1] in sheet
    image = console.get(f"/admin/code-batches/{batch.id}/qr/1.png")
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert console.get(f"/admin/code-batches/{batch.id}/qr/5.png").status_code == 404
    assert _actions().count("batch.download") == 1 and _actions().count("batch.proofs") == 2


def test_imported_batches_cannot_be_downloaded_and_say_why(console):
    product = factories.create_product(sku="IMP-1")
    report = batches.import_batch(sku="IMP-1", text="ABCDEF123456\n")
    assert product.id == report.batch.product_id
    response = console.get(f"/admin/code-batches/{report.batch.id}/codes.csv", follow_redirects=True)
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)


def test_batch_list_filters_by_status_and_exports(console):
    voided = _generated()
    batches.void_batch(voided.id)
    active = batches.create_generated(sku="GEN-1", count=2)
    page = console.get("/admin/code-batches?status=voided").get_data(as_text=True)
    assert f"/admin/code-batches/{voided.id}\"" in page and f"/admin/code-batches/{active.id}\"" not in page
    rows = list(csv.reader(io.StringIO(console.get("/admin/code-batches?export=csv").get_data()
                                       .decode("utf-8-sig"))))
    assert len(rows) == 3


def test_manager_sees_batches_but_cannot_change_or_download_codes(make_console):
    batch = _generated()
    manager = make_console("manager")
    assert manager.get("/admin/code-batches").status_code == 200
    assert manager.get(f"/admin/code-batches/{batch.id}").status_code == 200
    assert manager.post(f"/admin/code-batches/{batch.id}/void").status_code == 403
    assert manager.post("/admin/code-batches/new", {"product_id": "1", "count": "1"}).status_code == 403
    assert manager.get(f"/admin/code-batches/{batch.id}/codes.csv").status_code == 403
    assert manager.get(f"/admin/code-batches/{batch.id}/sheet").status_code == 403
    assert _batches()[0].status == "active" and len(_batches()) == 1


def test_a_void_without_csrf_changes_nothing(console):
    batch = _generated()
    assert console.post(f"/admin/code-batches/{batch.id}/void", csrf=False).status_code in (400, 403)
    assert _batches()[0].status == "active"


def test_an_unknown_batch_is_a_404_page(console):
    assert console.get("/admin/code-batches/99999").status_code == 404


def test_a_generation_task_whose_product_is_gone_fails_with_a_readable_message(console):
    from app.tasks import service as tasks

    task = tasks.submit("code_batch", {"sku": "GONE", "count": 5}, created_by=console.admin.id)
    state = wait_for_task(console, f"/admin/tasks/{task.id}.json")
    assert state["status"] == "failed" and state["error"] != "NotFound" and _batches() == []


def test_a_large_console_import_runs_in_the_background_with_its_report_as_the_download(console, app):
    app.config["CODE_IMPORT_SYNC_LINES"] = 3
    product = factories.create_product(sku="IMP-2")
    text = "code\n" + "\n".join(f"BG{n:08d}Z" for n in range(6)) + "\nshort\n"
    response = console.post("/admin/code-batches/import",
                            {"product_id": str(product.id), "file": (io.BytesIO(text.encode()), "big.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 302 and "/admin/tasks/" in response.location
    state = wait_for_task(console, response.location + ".json")
    assert state["status"] == "done" and state["summary"]["imported"] == 6 and state["summary"]["errors"] == 1
    report = console.get(state["download_url"]).get_data().decode("utf-8-sig").splitlines()
    assert report[0] == "line,message" and report[1].startswith("8,")
    (batch,) = _batches()
    assert batch.count == 6
    assert {"batch.import.start", "batch.import"} <= set(_actions())


def test_a_huge_batch_is_exported_in_the_background_from_its_page(console, app):
    app.config["CODE_CSV_SYNC_MAX"] = 2
    batch = _generated(count=3)
    page = console.get(f"/admin/code-batches/{batch.id}").get_data(as_text=True)
    assert 'data-testid="codes-csv"' not in page and f"/code-batches/{batch.id}/export" in page
    refused = console.get(f"/admin/code-batches/{batch.id}/codes.csv")
    assert refused.status_code == 302 and "batch.download" not in _actions()
    response = console.post(f"/admin/code-batches/{batch.id}/export")
    assert response.status_code == 302 and "/admin/tasks/" in response.location
    state = wait_for_task(console, response.location + ".json")
    lines = console.get(state["download_url"]).get_data(as_text=True).splitlines()
    assert lines == ["code"] + list(batches.generated_codes(batch))
