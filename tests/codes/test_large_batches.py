"""Large imports and exports: refused from their size before parsing, imported in short commits, and a huge
batch's codes CSV written by the background worker (the suite's queue runs tasks at once)."""
import io

from sqlalchemy import func, select, update

from app.codes import batches
from app.codes.models import CodeBatch
from app.extensions import db
from app.products.models import Product

CODES = [f"LG{n:08d}Q" for n in range(20)]


def _upload(api, admin, text, sku):
    data = {"sku": sku, "file": (io.BytesIO(text.encode()), "codes.csv", "text/csv")}
    return api.client.post("/api/v1/admin/code-batches/import", data=data, headers=admin.headers,
                           content_type="multipart/form-data")


def _batches():
    return db.session.scalar(select(func.count()).select_from(CodeBatch))


def test_a_file_larger_than_its_lines_allow_is_refused_from_its_size_with_413(app, api, admin, product):
    app.config.update(CODE_IMPORT_MAX_LINES=5, CODE_IMPORT_LINE_BYTES=20)  # at most 100 bytes
    response = _upload(api, admin, "code\n" + "\n".join(CODES) + "\n", product.sku)
    assert response.status_code == 413 and response.json["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert _batches() == 0


def test_a_file_of_too_many_short_lines_is_refused_before_parsing(app, api, admin, product):
    app.config.update(CODE_IMPORT_MAX_LINES=5, CODE_IMPORT_LINE_BYTES=1000)
    response = _upload(api, admin, "\n".join(["bad!"] * 6) + "\n", product.sku)  # parsed, it would be a 422
    assert response.status_code == 413 and response.json["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "5" in response.json["error"]["message"] and _batches() == 0


def test_an_import_commits_per_chunk_so_another_writer_never_waits_for_it(app, product):
    app.config["CODE_IMPORT_CHUNK"] = 3
    probes = []

    def another_writer(_count):
        # A second connection that will not wait at all: it fails at once if the import holds the write lock.
        with db.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=0")
            try:
                with conn.execution_options(write=True).begin():
                    conn.execute(update(Product).where(Product.id == product.id).values(name=f"规格{len(probes)}"))
            finally:
                if sqlite:
                    conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=30000")
        with db.engine.connect() as conn:
            probes.append(conn.execute(select(CodeBatch.count)).scalar())

    report = batches.import_batch(sku=product.sku, text="\n".join(CODES), progress=another_writer)
    assert report.imported == 20 and len(probes) == 7
    assert probes == [3, 6, 9, 12, 15, 18, 20]  # each chunk was committed, and seen, before the next began


def test_a_retried_import_resumes_into_its_batch_without_calling_its_own_codes_duplicates(app, product):
    first = batches.import_batch(sku=product.sku, text="\n".join(CODES[:8]))
    again = batches.import_batch(sku=product.sku, text="\n".join(CODES), batch_id=first.batch.id)
    assert again.batch.id == first.batch.id and again.imported == 20 and again.duplicates == []
    assert _batches() == 1


def test_a_huge_batch_csv_is_refused_synchronously_and_exported_by_the_worker(app, api, admin, product):
    app.config["CODE_CSV_SYNC_MAX"] = 10
    batch = batches.create_generated(sku=product.sku, count=11)
    refused = api.get(f"/admin/code-batches/{batch.id}/codes.csv", token=admin.token)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "EXPORT_TOO_LARGE"
    assert f"/code-batches/{batch.id}/export" in refused.json["error"]["message"]

    task = api.post(f"/admin/code-batches/{batch.id}/export", token=admin.token)
    assert task.status_code == 202 and task.json["kind"] == "code_export"
    state = api.get(f"/admin/tasks/{task.json['id']}", token=admin.token).json
    assert state["status"] == "done" and state["summary"] == {"batch_id": batch.id, "codes": 11}
    csv = api.get(state["result_url"], token=admin.token).get_data(as_text=True).splitlines()
    assert csv == ["code"] + list(batches.generated_codes(batch))


def test_an_imported_batch_has_no_background_export(app, api, admin, product):
    imported = batches.import_batch(sku=product.sku, text="\n".join(CODES)).batch
    response = api.post(f"/admin/code-batches/{imported.id}/export", token=admin.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "BATCH_NOT_EXPORTABLE"


def test_another_admins_task_and_result_are_not_visible(app, api, admin, product):
    from .. import factories

    batch = batches.create_generated(sku=product.sku, count=3)
    task_id = api.post(f"/admin/code-batches/{batch.id}/export", token=admin.token).json["id"]
    other = factories.create_staff(role="admin")
    from app.auth.tokens import issue_token
    from app.db import transaction

    with transaction():
        token, _ = issue_token(staff_id=other.id)
    assert api.get(f"/admin/tasks/{task_id}", token=token).status_code == 404
    assert api.get(f"/admin/tasks/{task_id}/result", token=token).status_code == 404
