"""DESIGN.md rules 2–4 under concurrent requests, on PostgreSQL."""
from sqlalchemy import func, select

from app.errors import ApiError
from app.extensions import db
from app.gifts.models import Gift, GiftStockMove
from app.members.models import Member
from app.points.models import LedgerEntry, PointLot
from app.points.service import ledger_sum
from app.redemptions import service
from app.redemptions.models import Redemption

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_gift, create_member, grant_points
from .test_redeem import PICKUP


def _outcome(call):
    try:
        call()
        return "ok"
    except ApiError as error:
        return error.code


def _assert_books_balance(member_ids, gift_id):
    db.session.expire_all()
    for member_id in member_ids:
        balance = db.session.get(Member, member_id).points_balance
        lots = db.session.scalar(select(func.coalesce(func.sum(PointLot.remaining), 0))
                                 .where(PointLot.member_id == member_id))
        assert balance == ledger_sum(member_id) == lots >= 0
    stock = db.session.get(Gift, gift_id).stock
    assert stock == db.session.scalar(select(func.sum(GiftStockMove.delta)).where(GiftStockMove.gift_id == gift_id))


@requires_postgres
def test_twenty_members_racing_for_the_last_five_units(app):
    members = [create_member(complete_profile=False).id for _ in range(20)]
    for member_id in members:
        grant_points(member_id, 300)
    gift_id = create_gift(points_cost=200, stock=5).id

    results = run_concurrently(app, lambda i: _outcome(lambda: service.redeem(members[i], gift_id, 1, PICKUP)), 20)

    assert results.count("ok") == 5 and set(results) <= {"ok", "OUT_OF_STOCK"}
    assert db.session.get(Gift, gift_id).stock == 0
    spent = db.session.scalar(select(func.sum(LedgerEntry.delta)).where(LedgerEntry.kind == "redeem"))
    assert spent == -5 * 200
    _assert_books_balance(members, gift_id)


@requires_postgres
def test_one_member_firing_ten_redemptions_never_overdraws(app):
    member_id = create_member(complete_profile=False).id
    grant_points(member_id, 350)  # affords exactly three at 100
    gift_id = create_gift(points_cost=100, stock=50).id

    results = run_concurrently(app, lambda i: _outcome(lambda: service.redeem(member_id, gift_id, 1, PICKUP)), 10)

    assert results.count("ok") == 3 and set(results) <= {"ok", "INSUFFICIENT_POINTS"}
    assert db.session.get(Member, member_id).points_balance == 50
    assert db.session.get(Gift, gift_id).stock == 47
    _assert_books_balance([member_id], gift_id)


@requires_postgres
def test_per_member_limit_holds_under_concurrency(app):
    member_id = create_member(complete_profile=False).id
    grant_points(member_id, 10_000)
    gift_id = create_gift(points_cost=10, stock=50, per_member_limit=2).id

    results = run_concurrently(app, lambda i: _outcome(lambda: service.redeem(member_id, gift_id, 1, PICKUP)), 8)

    assert results.count("ok") == 2 and set(results) <= {"ok", "LIMIT_REACHED"}
    _assert_books_balance([member_id], gift_id)


@requires_postgres
def test_concurrent_double_cancel_refunds_once(app):
    member_id = create_member(complete_profile=False).id
    grant_points(member_id, 500)
    gift_id = create_gift(points_cost=100, stock=5).id
    rid = service.redeem(member_id, gift_id, 2, PICKUP)[0].id

    def cancel(i):
        return _outcome(lambda: service.cancel(rid, by="member" if i % 2 else "admin",
                                               member_id=member_id if i % 2 else None))

    results = run_concurrently(app, cancel, 6)

    assert results.count("ok") == 1 and set(results) <= {"ok", "NOT_CANCELLABLE"}
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "refund")) == 1
    assert db.session.get(Redemption, rid).status == "cancelled"
    assert ledger_sum(member_id) == 500 and db.session.get(Gift, gift_id).stock == 5
    _assert_books_balance([member_id], gift_id)


@requires_postgres
def test_cancel_racing_fulfil_leaves_exactly_one_outcome(app, staff):
    member_id = create_member(complete_profile=False).id
    grant_points(member_id, 500)
    gift_id = create_gift(points_cost=100, stock=5).id
    redemption, _ = service.redeem(member_id, gift_id, 1, PICKUP)
    rid, code, staff_id = redemption.id, redemption.pickup_code, staff.id
    db.session.rollback()

    def act(i):
        if i % 2:
            return _outcome(lambda: service.cancel(rid, by="member", member_id=member_id))
        return _outcome(lambda: service.fulfil(code, staff_id=staff_id))

    results = run_concurrently(app, act, 6)

    assert results.count("ok") == 1
    status = db.session.get(Redemption, rid).status
    assert ledger_sum(member_id) == (500 if status == "cancelled" else 400)
    _assert_books_balance([member_id], gift_id)
