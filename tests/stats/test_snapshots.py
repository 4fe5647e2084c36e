"""Weekly snapshots: the Monday job, recomputation, idempotence, and the period figures built on them."""
import threading
import time
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from app.db import transaction
from app.extensions import db
from app.observations.service import record_observation
from app.jobs import JOBS
from app.stats.models import IndicatorSnapshot
from app.stats.snapshots import recompute_week, snapshot_previous_week
from app.stats.weeks import weeks_of_period

from .. import factories
from ..conftest import requires_postgres, run_concurrently
from ..observations.test_import import HEADER, upload
from .market_data import WEEK, build, fetch, observe
from .test_indicators import SPEC_A

MONDAY_MORNING = datetime(2026, 11, 22, 18, 30, tzinfo=timezone.utc)  # Mon 23 Nov 02:30 in Shanghai


def snapshot_rows():
    return db.session.execute(select(IndicatorSnapshot.product_id, IndicatorSnapshot.group_by,
                                     IndicatorSnapshot.group_key, IndicatorSnapshot.components,
                                     IndicatorSnapshot.computed_at).order_by(IndicatorSnapshot.id)).all()


def test_monday_job_stores_last_week_for_every_grouping(app):
    data = build()
    result = snapshot_previous_week(now=MONDAY_MORNING)
    assert result["week"] == WEEK
    # the observed weeks before it had no snapshot yet: the job stores them too
    assert result["restored"] == ["2026-W43", "2026-W44", "2026-W45", "2026-W46"]
    groupings = set(db.session.scalars(select(IndicatorSnapshot.group_by).distinct()))
    assert groupings == {"", "format", "market_type", "district_type", "customer_class", "region", "city"}
    plain = db.session.scalar(select(IndicatorSnapshot).where(IndicatorSnapshot.product_id == data["a"].id,
                                                              IndicatorSnapshot.group_by == "",
                                                              IndicatorSnapshot.week == WEEK))
    assert plain.retailers == 5 and plain.components["q"] == 9


def test_second_run_changes_nothing(app):
    build()
    first = snapshot_previous_week(now=MONDAY_MORNING)
    before = snapshot_rows()
    second = snapshot_previous_week(now=datetime(2026, 11, 22, 19, 0, tzinfo=timezone.utc))
    assert second["written"] == 0 and second["deleted"] == 0 and second["unchanged"] == first["written"]
    assert snapshot_rows() == before


def test_recompute_replaces_a_past_week_after_late_observations(app):
    data = build()
    recompute_week(WEEK)
    count = db.session.scalar(select(func.count()).select_from(IndicatorSnapshot))
    r5 = data["r"][4]
    observe(r5, data["b"], "W47", 3, 3)  # a late import: B now ordered by r5 as well
    result = recompute_week(WEEK)
    assert result["written"] > 0
    assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)) == count
    plain_b = db.session.scalar(select(IndicatorSnapshot).where(IndicatorSnapshot.product_id == data["b"].id,
                                                                IndicatorSnapshot.group_by == ""))
    assert plain_b.components["ordered"] == 3


def test_job_is_declared_for_monday_early_morning():
    job = next(j for j in JOBS if j.id == "indicator-snapshots")
    assert job.trigger == "cron" and job.args["day_of_week"] == "mon" and job.args["hour"] < 6


def test_cli_recomputes_a_week(app, runner):
    build()
    result = runner.invoke(args=["stats", "recompute", "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert "2026-W47" in result.output
    assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)) > 0
    assert runner.invoke(args=["stats", "recompute", "--week", "2026-47"]).exit_code != 0


def test_month_sums_the_weekly_components_from_snapshots_and_live_weeks(api, admin):
    build()
    recompute_week(WEEK)  # W47 from its snapshot, the other weeks of November live
    response = api.get("/admin/stats/indicators/period", token=admin.token,
                       query_string={"period": "2026-11", "sku": "A"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["weeks"] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    (item,) = body["items"]
    # W45: R = {r2}, r2 ordered in W45 → listed 1/1; W46: R = {r1, r2, r4} (r6 not a sample), listed r1 r2 → 2/3;
    # W47 as in SPEC_A 4/5. Pooled: (1 + 2 + 4) / (1 + 3 + 5) = 7/9.
    assert item["listing_rate"] == 0.7778
    assert item["weeks"] == 3 and item["retailers"] == 3  # mean of 1, 3, 5
    # W46 has no sales with a price; W45 has q only where W44 was seen — r2 not; so the price sums are W47's
    assert item["price_index"] == SPEC_A["price_index"]


def test_weeks_of_periods_follow_the_thursday_rule():
    assert weeks_of_period("2026-11")[0] == "2026-W45"
    assert weeks_of_period("2026-Q4")[-1] == "2026-W53"
    assert len(weeks_of_period("2026")) == 53 and len(weeks_of_period("2025")) == 52
    assert weeks_of_period("2027")[0] == "2027-W01"


def test_bad_period_is_422(api, admin):
    response = api.get("/admin/stats/indicators/period", token=admin.token, query_string={"period": "2026-13"})
    assert response.status_code == 422 and "period" in response.json["error"]["fields"]


def test_history_lists_each_week_from_snapshots_or_live(api, admin):
    build()
    recompute_week(WEEK)
    body = fetch(api, admin, "/admin/stats/indicators/history", sku="A", **{"from": "2026-W46", "to": WEEK})
    assert [(i["week"], i["retailers"]) for i in body["items"]] == [("2026-W46", 3), (WEEK, 5)]
    assert body["items"][1] == {"week": WEEK, **SPEC_A}
    assert (body["from"], body["to"]) == ("2026-W46", WEEK)


def test_history_with_the_weeks_reversed_is_422(api, admin):
    response = api.get("/admin/stats/indicators/history", token=admin.token,
                       query_string={"sku": "A", "from": WEEK, "to": "2026-W40"})
    assert response.status_code == 422 and "from" in response.json["error"]["fields"]


@requires_postgres
def test_concurrent_recomputations_of_a_week_all_succeed_with_one_set_of_rows(app):
    build()
    expected = recompute_week(WEEK)["written"]
    for _ in range(3):
        db.session.execute(IndicatorSnapshot.__table__.delete())
        db.session.commit()
        results = run_concurrently(app, lambda i: recompute_week(WEEK), 8)
        assert sorted(r["written"] for r in results) == [0] * 7 + [expected]
        assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)) == expected


