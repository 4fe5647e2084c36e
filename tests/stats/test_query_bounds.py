"""Weeks, periods and dates outside 2000–2099 are 422 with the field named (they used to reach date arithmetic
beyond Python's calendar: a 500); the extreme weeks, periods and dates inside the range answer 200."""
import pytest

from app.observations.service import iso_week
from app.stats.weeks import parse_week, shift_week, weeks_of_period

from .. import factories


@pytest.mark.parametrize("path, query, field", [
    ("/admin/stats/indicators", {"week": "0001-W01"}, "week"),
    ("/admin/stats/indicators", {"week": "1999-W52"}, "week"),
    ("/admin/stats/indicators", {"week": "2100-W01"}, "week"),
    ("/admin/stats/indicators", {"week": "9999-W52"}, "week"),
    ("/admin/stats/indicators", {"week": "２０２６-W47"}, "week"),
    ("/admin/stats/alerts", {"week": "0001-W01"}, "week"),
    ("/admin/stats/indicators/period", {"period": "9999"}, "period"),
    ("/admin/stats/indicators/period", {"period": "0001"}, "period"),
    ("/admin/stats/indicators/period", {"period": "0001-Q1"}, "period"),
    ("/admin/stats/indicators/period", {"period": "2100-01"}, "period"),
    ("/admin/stats/indicators/history", {"sku": "A", "from": "0001-W01", "to": "0001-W02"}, "from"),
    ("/admin/stats/indicators/history", {"sku": "A", "from": "2099-W52", "to": "2100-W01"}, "to"),
    ("/admin/stats/members/activity", {"to": "0001-01-01"}, "to"),
    ("/admin/stats/members/activity", {"from": "0001-01-01", "to": "0001-01-05"}, "from"),
    ("/admin/stats/members/activity", {"from": "9999-12-01", "to": "9999-12-31", "granularity": "month"}, "to"),
    ("/admin/stats/members/activity", {"from": "9999-12-01", "to": "9999-12-31", "granularity": "week"}, "to"),
    ("/admin/stats/points", {"to": "0001-01-10"}, "to"),
    ("/admin/stats/points", {"from": "9999-12-01", "to": "9999-12-31", "granularity": "month"}, "to"),
    ("/admin/stats/points", {"from": "9999-12-01", "to": "9999-12-31", "granularity": "week"}, "to"),
    ("/admin/stats/redemptions", {"by": "gift", "from": "0001-01-01", "to": "0001-01-02"}, "from"),
    ("/admin/stats/fraud", {"from": "0001-01-01", "to": "0001-01-01"}, "from"),
])
def test_weeks_periods_and_dates_outside_the_range_are_422(api, admin, path, query, field):
    factories.create_product(sku="A")
    response = api.get(path, token=admin.token, query_string=query)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("path, query", [
    ("/admin/stats/indicators", {"week": "2000-W01"}),
    ("/admin/stats/indicators", {"week": "2099-W52"}),
    ("/admin/stats/indicators", {"week": "2099-W53"}),
    ("/admin/stats/alerts", {"week": "2000-W01"}),
    ("/admin/stats/alerts", {"week": "2099-W53"}),
    ("/admin/stats/indicators/period", {"period": "2000"}),
    ("/admin/stats/indicators/period", {"period": "2000-01"}),
    ("/admin/stats/indicators/period", {"period": "2099"}),
    ("/admin/stats/indicators/period", {"period": "2099-Q4"}),
    ("/admin/stats/indicators/history", {"sku": "A", "from": "2000-W01", "to": "2000-W03"}),
    ("/admin/stats/indicators/history", {"sku": "A", "from": "2099-W50", "to": "2099-W53"}),
    ("/admin/stats/members/activity", {"to": "2000-01-01"}),
    ("/admin/stats/members/activity", {"from": "2000-01-01", "to": "2000-01-01", "granularity": "week"}),
    ("/admin/stats/members/activity", {"from": "2099-12-01", "to": "2099-12-31", "granularity": "month"}),
    ("/admin/stats/members/activity", {"from": "2099-12-01", "to": "2099-12-31", "granularity": "week"}),
    ("/admin/stats/points", {"to": "2000-01-01", "granularity": "month"}),
    ("/admin/stats/points", {"from": "2099-12-01", "to": "2099-12-31", "granularity": "week"}),
    ("/admin/stats/points", {"from": "2099-12-01", "to": "2099-12-31", "granularity": "month"}),
    ("/admin/stats/consumption", {"by": "week", "from": "2099-12-01", "to": "2099-12-31"}),
    ("/admin/stats/consumption", {"by": "month", "to": "2000-01-01"}),
    ("/admin/stats/redemptions", {"from": "2000-01-01", "to": "2000-01-02"}),
    ("/admin/stats/fraud", {"from": "2099-12-31", "to": "2099-12-31"}),
])
def test_the_extreme_weeks_periods_and_dates_inside_the_range_answer(api, admin, path, query):
    factories.create_product(sku="A")
    response = api.get(path, token=admin.token, query_string=query)
    assert response.status_code == 200, response.json


def test_week_labels_pad_the_year_to_four_digits():
    from datetime import date

    assert iso_week(date(1, 1, 1)) == "0001-W01"
    assert shift_week("2000-W01", -3) == "1999-W50"  # t−3 of the first week may name 1999


@pytest.mark.parametrize("label", ["0001-W01", "1999-W52", "2100-W01", "9999-W52"])
def test_weeks_outside_2000_to_2099_are_not_parsed(label):
    with pytest.raises(ValueError):
        parse_week(label)


@pytest.mark.parametrize("period", ["0001", "1999-12", "2100", "9999-Q4"])
def test_periods_outside_2000_to_2099_are_not_parsed(period):
    with pytest.raises(ValueError):
        weeks_of_period(period)


def test_recompute_cli_refuses_a_week_outside_the_range(app, runner):
    result = runner.invoke(args=["stats", "recompute", "--week", "0001-W01"])
    assert result.exit_code == 2 and "0001-W01" in result.output
