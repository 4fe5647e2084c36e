from datetime import date

import pytest
from freezegun import freeze_time
from stdnum.cn import ric

from app.members.identity import compose_id_number

from ..conftest import run_concurrently
from ..factories import next_id_number, next_phone, sign_up_body


def test_sign_up_returns_member_and_a_working_token(api):
    body = sign_up_body(phone="13800138000", real_name="王小明")
    response = api.post("/members", body)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["token_type"] == "Bearer" and data["expires_in"] > 0
    member = data["member"]
    assert member["phone"] == "138****8000"
    assert member["real_name"] == "王小明"
    assert member["points_balance"] == 0
    assert member["level"] == {"code": "normal", "name": "普通会员"}
    assert member["profile_complete"] is False
    assert "id_number" not in member and body["id_number"] not in response.get_data(as_text=True)
    me = api.get("/me", token=data["access_token"])
    assert me.status_code == 200 and me.json["id"] == member["id"]


@pytest.mark.parametrize("sequence, gender", [(123, "M"), (124, "F")])  # the 17th digit: odd male, even female
def test_birth_date_and_gender_come_from_the_id_number(api, sequence, gender):
    response = api.post("/members", sign_up_body(id_number=compose_id_number("440106", date(1985, 3, 9), sequence)))
    assert response.json["member"]["birth_date"] == "1985-03-09"
    assert response.json["member"]["gender"] == gender

def test_id_number_ending_in_x_is_accepted_in_either_case(api):
    number = next(n for s in range(1000)
                  if (n := compose_id_number("110105", date(1980, 1, 1), s)).endswith("X"))
    response = api.post("/members", sign_up_body(id_number=number.lower()))
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("bad, why", [
    ("44010619900517123", "length"),
    ("440106199005171230", "check digit"),
    ("440106199002301234", "impossible date"),
    ("999999199001011234", "region"),
    ("44010619900517A234", "letters"),
])
def test_invalid_id_numbers_are_rejected_without_echoing_them(api, bad, why):
    if why in ("impossible date", "region"):  # a right check digit, so only the named fault remains
        bad = bad[:17] + ric.calc_check_digit(bad)
    response = api.post("/members", sign_up_body(id_number=bad))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "VALIDATION_ERROR"
    assert "id_number" in response.json["error"]["fields"]
    assert bad not in response.get_data(as_text=True)


# 2026-05-16T16:30Z is 00:30 on 17 May in Shanghai: the birthday counts by Shanghai's date, not UTC's.
@pytest.mark.parametrize("now, ok", [("2026-05-16T16:30:00+00:00", True), ("2026-05-16T15:30:00+00:00", False)])
def test_turning_18_today_may_join_but_tomorrow_may_not(api, now, ok):
    number = compose_id_number("440106", date(2008, 5, 17), 321)
    with freeze_time(now):
        response = api.post("/members", sign_up_body(id_number=number))
    assert (response.status_code == 201) is ok, response.json
    if not ok:
        assert response.json["error"]["code"] == "UNDERAGE"


@pytest.mark.parametrize("today, ok", [("2026-02-28", False), ("2026-03-01", True)])
def test_born_on_29_february_comes_of_age_on_1_march_in_a_common_year(api, today, ok):
    number = compose_id_number("440106", date(2008, 2, 29), 322)
    with freeze_time(f"{today}T04:00:00+00:00"):
        response = api.post("/members", sign_up_body(id_number=number))
    assert (response.status_code == 201) is ok, response.json


@pytest.mark.parametrize("field, value", [
    ("phone", "12345"), ("phone", "02012345678"), ("phone", "+1 650 253 0000"),
    ("password", "short1"), ("password", "12345678901"), ("real_name", "A"), ("real_name", "张三123"),
    ("real_name", "x" * 31), ("consent", False), ("referral_code", "NOPE1234"),
])
def test_bad_sign_up_fields_get_422_with_the_field_named(api, field, value):
    response = api.post("/members", sign_up_body(**{field: value}))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_password_may_not_contain_the_phone(api):
    response = api.post("/members", sign_up_body(phone="13912345678", password="ab13912345678"))
    assert response.status_code == 422 and "password" in response.json["error"]["fields"]


def test_missing_consent_and_missing_fields_are_reported(api):
    response = api.post("/members", {"phone": next_phone()})
    assert response.status_code == 422
    assert {"password", "real_name", "id_number", "consent"} <= set(response.json["error"]["fields"])


