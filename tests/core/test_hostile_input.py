"""Input no client would send on purpose still gets an answer in the envelope, never a 500, and changes nothing."""
import io

import pytest
from sqlalchemy import func, select

from app.codes.models import CodeBatch
from app.extensions import db
from app.members.models import Member
from app.retailers.models import Retailer

from .. import factories
from ..factories import sign_up_body

LONE_SURROGATE = "\ud800"


def _raw_json(api, path, text, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.client.post(f"/api/v1{path}", data=text.encode("ascii"), headers=headers)


@pytest.mark.parametrize("body", ['{"a":' * 5000, '{"a":' * 5000 + "1" + "}" * 5000, "[" * 50000 + "]" * 50000])
def test_json_nested_past_the_parser_limit_is_malformed_json(api, body):
    response = _raw_json(api, "/members", body)
    assert response.status_code == 400 and response.json["error"]["code"] == "MALFORMED_JSON"


def test_json_nested_deep_but_parseable_is_a_field_error(api):
    response = _raw_json(api, "/auth/login", '{"phone": ' + "[" * 500 + "]" * 500 + ', "password": "x"}')
    assert response.status_code == 422 and "phone" in response.json["error"]["fields"]


@pytest.mark.parametrize("path, body", [
    ("/auth/login", '{"phone": "13800000013", "password": "\\ud800"}'),
    ("/staff/login", '{"username": "\\ud800", "password": "x"}'),
    ("/staff/login", '{"\\udfff": 1, "username": "u", "password": "x"}'),
])
def test_a_lone_surrogate_in_json_is_refused_as_a_field_error(api, path, body):
    response = _raw_json(api, path, body)
    assert response.status_code == 422 and response.json["error"]["code"] == "VALIDATION_ERROR"
    assert response.json["error"]["fields"]


def test_sign_up_with_a_lone_surrogate_creates_no_member(api):
    import json

    body = json.dumps({**sign_up_body(), "password": f"Secret#{LONE_SURROGATE}x2026"})  # ensure_ascii: \ud800
    response = _raw_json(api, "/members", body)
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["password"]
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0


def test_admin_writes_with_a_lone_surrogate_are_refused(api, admin):
    response = _raw_json(api, "/admin/products", '{"sku": "S1", "name": "\\ud800", "brand": "b", '
                                                 '"pack_price": "1.00", "carton_price": "10.00"}', admin.token)
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["name"]


def test_a_validator_message_is_one_sentence_not_its_characters(api, admin):
    body = {"sku": "S1", "name": "n", "brand": "b", "pack_price": "-1", "carton_price": "10.00"}
    messages = api.post("/admin/products", body, token=admin.token).json["error"]["fields"]["pack_price"]
    assert len(messages) == 1 and len(messages[0]) > 5


def _upload(api, admin, path, content, **form):
    data = {**form, "file": (io.BytesIO(content), "file.csv", "text/csv")}
    return api.client.post(f"/api/v1{path}", data=data, headers=admin.headers, content_type="multipart/form-data")


HUGE_FIELD = b"code\n" + b"X" * 140_000 + b"\n"


def test_a_code_import_with_an_oversized_field_names_its_line(api, admin):
    product = factories.create_product()
    response = _upload(api, admin, "/admin/code-batches/import", HUGE_FIELD, sku=product.sku)
    assert response.status_code == 422 and "2" in response.json["error"]["fields"]["file"][0]
    assert db.session.scalar(select(func.count()).select_from(CodeBatch)) == 0


def test_a_retailer_import_with_a_nul_character_imports_nothing(api, admin):
    text = ("licence_no,name,region_code\n440106100001,好又多\x00便利店,440106\n").encode()
    response = _upload(api, admin, "/admin/retailers/import", text, mode="good_rows")
    assert response.status_code == 422 and "2" in response.json["error"]["fields"]["file"][0]
    assert db.session.scalar(select(func.count()).select_from(Retailer)) == 0


OBSERVATION_HEADER = b"date,licence_no,sku,stock_packs,ordered_packs,demand_packs,out_of_stock,pack_price,carton_price,channel\n"


@pytest.mark.parametrize("content", [
    OBSERVATION_HEADER + b"2026-11-18," + b"4" * 140_000 + b",S1,1,1,1,false,1.00,10.00,sms\n",
    OBSERVATION_HEADER + b"2026-11-18,4401\x00,S1,1,1,1,false,1.00,10.00,sms\n",
])
def test_an_observation_import_the_csv_reader_refuses_is_a_field_error(api, admin, content):
    response = _upload(api, admin, "/admin/observations/import", content)
    assert response.status_code == 422 and response.json["error"]["fields"]["file"]
