"""A real scan, through POST /scans, drives the member lifecycle in its own transaction: the referrer's
bonus (once), the validity extension and the level upgrade (app/lifecycle/hooks.py)."""
from datetime import timedelta
from decimal import Decimal

from freezegun import freeze_time

from app.db import utcnow
from app.extensions import db
from app.lifecycle.levels import create_level
from app.members.models import Member
from app.timeutil import local_today


def _scan(api, who, code):
    return api.post("/scans", {"code": code}, token=who.token)


def test_a_scan_on_a_second_day_pays_the_referrer_once_extends_validity_and_upgrades_the_level(
        app, api, member, make_member, codes):
    create_level(code="silver", name="银卡会员", min_points=1, multiplier=Decimal("1.00"))
    referred = make_member(referral_code=member.member.referral_code)
    yesterday, first, second = codes(3)
    with freeze_time(utcnow() - timedelta(days=1)):
        assert _scan(api, referred, yesterday).status_code == 201
    assert api.get("/me", token=member.token).json["points_balance"] == 0  # one day of scans: no bonus yet

    assert _scan(api, referred, first).status_code == 201
    bonus = app.config["REFERRAL_BONUS_POINTS"]
    assert api.get("/me", token=member.token).json["points_balance"] == bonus
    me = api.get("/me", token=referred.token).json
    assert me["level"]["code"] == "silver"
    assert me["valid_until"] == (local_today() + timedelta(days=app.config["VALIDITY_EXTENSION_DAYS"])).isoformat()

    assert _scan(api, referred, second).status_code == 201
    assert api.get("/me", token=member.token).json["points_balance"] == bonus  # still once
    ledger = api.get("/me/points", token=member.token).json["items"]
    assert [e["kind"] for e in ledger] == ["referral_bonus"]


def test_a_scan_refused_by_the_lifecycle_leaves_nothing_behind(api, member, code):
    db.session.get(Member, member.id).valid_until = local_today() - timedelta(days=1)
    db.session.commit()
    response = _scan(api, member, code)
    assert response.status_code == 409 and response.json["error"]["code"] == "MEMBERSHIP_EXPIRED"
    assert api.get("/me/scans", token=member.token).json["total"] == 0
    assert api.get("/me/points", token=member.token).json["total"] == 0
