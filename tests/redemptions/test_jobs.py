"""The mall's scheduled jobs are declared with stable ids, and a second run changes nothing."""
from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.members.models import Member
from app.redemptions import service as redemptions

from ..factories import create_gift, grant_points


def test_mall_jobs_are_declared_with_stable_ids(runner):
    ids = {job.id for job in JOBS}
    assert {"cancel-uncollected-pickups", "recalculate-levels", "expire-points"} <= ids
    assert len(ids) == len(JOBS)
    listed = runner.invoke(args=["scheduler", "list"]).output
    assert "cancel-uncollected-pickups" in listed and "expire-points" in listed


def test_pickup_job_cancels_once_and_refunds(app, runner, member):
    grant_points(member.id, 300)
    gift_id = create_gift(points_cost=100, stock=3).id
    long_ago = utcnow() - timedelta(days=app.config["PICKUP_EXPIRY_DAYS"] + 2)
    redemption_id = redemptions.redeem(member.id, gift_id, 1, {"method": "pickup"}, now=long_ago)[0].id
    first = runner.invoke(args=["scheduler", "run-once", "cancel-uncollected-pickups"])
    second = runner.invoke(args=["scheduler", "run-once", "cancel-uncollected-pickups"])
    assert first.output.strip() == "cancel-uncollected-pickups: 1" and second.output.strip() == "cancel-uncollected-pickups: 0"
    db.session.rollback()  # the job ran in its own session: end our read snapshot
    assert redemptions.get_redemption(redemption_id).status == "cancelled"
    assert db.session.get(Member, member.id).points_balance == 300
