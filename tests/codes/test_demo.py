from sqlalchemy import func, select

from app.codes.models import CodeBatch, EarningRule, Scan
from app.demo import seed_demo
from app.extensions import db
from app.members.models import Member
from app.points.service import ledger_sum


def test_demo_seed_has_products_batches_rules_and_scans_whose_ledgers_add_up(app):
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(CodeBatch)) == 7
    assert db.session.scalar(select(func.count()).select_from(EarningRule)) == 2
    assert db.session.scalar(select(func.count()).select_from(Scan)) > 20
    for member in db.session.scalars(select(Member)):
        assert member.points_balance == ledger_sum(member.id) >= 0


def test_every_demo_ledger_reads_in_time_order_and_sign_ups_are_spread_out(app):
    """The demo is what a new user reads first: balance_after must grow along the time line, not jump about."""
    from app.points.models import LedgerEntry
    from app.timeutil import local_today

    seed_demo()
    for member in db.session.scalars(select(Member)):
        entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id)
                                     .order_by(LedgerEntry.id)).all()
        times = [entry.created_at for entry in entries]
        assert times == sorted(times), member.id
        assert not entries or entries[0].created_at >= member.created_at
    joined_days = {local_today(m.created_at) for m in db.session.scalars(select(Member))}
    assert len(joined_days) > 10


def test_the_demo_leaves_a_batch_of_codes_nobody_scanned_and_seed_names_it(app, runner):
    from app.codes.demo import unused_batch_id

    result = runner.invoke(args=["demo", "seed"])
    batch_id = unused_batch_id()
    assert batch_id and f"/api/v1/admin/code-batches/{batch_id}/codes.csv" in result.output
    assert db.session.scalar(select(func.count()).select_from(Scan).where(Scan.batch_id == batch_id)) == 0
