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
