"""The farming attack: a member signs up made-up identities with his referral code (valid check digits,
unverified phones) and collects the bonus for each. Now a bonus needs a verified phone and scans on two
days, at most REFERRAL_MONTHLY_CAP a month, once per referred member."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time

from app.db import utcnow
from app.extensions import db
from app.members.identity import compose_id_number
from app.points.service import ledger_sum

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_member, credit_scan, credit_scans_on_two_days, sign_up_body


def _made_up_identity(i):
    """Any region, any birth date, a right check digit: what the attacker typed."""
    return compose_id_number(["110105", "310115", "440106"][i % 3], datetime(1970 + i, 1 + i, 1 + i).date(), 500 + i)


def test_three_made_up_identities_cannot_even_sign_up_without_the_phones_codes(api, member):
    for i in range(3):
        body = sign_up_body(id_number=_made_up_identity(i), referral_code=member.member.referral_code)
        body.pop("sms_code")
        assert api.post("/members", body).status_code == 422
        assert api.post("/members", dict(body, sms_code="123456")).json["error"]["code"] == "SMS_CODE_INVALID"


def test_three_identities_with_unverified_phones_earn_the_referrer_nothing(app, api, member):
    """Even where the phones were never proven (verification switched off, or members from before it)."""
    app.config["PHONE_VERIFICATION"] = False
    fakes = []
    for i in range(3):
        body = sign_up_body(id_number=_made_up_identity(i), referral_code=member.member.referral_code)
        body.pop("sms_code")
        response = api.post("/members", body)
        assert response.status_code == 201
        fakes.append(response.json["member"]["id"])
    for fake in fakes:
        credit_scans_on_two_days(fake)
    assert ledger_sum(member.id) == 0  # not 3 × 50


def test_verified_members_scanning_on_one_day_only_earn_the_referrer_nothing(app, member):
    referred = [create_member(referral_code=member.member.referral_code) for _ in range(3)]
    for r in referred:
        credit_scan(r.id)
        credit_scan(r.id)
    assert ledger_sum(member.id) == 0


def test_two_scans_either_side_of_shanghai_midnight_are_two_days(app, member):
    referred = create_member(referral_code=member.member.referral_code)
    credit_scan(referred.id, now=datetime(2026, 12, 1, 15, 50, tzinfo=timezone.utc))  # 23:50 in Shanghai
    with freeze_time("2026-12-01T16:10:00+00:00"):  # 00:10 on 2 December in Shanghai, 16:10 on 1 December in UTC
        credit_scan(referred.id)
    assert ledger_sum(member.id) == app.config["REFERRAL_BONUS_POINTS"]


def test_the_monthly_cap_holds_and_the_rest_waits_for_next_month(app, member):
    app.config["REFERRAL_MONTHLY_CAP"] = 2
    bonus = app.config["REFERRAL_BONUS_POINTS"]
    referred = [create_member(referral_code=member.member.referral_code) for _ in range(3)]
    december = datetime(2026, 12, 10, 4, tzinfo=timezone.utc)
    for r in referred:
        credit_scan(r.id, now=december)
        credit_scan(r.id, now=december + timedelta(days=1))
    assert ledger_sum(member.id) == 2 * bonus
    credit_scan(referred[2].id, now=december + timedelta(days=2))  # still December: no room
    assert ledger_sum(member.id) == 2 * bonus
    credit_scan(referred[2].id, now=datetime(2027, 1, 3, 4, tzinfo=timezone.utc))  # January has room
    credit_scan(referred[0].id, now=datetime(2027, 1, 3, 5, tzinfo=timezone.utc))  # paid already: never again
    assert ledger_sum(member.id) == 3 * bonus


@requires_postgres
def test_concurrent_qualifying_scans_cannot_pass_the_cap(app, member):
    app.config["REFERRAL_MONTHLY_CAP"] = 3
    referred = [create_member(referral_code=member.member.referral_code).id for _ in range(8)]
    yesterday = utcnow() - timedelta(days=1)
    for r in referred:
        credit_scan(r, now=yesterday)
    run_concurrently(app, lambda i: credit_scan(referred[i]), len(referred))
    db.session.expire_all()
    assert ledger_sum(member.id) == 3 * app.config["REFERRAL_BONUS_POINTS"]
