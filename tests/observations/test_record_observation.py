from datetime import date, datetime, timezone

import pytest

from app.observations.service import iso_week, record_observation, week_bounds

from ..factories import create_product, create_retailer


@pytest.mark.parametrize("day, label", [(date(2026, 11, 19), "2026-W47"), (date(2027, 1, 1), "2026-W53"),
                                        (date(2026, 1, 1), "2026-W01"), (date(2026, 12, 28), "2026-W53")])
def test_iso_week_labels(day, label):
    assert iso_week(day) == label


def test_week_bounds_run_monday_to_next_monday():
    assert week_bounds("2026-W47") == (date(2026, 11, 16), date(2026, 11, 23))
    with pytest.raises(ValueError):
        week_bounds("2026-47")


def test_observation_late_on_sunday_utc_counts_in_the_next_shanghai_week(app):
    retailer, product = create_retailer(), create_product()
    # 16:30 UTC on Sunday 22 Nov is 00:30 on Monday 23 Nov in Shanghai: week 48, not 47
    row = record_observation(retailer_id=retailer.id, product_id=product.id, stock_packs=5,
                             observed_at=datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc))
    assert (row.observed_on, row.week, row.demand_packs, row.channel) == (date(2026, 11, 23), "2026-W48", 0, "visit")


def test_observation_with_only_a_date_gets_that_dates_week(app):
    retailer, product = create_retailer(), create_product()
    row = record_observation(retailer_id=retailer.id, product_id=product.id, stock_packs=5, ordered_packs=3,
                             observed_on=date(2026, 11, 22), channel="phone")
    assert row.week == "2026-W47" and row.demand_packs == 3 and row.observed_at.date() == date(2026, 11, 22)


def test_iso_week_pads_the_year():
    assert iso_week(date(1, 1, 1)) == "0001-W01"


@pytest.mark.parametrize("label", ["0001-W01", "1999-W52", "2100-W01", "9999-W52"])
def test_week_bounds_refuse_weeks_outside_2000_to_2099(label):
    with pytest.raises(ValueError):
        week_bounds(label)
    assert week_bounds("2099-W53") == (date(2099, 12, 28), date(2100, 1, 4))
