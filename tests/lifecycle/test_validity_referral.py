from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.lifecycle.models import ReferralReward, ValidityChange
from app.lifecycle.validity import MembershipExpired
from app.members.models import Member
from app.points.models import LedgerEntry
from app.points.service import ledger_sum
from app.timeutil import local_today

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_gift, create_member, credit_scan, credit_scans_on_two_days


def _member(member_id):
    db.session.expire_all()
    return db.session.get(Member, member_id)


def test_a_scan_extends_validity_to_the_configured_period_after_it(app, member):
    app.config["VALIDITY_EXTENSION_DAYS"] = 500
    credit_scan(member.id)
    assert _member(member.id).valid_until == local_today() + timedelta(days=500)
    change = db.session.scalar(select(ValidityChange))
    assert change.source == "auto"


def test_a_scan_never_shortens_validity(app, api, admin, member):
    far = (local_today() + timedelta(days=2000)).isoformat()
    api.post(f"/admin/members/{member.id}/validity", {"valid_until": far, "reason": "终身会员"}, token=admin.token)
    credit_scan(member.id)
    assert _member(member.id).valid_until.isoformat() == far


def test_an_expired_membership_cannot_earn(app, api, admin, member):
    past = (local_today() - timedelta(days=1)).isoformat()
    api.post(f"/admin/members/{member.id}/validity", {"valid_until": past, "reason": "测试"}, token=admin.token)
    with pytest.raises(MembershipExpired):
        credit_scan(member.id, 5)
    assert ledger_sum(member.id) == 0


def test_admin_validity_change_is_recorded_with_its_reason(api, admin, member):
    target = (local_today() + timedelta(days=730)).isoformat()
    response = api.post(f"/admin/members/{member.id}/validity", {"valid_until": target, "reason": "续费两年"},
                        token=admin.token)
    assert response.status_code == 200 and response.json["valid_until"] == target
    items = api.get(f"/admin/members/{member.id}/validity-changes", token=admin.token).json["items"]
    assert items[0]["reason"] == "续费两年" and items[0]["to_date"] == target and items[0]["source"] == "admin"


def test_referrer_earns_the_bonus_once_when_the_referred_member_scans_on_a_second_day(app, member):
    referred = create_member(referral_code=member.member.referral_code)
    credit_scan(referred.id)
    credit_scan(referred.id)
    assert ledger_sum(member.id) == 0  # two scans on one day: not yet
    credit_scans_on_two_days(referred.id)
    credit_scan(referred.id)
    bonus = app.config["REFERRAL_BONUS_POINTS"]
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "referral_bonus")).all()
    assert [(e.member_id, e.delta) for e in entries] == [(member.id, bonus)]
    assert ledger_sum(member.id) == bonus
    reward = db.session.get(ReferralReward, referred.id)
    assert reward.referrer_id == member.id and reward.entry_id == entries[0].id


def test_no_referrer_no_bonus(member):
    credit_scan(member.id)
    assert db.session.scalar(select(func.count()).select_from(ReferralReward)) == 0


@requires_postgres
def test_racing_first_scans_pay_the_referral_bonus_once(app, member):
    referrer_id = member.id
    referred_id = create_member(referral_code=member.member.referral_code).id
    credit_scan(referred_id, now=utcnow() - timedelta(days=1))
    run_concurrently(app, lambda i: credit_scan(referred_id), 8)
    bonus = app.config["REFERRAL_BONUS_POINTS"]
    assert ledger_sum(referrer_id) == bonus
    assert ledger_sum(referred_id) == 9



def test_hooks_accept_a_missing_now(app, member):
    """The scan credit may pass now=None; the subscribers then use the current time."""
    from app.codes.models import Scan
    from app.db import transaction
    from app.points import hooks

    referred = create_member(referral_code=member.member.referral_code)
    credit_scan(referred.id, now=utcnow() - timedelta(days=1))
    scan_id = credit_scan(member.id).id  # any credited scan row of today will do for the hook's argument
    app.config["VALIDITY_EXTENSION_DAYS"] = 900
    with transaction():
        hooks.scan_credited(referred.id, db.session.get(Scan, scan_id), None)
    assert _member(referred.id).valid_until == local_today() + timedelta(days=900)
    assert db.session.get(ReferralReward, referred.id).created_at is not None
    assert ledger_sum(member.id) == 1 + app.config["REFERRAL_BONUS_POINTS"]


def _expire(api, admin, member_id):
    past = (local_today() - timedelta(days=1)).isoformat()
    response = api.post(f"/admin/members/{member_id}/validity", {"valid_until": past, "reason": "测试"},
                        token=admin.token)
    assert response.status_code == 200
    return past


def test_an_expired_referrer_still_gets_the_bonus_but_stays_expired(app, api, admin, member):
    """The bonus pays for the referred member's act, not the referrer's own earning (validity.py)."""
    referred = create_member(referral_code=member.member.referral_code)
    past = _expire(api, admin, member.id)
    credit_scans_on_two_days(referred.id)
    assert ledger_sum(member.id) == app.config["REFERRAL_BONUS_POINTS"] == _member(member.id).points_balance
    assert _member(member.id).valid_until.isoformat() == past  # a bonus renews nothing
    gift_id = create_gift(points_cost=1).id
    refused = api.post("/redemptions", {"gift_id": gift_id, "delivery": {"method": "pickup"}}, token=member.token)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "MEMBERSHIP_EXPIRED"
