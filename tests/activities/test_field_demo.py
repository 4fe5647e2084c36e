from sqlalchemy import func, select

from app.activities.models import Activity
from app.extensions import db
from app.observations.models import Observation
from app.promo import service as promo
from app.retailers.models import Retailer
from app.visits.models import Visit


def test_demo_seed_fills_the_field_side_consistently(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Retailer) == 30 and count(Activity) == 2
    assert count(Visit) > 10 and count(Observation) > 30
    assert db.session.scalar(select(func.count()).where(Visit.status == "open")) == 0
    assert len(promo.list_items()) == 4 and promo.audit() == []


def test_demo_seed_shows_an_exchange_by_member_code_and_a_requisition_waiting_for_approval(runner):
    from app.members.member_codes import MemberCode
    from app.promo.models import PromoMovement, PromoRequisition

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    exchange = db.session.scalars(select(PromoMovement).where(PromoMovement.kind == "exchange")).one()
    used = db.session.scalars(select(MemberCode).where(MemberCode.used_at.is_not(None))).one()
    assert exchange.member_id == used.member_id and exchange.points == 30
    statuses = sorted(db.session.scalars(select(PromoRequisition.status)))
    assert statuses == ["approved", "pending"]
