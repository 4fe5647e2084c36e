"""POST /auth/sms-codes and the outbox: a 6-digit code goes to the phone, kept only hashed, throttled per
phone (however the number is written) and per address."""
import re

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.sms.backends import TencentBackend

from ..conftest import _config


def _ask(api, phone="13800138000", purpose="signup", **kw):
    return api.post("/auth/sms-codes", {"phone": phone, "purpose": purpose}, **kw)


def test_a_code_goes_to_the_phone_and_the_admin_reads_it_in_the_outbox(app, api, admin):
    response = _ask(api)
    assert response.status_code == 202 and response.json == {"expires_in": app.config["SMS_CODE_TTL"]}
    outbox = api.get("/admin/sms-outbox", token=admin.token)
    assert outbox.status_code == 200
    [message] = outbox.json
    assert message["phone"] == "13800138000" and re.search(r"验证码是 \d{6}", message["text"])
    assert message["created_at"]


def test_the_outbox_lists_newest_first(app, api, admin):
    for phone in ("13800138001", "13800138002", "13800138003"):
        assert _ask(api, phone).status_code == 202
    assert [m["phone"] for m in api.get("/admin/sms-outbox", token=admin.token).json] == [
        "13800138003", "13800138002", "13800138001"]


def test_the_code_is_stored_only_as_a_hash(app, api, admin):
    _ask(api)
    code = re.search(r"\d{6}", api.get("/admin/sms-outbox", token=admin.token).json[0]["text"])[0]
    rows = db.session.execute(sa.text("SELECT * FROM sms_codes")).all()
    assert len(rows) == 1 and all(code not in str(value) for value in rows[0])


def test_only_admins_read_the_outbox(api, member, staff):
    assert api.get("/admin/sms-outbox", token=member.token).status_code == 403
    assert api.get("/admin/sms-outbox", token=staff.token).status_code == 403
    assert api.get("/admin/sms-outbox").status_code == 401


def test_with_a_real_gateway_there_is_no_outbox(app, api, admin):
    settings = {name: "x" for name in TencentBackend.SETTINGS}
    app.extensions["sms_backend"] = TencentBackend(environ=settings)
    response = api.get("/admin/sms-outbox", token=admin.token)
    assert response.status_code == 404 and response.json["error"]["code"] == "NOT_FOUND"


def test_a_gateway_missing_its_settings_or_an_unknown_backend_stops_the_start(database):
    config = _config(database())
    config.SMS_BACKEND = "tencent"
    with pytest.raises(RuntimeError, match="TENCENTCLOUD_SECRET_ID"):
        create_app(config)
    config.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(RuntimeError, match="SMS_BACKEND"):
        create_app(config)


@pytest.mark.parametrize("body, field", [({"phone": "12345", "purpose": "signup"}, "phone"),
                                         ({"phone": "13800138000", "purpose": "spam"}, "purpose"),
                                         ({}, "phone")])
def test_bad_requests_get_422_naming_the_field(api, body, field):
    response = api.post("/auth/sms-codes", body)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_one_code_a_minute_per_phone_however_the_number_is_written(api):
    assert _ask(api, "13800138000").status_code == 202
    for spelling in ("+86 138-0013-8000", "８６１３８００１３８０００", "(138) 0013 8000"):
        again = _ask(api, spelling)
        assert again.status_code == 429, spelling
        assert again.json["error"]["code"] == "RATE_LIMITED" and again.headers["Retry-After"]
    assert _ask(api, "13800138009").status_code == 202  # another phone is not held up


def test_an_address_asking_for_many_phones_is_throttled(app, api):
    app.config["SMS_LIMIT_PER_IP"] = "3 per hour"
    answers = [_ask(api, f"1380013800{i}").status_code for i in range(5)]
    assert answers == [202, 202, 202, 429, 429]
    other_address = _ask(api, "13800138009", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 202
