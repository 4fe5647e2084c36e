from sqlalchemy import func, select

from app.extensions import db
from app.points.models import LedgerEntry
from app.points.service import ledger_sum

from ..conftest import requires_postgres, run_concurrently


def _file(api, member, **body):
    body = {"kind": "complaint", "content": "烟支有断裂,包装破损", **body}
    response = api.post("/complaints", body, token=member.token)
    assert response.status_code == 201, response.json
    return response.json


def test_member_files_a_complaint_and_sees_only_their_own(api, member, other_member):
    data = _file(api, member, pack_code="ABCD-2345")
    assert data["status"] == "open" and data["reward_points"] == 0 and data["result"] is None
    assert data["content"] == "烟支有断裂,包装破损"
    assert api.get("/complaints", token=member.token).json["total"] == 1
    assert api.get("/complaints", token=other_member.token).json["total"] == 0


def test_bad_complaints_are_422(api, member):
    for body in ({"kind": "rant", "content": "x"}, {"kind": "suggestion", "content": "x" * 2001},
                 {"kind": "suggestion", "content": ""}, {"kind": "complaint", "content": "x", "product_id": 999}):
        response = api.post("/complaints", body, token=member.token)
        assert response.status_code == 422, body


def test_admin_assigns_answers_and_resolves_with_a_reward_credited_once(api, admin, staff, member):
    cid = _file(api, member)["id"]
    assigned = api.post(f"/admin/complaints/{cid}/assign", {"staff_id": staff.id}, token=admin.token)
    assert assigned.json["status"] == "in_progress" and assigned.json["assignee_id"] == staff.id
    answered = api.post(f"/admin/complaints/{cid}/answer", {"result": "已联系客户核实"}, token=admin.token)
    assert answered.json["result"] == "已联系客户核实"
    resolved = api.post(f"/admin/complaints/{cid}/resolve", {"result": "已更换, 感谢反馈", "reward_points": 30},
                        token=admin.token)
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved"
    again = api.post(f"/admin/complaints/{cid}/resolve", {"result": "再次", "reward_points": 30}, token=admin.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "COMPLAINT_CLOSED"
    assert ledger_sum(member.id) == 30
    mine = api.get("/complaints", token=member.token).json["items"][0]
    assert mine["status"] == "resolved" and mine["reward_points"] == 30 and mine["result"] == "已更换, 感谢反馈"
    kinds = [e["kind"] for e in api.get("/me/points", token=member.token).json["items"]]
    assert kinds == ["complaint_reward"]


def test_admin_rejects_without_reward(api, admin, member):
    cid = _file(api, member, kind="suggestion")["id"]
    response = api.post(f"/admin/complaints/{cid}/reject", {"result": "不属于产品问题"}, token=admin.token)
    assert response.json["status"] == "rejected" and ledger_sum(member.id) == 0
    assert api.post(f"/admin/complaints/{cid}/assign", {"staff_id": 1}, token=admin.token).status_code == 409
    assert api.get("/admin/complaints?status=rejected", token=admin.token).json["total"] == 1


@requires_postgres
def test_concurrent_resolves_reward_once(app, api, admin, member):
    cid = _file(api, member)["id"]
    token = admin.token

    def resolve(i):
        return app.test_client().post(f"/api/v1/admin/complaints/{cid}/resolve", json={"result": "ok",
                                      "reward_points": 20}, headers={"Authorization": f"Bearer {token}"}).status_code

    statuses = run_concurrently(app, resolve, 6)
    assert statuses.count(200) == 1 and statuses.count(409) == 5
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.kind == "complaint_reward")) == 1


def test_control_characters_are_refused_and_text_is_trimmed(api, member):
    response = api.post("/complaints", {"kind": "suggestion", "content": "a\x00b"}, token=member.token)
    assert response.status_code == 422 and "content" in response.json["error"]["fields"]
    data = _file(api, member, content="  第一行\n第二行  ")
    assert data["content"] == "第一行\n第二行"


def test_a_reward_reaches_a_member_whose_membership_has_expired(api, admin, member):
    """It pays for feedback already given, by an admin's decision (complaints/service.py close)."""
    from datetime import timedelta

    from app.timeutil import local_today

    cid = _file(api, member)["id"]
    past = (local_today() - timedelta(days=1)).isoformat()
    api.post(f"/admin/members/{member.id}/validity", {"valid_until": past, "reason": "测试"}, token=admin.token)
    resolved = api.post(f"/admin/complaints/{cid}/resolve", {"result": "已核实", "reward_points": 20}, token=admin.token)
    assert resolved.status_code == 200 and resolved.json["reward_points"] == 20
    assert ledger_sum(member.id) == 20
    me = api.get("/me", token=member.token).json
    assert me["points_balance"] == 20 and me["valid_until"] == past
