"""Identity squatting (身份冒用): someone registered another person's phone and ID number first. The real
owner proves the phone by SMS code and appeals; an admin upholds it (the squatter is locked out and the
identity freed, so the owner signs up) or rejects it (nothing changes), once, audited."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.members.models import Member

from ..factories import create_member, next_id_number, next_phone, sign_up_body, sms_code


@pytest.fixture
def squatted(app):
    """The real owner's phone and ID number, both taken by a squatter's account (from before phones were
    proven, or a recycled number)."""
    phone, id_number = next_phone(), next_id_number()
    app.config["PHONE_VERIFICATION"] = False
    squatter = create_member(phone=phone, id_number=id_number, sms_code=None)
    app.config["PHONE_VERIFICATION"] = True
    return {"phone": phone, "id_number": id_number, "squatter": squatter}


def _appeal_body(squatted, **overrides):
    body = {"phone": squatted["phone"], "sms_code": sms_code(squatted["phone"], "appeal"), "real_name": "王真",
            "id_number": squatted["id_number"], "note": "本人手机号和身份证号被他人注册"}
    body.update(overrides)
    return body


def _file(api, squatted, **overrides):
    response = api.post("/identity-appeals", _appeal_body(squatted, **overrides))
    assert response.status_code == 201, response.json
    return response.json


def _resolve(api, admin, appeal_id, decision, reason="核实身份证原件"):
    return api.post(f"/admin/identity-appeals/{appeal_id}/resolve", {"decision": decision, "reason": reason},
                    token=admin.token)


def test_the_real_owner_cannot_sign_up_while_the_identity_is_taken(api, squatted):
    response = api.post("/members", sign_up_body(phone=squatted["phone"], id_number=squatted["id_number"]))
    assert response.status_code == 409


def test_an_upheld_appeal_locks_the_squatter_and_the_real_owner_signs_up(api, admin, squatted):
    appeal = _file(api, squatted)
    assert appeal["status"] == "pending"
    listed = api.get("/admin/identity-appeals?status=pending", token=admin.token).json
    assert listed["total"] == 1 and listed["items"][0]["phone_holder_id"] == squatted["squatter"].id
    assert listed["items"][0]["id_holder_id"] == squatted["squatter"].id
    assert "*" in listed["items"][0]["phone"] and squatted["id_number"] not in str(listed)

    resolved = _resolve(api, admin, appeal["id"], "upheld")
    assert resolved.status_code == 200 and resolved.json["status"] == "upheld" and resolved.json["resolved_at"]

    assert api.get("/me", token=squatted["squatter"].token).status_code == 401  # sessions ended
    db.session.expire_all()
    squatter = db.session.get(Member, squatted["squatter"].id)
    assert squatter.status == "locked" and squatter.phone != squatted["phone"]
    owner = api.post("/members", sign_up_body(phone=squatted["phone"], id_number=squatted["id_number"],
                                               real_name="王真"))
    assert owner.status_code == 201, owner.json
    login = api.post("/auth/login", {"phone": squatted["phone"], "password": sign_up_body()["password"]})
    assert login.status_code == 200


def test_a_rejected_appeal_changes_nothing(api, admin, squatted):
    appeal = _file(api, squatted)
    assert _resolve(api, admin, appeal["id"], "rejected").json["status"] == "rejected"
    assert api.get("/me", token=squatted["squatter"].token).status_code == 200
    assert api.post("/members", sign_up_body(phone=squatted["phone"])).status_code == 409


def test_an_appeal_is_resolved_at_most_once(api, admin, squatted):
    appeal = _file(api, squatted)
    assert _resolve(api, admin, appeal["id"], "rejected").status_code == 200
    again = _resolve(api, admin, appeal["id"], "upheld")
    assert again.status_code == 409 and again.json["error"]["code"] == "APPEAL_RESOLVED"
    assert api.get("/me", token=squatted["squatter"].token).status_code == 200


def test_an_appeal_for_the_id_number_only_frees_the_id_number(api, admin, squatted):
    """The owner's phone is their own (not taken); only the ID number is held by the squatter."""
    own_phone = next_phone()
    appeal = _file(api, squatted, phone=own_phone, sms_code=sms_code(own_phone, "appeal"))
    _resolve(api, admin, appeal["id"], "upheld")
    db.session.expire_all()
    squatter = db.session.get(Member, squatted["squatter"].id)
    assert squatter.status == "locked" and squatter.phone == squatted["phone"]  # the phone was not in question
    assert api.post("/members", sign_up_body(phone=own_phone, id_number=squatted["id_number"])).status_code == 201


def test_filing_needs_the_phones_code(api, squatted):
    refused = api.post("/identity-appeals", _appeal_body(squatted, sms_code="000000"))
    assert refused.status_code == 422 and refused.json["error"]["code"] == "SMS_CODE_INVALID"
    signup_code = api.post("/identity-appeals", _appeal_body(squatted, sms_code=sms_code(squatted["phone"])))
    assert signup_code.status_code == 422  # a sign-up code is not an appeal code


def test_nothing_taken_nothing_to_appeal(api):
    phone = next_phone()
    body = {"phone": phone, "sms_code": sms_code(phone, "appeal"), "real_name": "王真", "id_number": next_id_number()}
    response = api.post("/identity-appeals", body)
    assert response.status_code == 409 and response.json["error"]["code"] == "NOTHING_TAKEN"


def test_bad_fields_are_named_at_once(api):
    response = api.post("/identity-appeals", {"phone": "123", "real_name": "A", "id_number": "1"})
    assert response.status_code == 422
    assert {"phone", "sms_code", "real_name"} <= set(response.json["error"]["fields"])


def test_only_admins_list_and_resolve(api, staff, member, squatted):
    appeal = _file(api, squatted)
    for token in (staff.token, member.token):
        assert api.get("/admin/identity-appeals", token=token).status_code == 403
        assert api.post(f"/admin/identity-appeals/{appeal['id']}/resolve",
                        {"decision": "upheld", "reason": "x"}, token=token).status_code == 403


def test_filing_and_resolving_are_audited_with_personal_data_masked(api, admin, squatted):
    appeal = _file(api, squatted)
    _resolve(api, admin, appeal["id"], "upheld")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "identity_appeal")
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_kind) for e in events] == [("identity_appeal.file", "anonymous"),
                                                           ("identity_appeal.resolve", "staff")]
    assert events[1].actor_id == admin.id and events[1].note == "核实身份证原件"
    assert events[1].after["locked_member_ids"] == [squatted["squatter"].id]
    logged = str([(e.before, e.after, e.note) for e in events])
    assert squatted["phone"] not in logged and squatted["id_number"] not in logged and "王真" not in logged


def test_the_demo_has_a_pending_appeal_and_its_sms_in_the_outbox(app, api):
    from app.demo import seed_demo

    seed_demo()
    admin_token = api.post("/staff/login", {"username": "admin", "password": "Admin@2026"}).json["access_token"]
    [appeal] = api.get("/admin/identity-appeals", token=admin_token).json["items"]
    assert appeal["status"] == "pending" and appeal["phone_holder_id"]
    assert "验证码" in api.get("/admin/sms-outbox", token=admin_token).json[0]["text"]
    member_login = api.post("/auth/login", {"phone": "13800138000", "password": "Member@2026"})
    assert member_login.status_code == 200  # demo members sign in as before
