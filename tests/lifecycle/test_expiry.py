from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from app.auth.tokens import issue_token
from app.extensions import db
from app.members.models import Member
from app.lifecycle.expiry import expire_lapsed, summary
from app.points.models import LedgerEntry, PointLot
from app.points.service import InsufficientPoints, ledger_sum, post_entry
from app.db import transaction
from app.redemptions import service as redemptions

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_gift, grant_points

PICKUP = {"method": "pickup"}


def at(text):  # a Shanghai wall-clock time as an aware UTC datetime
    return datetime.fromisoformat(text + "+08:00").astimezone(timezone.utc)


def _balance(member_id):
    db.session.expire_all()
    return db.session.get(Member, member_id).points_balance


def _lots_total(member_id):
    return db.session.scalar(select(func.sum(PointLot.remaining)).where(PointLot.member_id == member_id))


def test_points_earned_in_a_year_expire_at_the_end_of_the_next(member):
    grant_points(member.id, 100, now=at("2025-01-01T00:05:00"))
    grant_points(member.id, 40, now=at("2025-12-31T23:59:00"))
    grant_points(member.id, 7, now=at("2026-01-01T00:00:01"))  # Shanghai's new year, still 2025 in UTC
    assert expire_lapsed(now=at("2026-12-31T23:59:00")) == 0
    assert expire_lapsed(now=at("2027-01-01T00:20:00")) == 140
    assert _balance(member.id) == 7 == ledger_sum(member.id) == _lots_total(member.id)
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "expire")).all()
    assert sorted(e.delta for e in entries) == [-100, -40]


def test_expiry_job_run_twice_expires_once(member):
    grant_points(member.id, 100, now=at("2025-06-01T12:00:00"))
    later = at("2027-01-02T00:20:00")
    assert expire_lapsed(now=later) == 100
    assert expire_lapsed(now=later) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.kind == "expire")) == 1
    assert _balance(member.id) == 0


def test_spending_takes_the_soonest_expiring_points_first(member):
    grant_points(member.id, 100, now=at("2025-03-01T10:00:00"))  # expires 2026-12-31
    grant_points(member.id, 100, now=at("2026-03-01T10:00:00"))  # expires 2027-12-31
    with transaction():
        post_entry(member.id, -150, "adjust", now=at("2026-06-01T10:00:00"))
    assert expire_lapsed(now=at("2027-01-01T01:00:00")) == 0  # the old lot was spent in full
    assert expire_lapsed(now=at("2028-01-01T01:00:00")) == 50
    assert _balance(member.id) == 0


def test_a_refund_gives_back_points_with_their_own_expiry(member):
    grant_points(member.id, 100, now=at("2025-03-01T10:00:00"))  # expires 2026-12-31
    gift = create_gift(points_cost=100, stock=1)
    redemption, _ = redemptions.redeem(member.id, gift.id, 1, PICKUP, now=at("2026-12-30T10:00:00"))
    redemptions.cancel(redemption.id, by="member", member_id=member.id, now=at("2026-12-30T11:00:00"))
    assert summary(member.id, now=at("2026-12-30T12:00:00"))["next_expiry"] == {
        "expires_on": date(2026, 12, 31), "points": 100, "lapsed": False}
    assert expire_lapsed(now=at("2027-01-01T00:20:00")) == 100


def _token(member_id):
    with transaction():
        return issue_token(member_id=member_id)[0]


def test_expiry_across_the_year_boundary_with_frozen_clock(api, member):
    with freeze_time("2025-07-01 04:00:00"):
        grant_points(member.id, 80)
    with freeze_time("2026-12-31 15:59:00"):  # 23:59 on 31 Dec in Shanghai: still spendable
        assert expire_lapsed() == 0
        assert api.get("/me/points/summary", token=_token(member.id)).json["next_expiry"] == {
            "expires_on": "2026-12-31", "points": 80, "lapsed": False}
    with freeze_time("2026-12-31 16:01:00"):  # 00:01 on 1 Jan 2027 in Shanghai
        assert expire_lapsed() == 80
        body = api.get("/me/points/summary", token=_token(member.id)).json
    assert body == {"balance": 0, "expiring": [], "next_expiry": None}


def test_balance_invariants_hold_through_mixed_postings(member):
    grant_points(member.id, 30, now=at("2025-02-01T10:00:00"))
    grant_points(member.id, 50, now=at("2026-02-01T10:00:00"))
    with transaction():
        post_entry(member.id, -60, "adjust", now=at("2026-03-01T10:00:00"))
    try:
        with transaction():
            post_entry(member.id, -21, "adjust")
    except InsufficientPoints:
        pass
    assert _balance(member.id) == 20 == ledger_sum(member.id) == _lots_total(member.id)


def test_expire_points_job_via_cli_is_idempotent(runner, member):
    grant_points(member.id, 10, now=at("2020-01-01T10:00:00"))
    first = runner.invoke(args=["scheduler", "run-once", "expire-points"])
    second = runner.invoke(args=["scheduler", "run-once", "expire-points"])
    assert first.output.strip() == "expire-points: 10" and second.output.strip() == "expire-points: 0"