def stored_weeks():
    return sorted(set(db.session.scalars(select(IndicatorSnapshot.week))))


def test_snapshots_store_the_unobserved_active_specs_like_the_live_figures(app):
    build()
    c = factories.create_product(sku="C")
    recompute_week(WEEK)
    plain_c = db.session.scalar(select(IndicatorSnapshot).where(IndicatorSnapshot.product_id == c.id,
                                                                IndicatorSnapshot.group_by == ""))
    assert plain_c.retailers == 5 and plain_c.components["listed"] == 0


def test_late_import_drops_the_snapshots_of_its_week_and_the_three_after(api, admin):
    data = build()
    for week in ("2026-W45", "2026-W46", WEEK):
        recompute_week(week)
    from_snapshot = fetch(api, admin, "/admin/stats/indicators/history", sku="A", **{"from": WEEK, "to": WEEK})
    assert from_snapshot["items"] == [{"week": WEEK, **SPEC_A}]
    r5 = data["r"][4]
    text = HEADER + f"2026-11-10,{r5.licence_no},A,3,0,,false,,,phone\n"  # W46: now r5 has a q in W47 (3+5−5)
    assert upload(api, admin.token, text).json == {"imported": 1, "errors": []}
    assert stored_weeks() == ["2026-W45"]  # W46 and W47 (and W48, W49 had they been stored) are stale
    live = fetch(api, admin, "/admin/stats/indicators", week=WEEK, sku="A")["items"][0]
    assert live["stock_sales_ratio"] != SPEC_A["stock_sales_ratio"]
    history = fetch(api, admin, "/admin/stats/indicators/history", sku="A", **{"from": WEEK, "to": WEEK})
    assert history["items"] == [{"week": WEEK, **live}]
    # the Monday job stores last week again, and the earlier observed weeks that lost their snapshot
    result = snapshot_previous_week(now=MONDAY_MORNING)
    assert result["restored"] == ["2026-W43", "2026-W44", "2026-W46"]
    plain = db.session.scalar(select(IndicatorSnapshot).where(IndicatorSnapshot.product_id == data["a"].id,
                                                              IndicatorSnapshot.group_by == "",
                                                              IndicatorSnapshot.week == WEEK))
    assert plain.components["q"] == 12
    assert fetch(api, admin, "/admin/stats/indicators/history", sku="A",
                 **{"from": WEEK, "to": WEEK})["items"] == [{"week": WEEK, **live}]


def test_visit_observation_drops_a_stored_snapshot_in_each_transaction(app):
    data = build()
    shop, spec = data["r"][0], data["a"]
    for _ in range(2):  # the second time checks that "already dropped" does not outlive a transaction
        recompute_week(WEEK)
        assert stored_weeks() == [WEEK]
        with transaction():
            for stock in (4, 3):  # several rows of one week in one transaction
                record_observation(retailer_id=shop.id, product_id=spec.id, stock_packs=stock, channel="visit",
                                   observed_at=datetime(2026, 11, 20, 3, tzinfo=timezone.utc))
        assert stored_weeks() == []


def test_observation_rolled_back_leaves_the_snapshots(app):
    data = build()
    recompute_week(WEEK)
    try:
        with transaction():
            record_observation(retailer_id=data["r"][0].id, product_id=data["a"].id, stock_packs=1,
                               observed_on=date(2026, 11, 18))
            raise RuntimeError("the use case fails after recording")
    except RuntimeError:
        pass
    assert stored_weeks() == [WEEK]


@requires_postgres
def test_recomputation_waits_for_an_observation_being_recorded_and_includes_it(app):
    """The job recomputes W47 while an import into W47 is still open: it must not store figures without the
    import's rows after the import committed (it waits for the week's lock, then reads)."""
    data = build()
    recorded, timeline = threading.Event(), []

    def work(i):
        if i == 0:  # the import: records, then keeps its transaction open a moment
            with transaction():
                record_observation(retailer_id=data["r"][4].id, product_id=data["b"].id, stock_packs=0,
                                   ordered_packs=7, observed_on=date(2026, 11, 18), channel="phone")
                recorded.set()
                time.sleep(0.5)
            timeline.append("import committed")
            return None
        recorded.wait(10)
        result = recompute_week(WEEK)
        timeline.append("recomputed")
        return result

    run_concurrently(app, work, 2)
    assert timeline == ["import committed", "recomputed"]
    plain_b = db.session.scalar(select(IndicatorSnapshot).where(IndicatorSnapshot.product_id == data["b"].id,
                                                                IndicatorSnapshot.group_by == "",
                                                                IndicatorSnapshot.week == WEEK))
    assert plain_b.components["ordered"] == 7
