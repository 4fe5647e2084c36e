"""Sign-up proves the phone by SMS code (the attack: register a phone one does not hold)."""
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.members.models import Member

from ..factories import next_phone, sign_up_body, sms_code


def _members():
    return db.session.scalar(select(func.count()).select_from(Member))


def _refused(response, code="SMS_CODE_INVALID"):
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == code and "sms_code" in response.json["error"]["fields"]


def test_sign_up_without_a_code_is_refused_naming_every_bad_field(api):
    body = sign_up_body(real_name="A")
    body.pop("sms_code")
    response = api.post("/members", body)
    assert response.status_code == 422
    assert {"sms_code", "real_name"} <= set(response.json["error"]["fields"])
    assert _members() == 0


def test_sign_up_with_a_made_up_code_is_refused(api):
    body = sign_up_body()
    guess = "000000" if body["sms_code"] != "000000" else "111111"
    _refused(api.post("/members", dict(body, sms_code=guess)))
    assert _members() == 0


def test_a_code_for_another_phone_or_purpose_does_not_prove_this_one(api):
    phone, other = next_phone(), next_phone()
    _refused(api.post("/members", sign_up_body(phone=phone, sms_code=sms_code(other))))
    _refused(api.post("/members", sign_up_body(phone=phone, sms_code=sms_code(phone, "reset"))))


def test_a_code_is_single_use_and_a_newer_code_retires_the_older(api):
    phone = next_phone()
    old, new = sms_code(phone), sms_code(phone)
    _refused(api.post("/members", sign_up_body(phone=phone, sms_code=old)))
    first = api.post("/members", sign_up_body(phone=phone, sms_code=new))
    assert first.status_code == 201
    _refused(api.post("/members", sign_up_body(phone=phone, sms_code=new)))  # no replay, not even to learn PHONE_TAKEN


def test_an_expired_code_is_refused(app, api):
    body = sign_up_body()
    with freeze_time(utcnow() + timedelta(seconds=app.config["SMS_CODE_TTL"] + 1)):
        _refused(api.post("/members", body))


def test_guessing_kills_the_code_after_the_allowed_attempts(app, api):
    body = sign_up_body()
    wrong = f"{(int(body['sms_code']) + 1) % 10**6:06d}"
    for _ in range(app.config["SMS_CODE_MAX_ATTEMPTS"]):
        _refused(api.post("/members", dict(body, sms_code=wrong)))
    _refused(api.post("/members", body))  # the right code, too late
    assert _members() == 0


def test_a_failed_sign_up_leaves_the_code_usable(api):
    """A sign-up refused for another reason (an ID number taken) does not use the code up."""
    first = sign_up_body()
    assert api.post("/members", first).status_code == 201
    body = sign_up_body()
    refused = api.post("/members", dict(body, id_number=first["id_number"]))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "ID_NUMBER_TAKEN"
    assert api.post("/members", body).status_code == 201


def test_the_member_signed_up_with_a_code_has_a_verified_phone(api, admin):
    created = api.post("/members", sign_up_body())
    detail = api.get(f"/admin/members/{created.json['member']['id']}", token=admin.token).json
    assert detail["phone_verified_at"]


def test_with_verification_off_no_code_is_needed_and_the_phone_stays_unverified(app, api, admin):
    app.config["PHONE_VERIFICATION"] = False
    body = sign_up_body()
    body.pop("sms_code")
    created = api.post("/members", body)
    assert created.status_code == 201
    assert api.get(f"/admin/members/{created.json['member']['id']}", token=admin.token).json["phone_verified_at"] is None


def test_the_whole_journey_asks_for_the_code_through_the_api(api, admin):
    """What the app does: request a code, read the SMS (the outbox here), sign up with it."""
    import re

    assert api.post("/auth/sms-codes", {"phone": "+86 137 0000 2222", "purpose": "signup"}).status_code == 202
    text = api.get("/admin/sms-outbox", token=admin.token).json[0]["text"]
    body = sign_up_body(phone="13700002222", sms_code=re.search(r"\d{6}", text)[0])
    assert api.post("/members", body).status_code == 201
