from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.lifecycle import levels
from app.lifecycle.models import LevelChange
from app.members.models import Member, MemberLevel

from ..factories import credit_scan, credit_scans_on_two_days, grant_points

LEVELS = [("silver", "银卡会员", 500, "1.20"), ("gold", "金卡会员", 2000, "1.50"), ("diamond", "钻石会员", 5000, "2.00")]


def _add_levels(api, admin):
    for code, name, minimum, multiplier in LEVELS:
        response = api.post("/admin/levels", {"code": code, "name": name, "min_points": minimum,
                                              "multiplier": multiplier}, token=admin.token)
        assert response.status_code == 201, response.json


def _level(member_id):
    db.session.rollback()  # a fresh read: an open SQLite read transaction would keep seeing its snapshot
    return db.session.get(Member, member_id).level_code


def test_admin_defines_levels_and_lists_them_by_threshold(api, admin):
    _add_levels(api, admin)
    items = api.get("/admin/levels", token=admin.token).json["items"]
    assert [i["code"] for i in items] == ["normal", "silver", "gold", "diamond"]
    assert items[2] == {"code": "gold", "name": "金卡会员", "min_points": 2000, "multiplier": "1.50"}
    again = api.post("/admin/levels", {"code": "gold", "name": "x", "min_points": 1, "multiplier": 1},
                     token=admin.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "LEVEL_EXISTS"
    patched = api.patch("/admin/levels/gold", {"multiplier": "1.60"}, token=admin.token)
    assert patched.status_code == 200 and patched.json["multiplier"] == "1.60"
    assert db.session.get(MemberLevel, "gold").multiplier == Decimal("1.60")


def test_a_level_held_by_members_or_the_base_level_cannot_be_deleted(api, admin, member):
    _add_levels(api, admin)
    credit_scan(member.id, 600)
    assert api.delete("/admin/levels/silver", token=admin.token).json["error"]["code"] == "LEVEL_IN_USE"
    assert api.delete("/admin/levels/normal", token=admin.token).status_code == 409
    assert api.delete("/admin/levels/diamond", token=admin.token).status_code == 204


def test_a_credited_scan_raises_the_level_by_points_earned(api, admin, member):
    _add_levels(api, admin)
    credit_scan(member.id, 499)
    assert _level(member.id) == "normal"
    credit_scan(member.id, 1)
    assert _level(member.id) == "silver"
    assert api.get("/me", token=member.token).json["level"] == {"code": "silver", "name": "银卡会员"}
    change = db.session.scalar(select(LevelChange))
    assert (change.from_code, change.to_code, change.source, change.earned_points) == ("normal", "silver", "auto", 500)


def test_spending_does_not_lower_the_level_but_a_lapsed_year_does(app, api, admin, member):
    _add_levels(api, admin)
    long_ago = utcnow() - timedelta(days=400)
    credit_scan(member.id, 2500, now=long_ago)
    assert _level(member.id) == "gold"
    grant_points(member.id, -2400, now=long_ago + timedelta(days=1))  # spent: earnings still count
    assert levels.recalculate_all(now=long_ago + timedelta(days=2)) == 0
    assert _level(member.id) == "gold"
    assert levels.recalculate_all() == 1  # the earnings have left the 12-month window
    assert _level(member.id) == "normal"
    assert levels.recalculate_all() == 0  # a second run changes nothing


def test_nightly_recalculation_twice_changes_nothing_the_second_time(runner, api, admin, member, other_member):
    grant_points(member.id, 600, kind="campaign_bonus")  # earned before the levels existed
    _add_levels(api, admin)  # new thresholds: only the nightly run applies them
    assert _level(member.id) == "normal"
    first = runner.invoke(args=["scheduler", "run-once", "recalculate-levels"])
    second = runner.invoke(args=["scheduler", "run-once", "recalculate-levels"])
    assert first.output.strip() == "recalculate-levels: 1" and second.output.strip() == "recalculate-levels: 0"
    assert _level(member.id) == "silver" and _level(other_member.id) == "normal"


def test_admin_sets_a_level_by_hand_with_a_reason_and_it_holds(api, admin, member):
    _add_levels(api, admin)
    response = api.post(f"/admin/members/{member.id}/level", {"level_code": "diamond", "reason": "重点客户"},
                        token=admin.token)
    assert response.status_code == 200 and response.json["level"]["code"] == "diamond"
    assert response.json["level_pinned"] is True
    credit_scan(member.id, 1)
    assert levels.recalculate_all() == 0 and _level(member.id) == "diamond"
    history = api.get(f"/admin/members/{member.id}/level-changes", token=admin.token).json["items"]
    assert history[0]["source"] == "admin" and history[0]["reason"] == "重点客户"
    back = api.post(f"/admin/members/{member.id}/level", {"level_code": None, "reason": "恢复自动"},
                    token=admin.token)
    assert back.json["level"]["code"] == "normal" and back.json["level_pinned"] is False


def test_setting_an_unknown_level_is_404_and_a_reason_is_required(api, admin, member):
    assert api.post(f"/admin/members/{member.id}/level", {"level_code": "nope", "reason": "x"},
                    token=admin.token).status_code == 404
    response = api.post(f"/admin/members/{member.id}/level", {"level_code": "normal"}, token=admin.token)
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]


