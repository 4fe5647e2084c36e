import csv
import io
import zipfile

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from app.codes import batches
from app.codes.codec import ALPHABET
from app.codes.models import CodeBatch, ImportedCode
from app.extensions import db


def decode_qr(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


# --- generation -----------------------------------------------------------------------------

def test_cli_generates_a_batch_csv_and_prints_the_batch_id(runner, product, tmp_path, api, member):
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["codes", "generate", "--sku", product.sku, "--count", "2500", "--output", str(out)])
    assert result.exit_code == 0, result.output
    batch_id = int(result.stdout.strip().splitlines()[-1])
    lines = out.read_text().splitlines()
    assert lines[0] == "code" and len(lines) == 2501 and len(set(lines)) == 2501
    assert all(len(c) == 29 and c.count("-") == 5 for c in lines[1:])
    assert not set("".join(lines[1:]).replace("-", "")) - set(ALPHABET)
    assert db.session.scalar(select(func.count()).select_from(CodeBatch)) == 1  # one row for 2500 codes
    assert db.session.get(CodeBatch, batch_id).count == 2500
    assert api.post("/scans", {"code": lines[1234]}, token=member.token).status_code == 201


def test_cli_refuses_an_unknown_sku(runner, tmp_path, app):
    result = runner.invoke(args=["codes", "generate", "--sku", "NOPE", "--count", "5",
                                 "--output", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "SKU" in result.output


def test_admin_creates_a_batch_and_exports_its_codes_as_csv(api, admin, product, member):
    response = api.post("/admin/code-batches", {"sku": product.sku, "count": 300,
                                                 "valid_until": "2099-12-31T23:59:59+08:00"}, token=admin.token)
    assert response.status_code == 201, response.json
    body = response.json
    assert {k: body[k] for k in ("sku", "count", "status")} == {"sku": product.sku, "count": 300, "status": "active"}
    export = api.get(f"/admin/code-batches/{body['id']}/codes.csv", token=admin.token)
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0] == ["code"] and len(rows) == 301
    assert api.post("/scans", {"code": rows[-1][0]}, token=member.token).status_code == 201


@pytest.mark.parametrize("body, field", [
    ({"count": 0}, "count"), ({"count": 10**9}, "count"),
    ({"valid_from": "2026-02-01T00:00:00+08:00", "valid_until": "2026-01-01T00:00:00+08:00"}, "valid_until"),
])
def test_bad_batch_requests_are_refused(api, admin, product, body, field):
    response = api.post("/admin/code-batches", {"sku": product.sku, "count": 10, **body}, token=admin.token)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_batch_endpoints_are_for_admins(api, staff, member, batch):
    assert api.post("/admin/code-batches", {"sku": "x", "count": 1}, token=staff.token).status_code == 403
    assert api.get(f"/admin/code-batches/{batch.id}/codes.csv", token=member.token).status_code == 403
    assert api.post(f"/admin/code-batches/{batch.id}/void", token=staff.token).status_code == 403
    assert api.get(f"/admin/code-batches/{batch.id}", token=staff.token).status_code == 200


def test_admin_voids_a_batch(api, admin, batch, member, codes):
    first, second = codes(2)
    assert api.post("/scans", {"code": first}, token=member.token).status_code == 201
    response = api.post(f"/admin/code-batches/{batch.id}/void", token=admin.token)
    assert response.status_code == 200 and response.json["status"] == "voided"
    assert api.post("/scans", {"code": second}, token=member.token).json["error"]["code"] == "CODE_NOT_ACTIVE"
    assert api.get("/me", token=member.token).json["points_balance"] == 1  # past credits stand


def test_unknown_batch_is_404(api, admin):
    assert api.get("/admin/code-batches/999/codes.csv", token=admin.token).status_code == 404
    assert api.post("/admin/code-batches/999/void", token=admin.token).status_code == 404


# --- QR -------------------------------------------------------------------------------------

def test_a_code_qr_decodes_to_the_code_and_scans(api, admin, member, code):
    response = api.get(f"/admin/codes/qr.png?code={code}", token=admin.token)
    assert response.status_code == 200 and response.mimetype == "image/png"
    content = decode_qr(response.data)
    assert content == code
    assert api.post("/scans", {"code": content}, token=member.token).status_code == 201


def test_qr_can_carry_an_app_url_that_scanning_unwraps(app, api, admin, member, code):
    app.config["CODE_QR_URL"] = "https://m.example.com/scan?c={code}"
    content = decode_qr(api.get(f"/admin/codes/qr.png?code={code}", token=admin.token).data)
    assert content == f"https://m.example.com/scan?c={code}"
    assert api.post("/scans", {"code": content}, token=member.token).status_code == 201


def test_qr_of_a_malformed_code_is_refused(api, admin):
    response = api.get("/admin/codes/qr.png?code=AB%21", token=admin.token)
    assert response.status_code == 422 and response.json["error"]["code"] == "CODE_MALFORMED"


def test_print_proofs_zip_holds_the_first_n_codes_as_qr_pngs(api, admin, batch, codes):
    response = api.get(f"/admin/code-batches/{batch.id}/proofs.zip?count=5", token=admin.token)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 5
    expected = codes(5)
    assert [decode_qr(archive.read(n)) for n in names] == expected
    assert names[0] == f"0000000_{expected[0]}.png"


# --- imported batches -----------------------------------------------------------------------

def upload(api, admin, text, sku, **form):
    data = {"sku": sku, **form, "file": (io.BytesIO(text.encode()), "codes.csv", "text/csv")}
    return api.client.post("/api/v1/admin/code-batches/import", data=data, headers=admin.headers,
                           content_type="multipart/form-data")


def test_import_stores_hashes_and_reports_duplicates_and_bad_lines_by_line(api, admin, product, member,
                                                                           other_member):
    text = "code\nAB12CD34EF56\nzz99-yy88-xx77\nAB12CD34EF56\nbad!\n\nshort\n"
    response = upload(api, admin, text, product.sku)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["imported"] == 2 and body["batch"]["count"] == 2 and body["batch"]["source"] == "imported"
    assert [d["line"] for d in body["duplicates"]] == [4]
    assert [e["line"] for e in body["errors"]] == [5, 7]
    stored = db.session.scalars(select(ImportedCode.code_hash)).all()
    assert len(stored) == 2 and all(len(h) == 64 and "AB12" not in h for h in stored)
    # Scanning normalises imported codes too.
    assert api.post("/scans", {"code": "ab12 cd34 ef56"}, token=member.token).status_code == 201
    assert api.post("/scans", {"code": "ZZ99YY88XX77"}, token=member.token).status_code == 201
    again = api.post("/scans", {"code": "AB12-CD34-EF56"}, token=other_member.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "CODE_ALREADY_USED"
    unknown = api.post("/scans", {"code": "QQ12CD34EF56"}, token=member.token)
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "CODE_INVALID"


def test_codes_are_unique_across_imported_batches(api, admin, product):
    assert upload(api, admin, "AAAA1111\nBBBB2222\n", product.sku).status_code == 201
    second = upload(api, admin, "bbbb2222\nCCCC3333\n", product.sku)
    assert second.status_code == 201
    assert second.json["imported"] == 1
    assert second.json["duplicates"] == [{"line": 1, "message": second.json["duplicates"][0]["message"]}]


def test_import_with_nothing_new_is_refused_and_creates_no_batch(api, admin, product):
    upload(api, admin, "AAAA1111\n", product.sku)
    response = upload(api, admin, "AAAA1111\n???\n", product.sku)
    assert response.status_code == 422 and response.json["error"]["code"] == "NOTHING_IMPORTED"
    assert response.json["error"]["duplicates"][0]["line"] == 1
    assert db.session.scalar(select(func.count()).select_from(CodeBatch)) == 1


def test_import_refuses_codes_shaped_like_our_generated_ones(api, admin, product, code):
    response = upload(api, admin, f"{code}\nAAAA1111\n", product.sku)
    assert response.status_code == 201 and [e["line"] for e in response.json["errors"]] == [1]


def test_imported_batch_cannot_be_exported(api, admin, product):
    batch_id = upload(api, admin, "AAAA1111\n", product.sku).json["batch"]["id"]
    response = api.get(f"/admin/code-batches/{batch_id}/codes.csv", token=admin.token)
    assert response.status_code == 409 and response.json["error"]["code"] == "BATCH_NOT_EXPORTABLE"


def test_import_needs_multipart(api, admin, product):
    response = api.post("/admin/code-batches/import", {"sku": product.sku}, token=admin.token)
    assert response.status_code == 415


def test_cli_imports_a_csv(runner, product, tmp_path):
    path = tmp_path / "line.csv"
    path.write_text("code\nAAAA1111\nAAAA1111\n")
    result = runner.invoke(args=["codes", "import", "--sku", product.sku, str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 1, duplicates 1" in result.stdout


def test_a_ten_million_code_batch_is_one_row_and_its_last_code_scans(api, admin, product, member):
    response = api.post("/admin/code-batches", {"sku": product.sku, "count": 10_000_000}, token=admin.token)
    assert response.status_code == 201
    batch = db.session.get(CodeBatch, response.json["id"])
    assert db.session.scalar(select(func.count()).select_from(CodeBatch)) == 1
    assert db.session.scalar(select(func.count()).select_from(ImportedCode)) == 0
    last = next(batches.generated_codes(batch, start=9_999_999))
    assert api.post("/scans", {"code": last}, token=member.token).status_code == 201
