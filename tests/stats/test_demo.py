from sqlalchemy import func, select

from app.db import transaction
from app.demo import seed_observations
from app.extensions import db
from app.observations.models import Observation
from app.stats.market import compute_week
from app.stats.weeks import previous_week

from .. import factories


def test_demo_observations_fill_the_indicators_of_last_week(app):
    products = [factories.create_product() for _ in range(2)]
    retailers = [factories.create_retailer(), factories.create_retailer(is_sample=False)]
    with transaction():
        seed_observations({"products": products, "retailers": retailers})
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 2 * 8  # sample retailer only
    assert len(compute_week(previous_week())) == 2


def test_demo_observations_need_products_and_retailers(app):
    seed_observations({})
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
