"""Every error, whatever produced it, comes in the one envelope of API.md."""
import logging

import pytest

from app.auth.decorators import public

from ..factories import sign_up_body


def _assert_envelope(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert set(error) >= {"code", "message"} and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_unknown_route_is_404_in_the_envelope(api):
    _assert_envelope(api.get("/no/such/thing"), 404, "NOT_FOUND")


def test_wrong_method_is_405_with_allow(api):
    response = api.client.delete("/api/v1/members")
    _assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/members", data="{not json", content_type="application/json")
    _assert_envelope(response, 400, "MALFORMED_JSON")


def test_wrong_content_type_is_415(client):
    response = client.post("/api/v1/members", data="phone=1", content_type="application/x-www-form-urlencoded")
    _assert_envelope(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_invalid_fields_are_422_with_fields(api):
    error = _assert_envelope(api.post("/members", {"phone": 5}), 422, "VALIDATION_ERROR")
    assert isinstance(error["fields"]["phone"], list)


def test_unknown_fields_are_rejected(api):
    error = _assert_envelope(api.post("/members", sign_up_body(admin=True)), 422, "VALIDATION_ERROR")
    assert "admin" in error["fields"]


def test_a_json_array_where_an_object_is_expected_is_422(api):
    _assert_envelope(api.post("/members", [1, 2]), 422, "VALIDATION_ERROR")


def test_oversize_body_is_413(client):
    body = '{"phone": "' + "1" * (1024 * 1024 + 10) + '"}'
    response = client.post("/api/v1/members", data=body, content_type="application/json")
    _assert_envelope(response, 413, "PAYLOAD_TOO_LARGE")


def test_rate_limited_is_429_with_retry_after(app, api):
    app.config["SIGNUP_LIMIT_PER_IP"] = "2 per hour"
    statuses = [api.post("/members", sign_up_body()).status_code for _ in range(3)]
    assert statuses[:2] == [201, 201]
    response = api.post("/members", sign_up_body())
    _assert_envelope(response, 429, "RATE_LIMITED")
    assert int(response.headers["Retry-After"]) > 0


def test_unexpected_exception_is_500_without_a_traceback_and_logged_with_request_id(app, client, caplog):
    @public
    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/explode", headers={"X-Request-ID": "req-12345678"})
    error = _assert_envelope(response, 500, "INTERNAL_ERROR")
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "req-12345678" in error["message"] and response.headers["X-Request-ID"] == "req-12345678"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert any("req-12345678" in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_route_that_declares_no_access_is_refused(app, client):
    app.add_url_rule("/api/v1/undeclared", "undeclared", lambda: {"secret": 1})
    _assert_envelope(client.get("/api/v1/undeclared"), 403, "FORBIDDEN")


def test_messages_are_chinese_by_default_and_english_on_request(api):
    zh = api.get("/no/such/thing").json["error"]["message"]
    en = api.get("/no/such/thing", headers={"Accept-Language": "en"}).json["error"]["message"]
    assert en == "Not found."
    assert zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_chinese_text_round_trips_unchanged(api, member):
    response = api.get("/me", token=member.token)
    assert response.json["real_name"] == "张三"
    assert "张三".encode() in response.get_data()


@pytest.mark.parametrize("where", ["json", "query"])
def test_a_nul_character_anywhere_is_refused_with_422(api, member, where):
    if where == "json":
        response = api.patch("/me", {"occupation": "x\u0000y"}, token=member.token)
        field = "occupation"
    else:
        response = api.get("/me/points", token=member.token, query_string={"page": "1\x00"})
        field = "page"
    assert response.status_code == 422 and field in response.json["error"]["fields"]
