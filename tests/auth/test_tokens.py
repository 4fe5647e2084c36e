from datetime import timedelta

from argon2 import extract_parameters
from freezegun import freeze_time

from app.auth.passwords import hash_password
from app.db import utcnow

from ..factories import PASSWORD


def _login(api, phone, password=PASSWORD, **kw):
    return api.post("/auth/login", {"phone": phone, "password": password}, **kw)


def test_member_logs_in_by_phone_in_any_spelling(api, member):
    for phone in (member.member.phone, "+86 " + member.member.phone, member.member.phone[:3] + "-" + member.member.phone[3:]):
        response = _login(api, phone)
        assert response.status_code == 200, response.json
        assert response.json["role"] == "member" and response.json["token_type"] == "Bearer"
        assert api.get("/me", token=response.json["access_token"]).status_code == 200


def test_wrong_password_and_unknown_phone_look_the_same(api, member):
    wrong = _login(api, member.member.phone, "not-the-password")
    unknown = _login(api, "13012345678")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json and wrong.json["error"]["code"] == "BAD_CREDENTIALS"


def test_staff_and_admin_log_in_by_username(api, staff, admin):
    for handle, role in ((staff, "staff"), (admin, "admin")):
        response = api.post("/staff/login", {"username": handle.user.username, "password": PASSWORD})
        assert response.status_code == 200 and response.json["role"] == role
        me = api.get("/staff/me", token=response.json["access_token"])
        assert me.json == {"id": handle.id, "username": handle.user.username, "name": "李四", "role": role}


def test_a_member_token_is_not_a_staff_token(api, member):
    assert api.get("/staff/me", token=member.token).status_code == 403
    assert api.post("/staff/login", {"username": member.member.phone, "password": PASSWORD}).status_code == 401


def test_logout_ends_the_token(api, member):
    assert api.post("/auth/logout", token=member.token).status_code == 204
    response = api.get("/me", token=member.token)
    assert response.status_code == 401 and response.json["error"]["code"] == "UNAUTHENTICATED"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_password_change_ends_the_other_tokens_but_not_this_one(api, member):
    other = _login(api, member.member.phone).json["access_token"]
    response = api.post("/me/password", {"old_password": PASSWORD, "new_password": "Another#2027"}, token=member.token)
    assert response.status_code == 204
    assert api.get("/me", token=member.token).status_code == 200
    assert api.get("/me", token=other).status_code == 401
    assert _login(api, member.member.phone).status_code == 401
    assert _login(api, member.member.phone, "Another#2027").status_code == 200


def test_password_change_checks_the_old_password_and_the_new_rules(api, member):
    wrong = api.post("/me/password", {"old_password": "nope-nope", "new_password": "Another#2027"}, token=member.token)
    assert wrong.status_code == 422 and "old_password" in wrong.json["error"]["fields"]
    weak = api.post("/me/password", {"old_password": PASSWORD, "new_password": "12345678"}, token=member.token)
    assert weak.status_code == 422 and "new_password" in weak.json["error"]["fields"]
    assert _login(api, member.member.phone).status_code == 200


def test_locking_ends_every_token_and_refuses_later_logins(api, member, admin):
    second = _login(api, member.member.phone).json["access_token"]
    locked = api.post(f"/admin/members/{member.id}/lock", {"reason": "刷码嫌疑"}, token=admin.token)
    assert locked.status_code == 200 and locked.json["status"] == "locked"
    assert api.get("/me", token=member.token).status_code == 401
    assert api.get("/me", token=second).status_code == 401
    refused = _login(api, member.member.phone)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "ACCOUNT_LOCKED"
    assert _login(api, member.member.phone, "wrong-password").json == refused.json  # the same, whatever the password
    api.post(f"/admin/members/{member.id}/unlock", {"reason": "核实无误"}, token=admin.token)
    assert _login(api, member.member.phone).status_code == 200


def test_tokens_expire(app, api, member):
    ttl = app.config["TOKEN_TTL_MEMBER"]
    with freeze_time(utcnow() + timedelta(seconds=ttl - 60)):
        assert api.get("/me", token=member.token).status_code == 200
    with freeze_time(utcnow() + timedelta(seconds=ttl + 1)):
        assert api.get("/me", token=member.token).status_code == 401


def test_garbage_tokens_are_401(api):
    for header in ("Bearer", "Bearer x", "Basic abc", "Bearer " + "a" * 500, "token"):
        assert api.get("/me", headers={"Authorization": header}).status_code == 401


def test_member_login_is_throttled_per_account(app, api, member):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    for _ in range(3):
        assert _login(api, member.member.phone, "bad-password").status_code == 401
    blocked = _login(api, member.member.phone)  # even the right password waits now
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert _login(api, "+86" + member.member.phone).status_code == 429  # reformatting does not dodge it


def test_successful_logins_do_not_count_against_the_account(app, api, member):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    for _ in range(4):
        assert _login(api, member.member.phone).status_code == 200


def test_login_is_throttled_per_ip(app, api, member, other_member):
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per minute"
    statuses = [_login(api, m.member.phone).status_code for m in (member, other_member, member, other_member)]
    assert statuses == [200] * 4
    assert _login(api, member.member.phone).status_code == 429
    other_ip = _login(api, member.member.phone, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_ip.status_code == 200


def test_staff_login_is_throttled_per_username(app, api, staff):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    body = {"username": staff.user.username, "password": "wrong-password"}
    assert [api.post("/staff/login", body).status_code for _ in range(3)] == [401, 401, 429]


def test_passwords_are_argon2id_at_owasp_minimum_or_above():
    params = extract_parameters(hash_password("whatever-123"))
    assert params.type.name == "ID"
    assert params.memory_cost >= 19456 and params.time_cost >= 2 and params.parallelism >= 1
