"""Background work runs in its own process: the web app only queues, a real `flask worker` runs it."""
import io

from sqlalchemy import func, select

from app.codes import batches
from app.codes.models import CodeBatch, ImportedCode
from app.extensions import db
from app.tasks.models import Task

from .. import factories
from ..conftest import Api
from .conftest import wait_for

CODES = [f"PL{n:08d}X" for n in range(40)]


def _upload(api, admin, text, sku):
    data = {"sku": sku, "file": (io.BytesIO(text.encode()), "codes.csv", "text/csv")}
    return api.client.post("/api/v1/admin/code-batches/import", data=data, headers=admin.headers,
                           content_type="multipart/form-data")


def test_a_large_import_sent_to_the_api_is_run_by_the_worker_process_in_chunks(app, api, admin, start_worker):
    product = factories.create_product()
    start_worker()
    text = "code\n" + "\n".join(CODES + [CODES[3], "bad!"]) + "\n"
    response = _upload(api, admin, text, product.sku)
    assert response.status_code == 202, response.json
    assert response.json["status"] == "queued" and response.json["kind"] == "code_import"

    state = wait_for(api, admin.token, response.json["id"])
    assert state["status"] == "done", state
    assert state["summary"]["imported"] == 40
    assert (state["summary"]["duplicates"], state["summary"]["errors"]) == (1, 1)
    db.session.rollback()
    batch = db.session.get(CodeBatch, state["summary"]["batch_id"])
    stored = db.session.scalar(select(func.count()).select_from(ImportedCode).where(ImportedCode.batch_id == batch.id))
    assert batch.count == stored == 40 and batch.source == "imported"
    report = api.get(state["result_url"], token=admin.token)
    assert report.status_code == 200
    lines = report.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "line,message" and [line.split(",")[0] for line in lines[1:]] == ["42", "43"]


def test_a_task_queued_while_no_worker_runs_is_done_by_a_worker_started_after_a_web_restart(
        app, api, admin, make_web, start_worker):
    product = factories.create_product()
    batch = batches.create_generated(sku=product.sku, count=25)
    queued = api.post(f"/admin/code-batches/{batch.id}/export", token=admin.token)
    assert queued.status_code == 202 and queued.json["status"] == "queued"
    task_id = queued.json["id"]
    assert api.get(f"/admin/tasks/{task_id}", token=admin.token).json["status"] == "queued"

    # The web process is replaced (a deploy): the task is a message on the queue, not a thread that died.
    restarted = make_web()
    start_worker()
    with restarted.app_context():
        web = Api(restarted.test_client())
        state = wait_for(web, admin.token, task_id)
        assert state["status"] == "done" and state["attempts"] == 1, state
        download = web.get(state["result_url"], token=admin.token)
        assert download.status_code == 200
        lines = download.get_data(as_text=True).splitlines()
        assert lines[0] == "code" and lines[1:] == list(batches.generated_codes(batch))
        assert db.session.get(Task, task_id).result_name == f"batch-{batch.id}.csv"