def _expire_entries():
    db.session.rollback()
    return db.session.execute(select(LedgerEntry.member_id, LedgerEntry.delta, LedgerEntry.ref)
                              .where(LedgerEntry.kind == "expire").order_by(LedgerEntry.id)).all()


def _lot_of(entry):
    return db.session.scalar(select(PointLot.id).where(PointLot.entry_id == entry.id))


def test_a_redemption_after_the_year_boundary_writes_off_lapsed_points_before_spending(api, member):
    """The nightly run has not come yet at 00:01 on 1 January: the lapsed lot is written off by the spend itself,
    in its transaction, and the nightly run then finds nothing left to do."""
    with freeze_time("2025-07-01 04:00:00"):
        old_lot = _lot_of(grant_points(member.id, 80))       # spendable through 2026-12-31
    with freeze_time("2026-03-01 04:00:00"):
        grant_points(member.id, 30)                          # spendable through 2027-12-31
    dear, cheap = create_gift(name="保温杯", points_cost=50).id, create_gift(name="雨伞", points_cost=20).id
    with freeze_time("2026-12-31 15:59:00"):                 # 23:59 on 31 Dec in Shanghai: all 110 still count
        assert summary(member.id)["balance"] == 110 and _expire_entries() == []
    with freeze_time("2026-12-31 16:01:00"):                 # 00:01 on 1 Jan 2027: the 80 have lapsed
        token = _token(member.id)
        refused = api.post("/redemptions", {"gift_id": dear, "delivery": PICKUP}, token=token)
        assert refused.status_code == 409 and refused.json["error"]["code"] == "INSUFFICIENT_POINTS"
        assert _expire_entries() == [] and _balance(member.id) == 110  # refused: the write-off rolled back too
        spent = api.post("/redemptions", {"gift_id": cheap, "delivery": PICKUP}, token=token)
        assert spent.status_code == 201 and spent.json["balance"] == 10
        assert _expire_entries() == [(member.id, -80, f"lot:{old_lot}")]
        assert expire_lapsed() == 0                          # the nightly run: nothing left
        assert expire_lapsed() == 0
    assert _expire_entries() == [(member.id, -80, f"lot:{old_lot}")]
    assert _balance(member.id) == 10 == ledger_sum(member.id) == _lots_total(member.id)


def test_an_exchange_writes_off_lapsed_points_first_and_the_nightly_run_adds_nothing(member):
    from app.members import member_codes
    from app.promo import service as promo

    from ..factories import create_staff

    old_lot = _lot_of(grant_points(member.id, 100, now=at("2025-03-01T10:00:00")))  # through 2026-12-31
    grant_points(member.id, 30, now=at("2026-03-01T10:00:00"))                       # through 2027-12-31
    staff, admin = create_staff(), create_staff(role="admin")
    item = promo.create_item(name="打火机", unit="个", unit_cost="2.50", points_cost=20)
    promo.inbound(item_id=item.id, quantity=10, recorded_by=admin.id)
    promo.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=10)
    morning = at("2027-01-01T08:00:00")  # 100 lapsed overnight, the nightly run has not written them off yet
    exchanged = promo.move(staff_id=staff.id, kind="exchange", item_id=item.id, quantity=1,
                           member_code=member_codes.issue(member.id, now=morning)[0], now=morning)
    assert exchanged.on_hand == 9 and _balance(member.id) == 10
    assert _expire_entries() == [(member.id, -100, f"lot:{old_lot}")]
    with pytest.raises(InsufficientPoints):  # 10 left: the lapsed 100 are not there to spend
        promo.move(staff_id=staff.id, kind="exchange", item_id=item.id, quantity=1,
                   member_code=member_codes.issue(member.id, now=morning)[0], now=morning)
    assert promo.stock_of(staff.id)[0]["quantity"] == 9
    assert expire_lapsed(now=morning) == 0
    assert _expire_entries() == [(member.id, -100, f"lot:{old_lot}")]
    assert _balance(member.id) == 10 == ledger_sum(member.id) == _lots_total(member.id)


@requires_postgres
def test_spends_racing_the_nightly_run_write_each_lapsed_lot_off_once(app, member):
    old_lot = _lot_of(grant_points(member.id, 100, now=at("2025-03-01T10:00:00")))  # lapsed by `later`
    grant_points(member.id, 100, now=at("2026-03-01T10:00:00"))
    later = at("2027-01-01T08:00:00")
    member_id = member.id  # read here: the threads must not touch this thread's session (the ORM object)

    def work(i):
        if i % 3 == 0:
            return expire_lapsed(now=later)
        with transaction():
            post_entry(member_id, -10, "adjust", now=later)
        return None

    results = run_concurrently(app, work, 12)
    assert _expire_entries() == [(member.id, -100, f"lot:{old_lot}")]
    assert sum(r for r in results if r is not None) in (0, 100)
    assert _balance(member.id) == 100 - 8 * 10 == ledger_sum(member.id) == _lots_total(member.id)
