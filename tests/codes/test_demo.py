from sqlalchemy import func, select

from app.codes.models import CodeBatch, EarningRule, Scan
from app.demo import seed_demo
from app.extensions import db
from app.members.models import Member
from app.points.service import ledger_sum


def test_demo_seed_has_products_batches_rules_and_scans_whose_ledgers_add_up(app):
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(CodeBatch)) == 6
    assert db.session.scalar(select(func.count()).select_from(EarningRule)) == 2
    assert db.session.scalar(select(func.count()).select_from(Scan)) > 20
    for member in db.session.scalars(select(Member)):
        assert member.points_balance == ledger_sum(member.id) >= 0