def test_names_with_a_middle_dot_and_latin_names_are_accepted(api):
    assert api.post("/members", sign_up_body(real_name="阿卜杜·热合曼")).status_code == 201
    assert api.post("/members", sign_up_body(real_name="John Smith")).status_code == 201


def test_one_account_per_phone_and_per_id_number(api):
    body = sign_up_body()
    assert api.post("/members", body).status_code == 201
    same_phone = api.post("/members", sign_up_body(phone=body["phone"]))
    assert same_phone.status_code == 409 and same_phone.json["error"]["code"] == "PHONE_TAKEN"
    same_id = api.post("/members", sign_up_body(id_number=body["id_number"]))
    assert same_id.status_code == 409 and same_id.json["error"]["code"] == "ID_NUMBER_TAKEN"


def test_phone_written_another_way_is_the_same_phone(api):
    assert api.post("/members", sign_up_body(phone="13700001111")).status_code == 201
    again = api.post("/members", sign_up_body(phone="+86 137-0000-1111"))
    assert again.status_code == 409 and again.json["error"]["code"] == "PHONE_TAKEN"


def test_referral_code_links_the_referrer(api, app, member):
    response = api.post("/members", sign_up_body(referral_code=member.member.referral_code.lower()))
    assert response.status_code == 201
    from app.members.models import Member
    from app.extensions import db
    assert db.session.get(Member, response.json["member"]["id"]).referrer_id == member.id


def test_consent_is_recorded_with_time_and_policy_version(api, app, admin):
    response = api.post("/members", sign_up_body())
    detail = api.get(f"/admin/members/{response.json['member']['id']}", token=admin.token).json
    assert detail["consent_version"] == app.config["CONSENT_POLICY_VERSION"]
    assert detail["consent_at"]
    assert detail["id_number_masked"].count("*") == 14


def test_the_id_number_is_stored_only_hashed_and_masked(api, app):
    body = sign_up_body()
    api.post("/members", body)
    from app.extensions import db
    import sqlalchemy as sa
    rows = db.session.execute(sa.text("SELECT * FROM members")).all()
    assert rows and all(body["id_number"] not in str(tuple(r)) for r in rows)


def test_the_id_number_never_reaches_a_log_line_or_an_answer(api, caplog):
    """Not even with SQL logging on: only its keyed hash and masked form are ever bound to a statement."""
    import logging

    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # statements and their parameters
    try:
        taken = sign_up_body()
        minor = compose_id_number("440106", date.today().replace(year=date.today().year - 10), 7)
        wrong_check = taken["id_number"][:-1] + ("1" if taken["id_number"][-1] != "1" else "2")
        impossible = compose_id_number("440106", date(1990, 1, 1), 7).replace("19900101", "19900231")
        bodies = [taken, sign_up_body(id_number=taken["id_number"]), sign_up_body(id_number=minor),
                  sign_up_body(id_number=wrong_check), sign_up_body(id_number=impossible)]
        answers = [api.post("/members", body) for body in bodies]
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert [a.status_code for a in answers] == [201, 409, 422, 422, 422]
    assert any("INSERT INTO members" in r.getMessage() for r in caplog.records)  # the spy saw the writes
    for body, answer in zip(bodies, answers):
        number = body["id_number"]
        assert number not in caplog.text and number.lower() not in caplog.text
        assert number not in answer.get_data(as_text=True)


def test_twenty_concurrent_sign_ups_with_one_phone_and_its_code_make_one_account(app):
    """On both databases: the code is used up once, whatever order the threads arrive in."""
    attempts = 20
    body = sign_up_body()
    bodies = [dict(body, id_number=next_id_number()) for _ in range(attempts)]

    def attempt(i):
        response = app.test_client().post("/api/v1/members", json=bodies[i])
        return response.status_code, response.json.get("error", {}).get("code")

    answers = run_concurrently(app, attempt, attempts)
    assert answers.count((201, None)) == 1
    assert answers.count((422, "SMS_CODE_INVALID")) == attempts - 1


def test_twenty_concurrent_sign_ups_with_one_id_number_make_one_account(app):
    """Each with its own phone and code: the UNIQUE index decides."""
    attempts = 20
    id_number = next_id_number()
    bodies = [sign_up_body(id_number=id_number) for _ in range(attempts)]

    def attempt(i):
        response = app.test_client().post("/api/v1/members", json=bodies[i])
        return response.status_code, response.json.get("error", {}).get("code")

    answers = run_concurrently(app, attempt, attempts)
    assert answers.count((201, None)) == 1
    assert answers.count((409, "ID_NUMBER_TAKEN")) == attempts - 1