def test_a_multiplier_out_of_range_or_finer_than_a_cent_is_422_and_changes_nothing(api, admin):
    for bad in (-1, 0, "0.00", "0.009", 100, 150, "99.991", "1.999", "1.005", 1.999, "abc", "NaN", "Infinity", "1e1000",
                True, None):
        response = api.patch("/admin/levels/normal", {"multiplier": bad}, token=admin.token)
        assert response.status_code == 422, (bad, response.json)
        assert list(response.json["error"]["fields"]) == ["multiplier"], bad
    db.session.expire_all()
    assert db.session.get(MemberLevel, "normal").multiplier == Decimal("1.00")
    for good, stored in (("0.01", "0.01"), ("99.99", "99.99"), (2, "2.00"), ("1.5", "1.50"), ("1.100", "1.10"),
                         (1.25, "1.25")):
        response = api.patch("/admin/levels/normal", {"multiplier": good}, token=admin.token)
        assert response.status_code == 200 and response.json["multiplier"] == stored, (good, response.json)


def test_creating_a_level_with_a_bad_multiplier_is_422_not_level_exists(api, admin):
    for bad in (0, -1, 150, "1.999"):
        response = api.post("/admin/levels", {"code": "abc", "name": "n", "min_points": 1, "multiplier": bad},
                            token=admin.token)
        assert response.status_code == 422, (bad, response.json)
        assert "multiplier" in response.json["error"]["fields"]
    assert db.session.get(MemberLevel, "abc") is None
    created = api.post("/admin/levels", {"code": "abc", "name": "n", "min_points": 1, "multiplier": "1.10"},
                       token=admin.token)
    assert created.status_code == 201 and created.json["multiplier"] == "1.10"
    taken = api.post("/admin/levels", {"code": "abc", "name": "n", "min_points": 1, "multiplier": "1.10"},
                     token=admin.token)
    assert taken.status_code == 409 and taken.json["error"]["code"] == "LEVEL_EXISTS"


def _referrer_with_earnings(app, make_member, earned, bonus):
    app.config["REFERRAL_BONUS_POINTS"] = bonus
    referrer = make_member()
    credit_scan(referrer.id, earned)
    return referrer, make_member(referral_code=referrer.member.referral_code)


def test_a_referral_bonus_that_crosses_a_threshold_raises_the_referrers_level(app, api, admin, make_member):
    _add_levels(api, admin)
    referrer, referred = _referrer_with_earnings(app, make_member, 495, 10)
    assert _level(referrer.id) == "normal"
    credit_scans_on_two_days(referred.id)  # the referred member's second day pays the bonus: 505 earned
    assert _level(referrer.id) == "silver"
    change = db.session.scalar(select(LevelChange).where(LevelChange.member_id == referrer.id))
    assert (change.from_code, change.to_code, change.source, change.earned_points) == ("normal", "silver", "auto", 505)


def test_a_complaint_reward_that_crosses_a_threshold_raises_the_level(api, admin, member):
    _add_levels(api, admin)
    credit_scan(member.id, 1990)
    assert _level(member.id) == "silver"
    complaint = api.post("/complaints", {"kind": "suggestion", "content": "建议增加礼品种类"}, token=member.token).json
    resolved = api.post(f"/admin/complaints/{complaint['id']}/resolve", {"result": "感谢建议", "reward_points": 10},
                        token=admin.token)
    assert resolved.status_code == 200, resolved.json
    assert _level(member.id) == "gold"
    assert api.get("/me", token=member.token).json["level"]["code"] == "gold"


def test_every_earning_kind_moves_the_level_when_credited_but_an_adjustment_does_not(api, admin, member, other_member):
    _add_levels(api, admin)
    grant_points(member.id, 500, kind="campaign_bonus")
    assert _level(member.id) == "silver"
    grant_points(other_member.id, 500, kind="adjust")  # a correction, not earning (levels.EARNING_KINDS)
    assert _level(other_member.id) == "normal"


def test_a_credit_leaves_a_pinned_level_alone(api, admin, member):
    _add_levels(api, admin)
    api.post(f"/admin/members/{member.id}/level", {"level_code": "normal", "reason": "测试"}, token=admin.token)
    grant_points(member.id, 600, kind="complaint_reward")
    assert _level(member.id) == "normal"
