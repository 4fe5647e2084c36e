"""Member, consumption, points and fraud statistics."""
import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.codes.models import CodeBatch, Scan
from app.db import transaction
from app.members import service as member_service
from app.points.service import post_entry
from app.timeutil import local_today

from .. import factories
from .market_data import fetch

_codes = itertools.count(1)


def at(day, hour=10):
    """A UTC instant at `hour` o'clock Shanghai time on `day`."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc) - timedelta(hours=8)


def join(region="440106", birth=date(1990, 5, 17), joined=None, **profile):
    handle = factories.create_member(id_number=factories.next_id_number(birth=birth),
                                     **({"now": joined} if joined else {}))
    if region != "440106" or profile:
        member_service.update_profile(handle.id, {"region_code": region, **profile})
    return handle


def scan(handle, product, when, ip=None, lat=None, lon=None, region="440106"):
    with transaction() as session:
        batch = session.query(CodeBatch).filter_by(product_id=product.id).first()
        if batch is None:
            batch = CodeBatch(product_id=product.id, count=1000)
            session.add(batch)
            session.flush()
        session.add(Scan(code=f"C{next(_codes):010d}", batch_id=batch.id, product_id=product.id,
                         member_id=handle.id, points_awarded=1, region_code=region, client_ip=ip,
                         lat=None if lat is None else Decimal(str(lat)), lon=None if lon is None else Decimal(str(lon)),
                         created_at=when))


def years_ago(years, days=0):
    today = local_today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def test_members_by_city_and_province_with_filters(api, admin):
    join("440106")
    join("440104", preferred_category="slim")
    join("430102")
    body = fetch(api, admin, "/admin/stats/members", by="city")
    assert body == {"dimension": "city", "total": 3, "items": [{"key": "440100", "count": 2},
                                                               {"key": "430100", "count": 1}]}
    assert fetch(api, admin, "/admin/stats/members", by="county", region="440000")["total"] == 2
    assert fetch(api, admin, "/admin/stats/members", by="province", preferred_category="slim")["items"] == [
        {"key": "440000", "count": 1}]


def test_members_by_age_band_uses_exact_ages(api, admin):
    join(birth=years_ago(25))             # 25 today
    join(birth=years_ago(25, days=-1))    # 25 tomorrow: still 24
    join(birth=years_ago(70))
    items = fetch(api, admin, "/admin/stats/members", by="age_band")["items"]
    assert sorted((i["key"], i["count"]) for i in items) == [("18_24", 1), ("25_34", 1), ("65_plus", 1)]
    assert fetch(api, admin, "/admin/stats/members", by="gender", age_band="25_34")["total"] == 1


def test_new_scanning_and_active_members_per_day_and_week(api, admin):
    spec = factories.create_product()
    old = join(joined=at(date(2026, 10, 1)))
    new = join(joined=at(date(2026, 11, 17)))
    scan(old, spec, at(date(2026, 10, 20)))   # within 30 days of 11-17 (10-19 .. 11-17)
    scan(new, spec, at(date(2026, 11, 17), hour=23))
    days = fetch(api, admin, "/admin/stats/members/activity", **{"from": "2026-11-17", "to": "2026-11-19"})
    assert [(i["period"], i["new"], i["scanning"], i["active"]) for i in days["items"]] == [
        ("2026-11-17", 1, 1, 2), ("2026-11-18", 0, 0, 2), ("2026-11-19", 0, 0, 1)]
    weeks = fetch(api, admin, "/admin/stats/members/activity", granularity="week",
                **{"from": "2026-11-09", "to": "2026-11-22"})
    assert [(i["period"], i["new"], i["scanning"], i["active"]) for i in weeks["items"]] == [
        ("2026-W46", 0, 0, 1), ("2026-W47", 1, 1, 1)]


def test_consumption_by_product_price_class_and_week(api, admin):
    soft = factories.create_product(sku="SOFT", pack_price=Decimal("10.00"), price_class=3)
    hard = factories.create_product(sku="HARD", pack_price=Decimal("50.00"), price_class=1)
    one, two = join(), join("430102")
    for _ in range(3):
        scan(one, soft, at(date(2026, 11, 16)))
    scan(two, soft, at(date(2026, 11, 10)), region="430102")
    scan(two, hard, at(date(2026, 11, 10)), region="430102")
    query = {"from": "2026-11-01", "to": "2026-11-20"}
    body = fetch(api, admin, "/admin/stats/consumption", by="product", **query)
    assert body["items"] == [
        {"key": "SOFT", "packs": 4, "members": 2, "amount": "40.00", "avg_pack_price": "10.00"},
        {"key": "HARD", "packs": 1, "members": 1, "amount": "50.00", "avg_pack_price": "50.00"}]
    assert body["totals"] == {"key": None, "packs": 5, "members": 2, "amount": "90.00", "avg_pack_price": "18.00"}
    weeks = fetch(api, admin, "/admin/stats/consumption", by="week", **query)["items"]
    assert [(i["key"], i["packs"]) for i in weeks] == [("2026-W46", 2), ("2026-W47", 3)]
    by_city = fetch(api, admin, "/admin/stats/consumption", by="city", price_class=3, **query)["items"]
    assert [(i["key"], i["packs"]) for i in by_city] == [("440100", 3), ("430100", 1)]


def test_points_issued_spent_expired_and_outstanding(api, admin):
    one = join()
    with transaction():
        post_entry(one.id, 100, "scan", now=at(date(2026, 11, 2)))
        post_entry(one.id, -30, "redeem", now=at(date(2026, 11, 3)))
        post_entry(one.id, 10, "refund", now=at(date(2026, 11, 10)))
        post_entry(one.id, -20, "expire", now=at(date(2026, 11, 10)))
        post_entry(one.id, 5, "campaign_bonus", now=at(date(2026, 10, 30)))   # before the range
    body = fetch(api, admin, "/admin/stats/points", granularity="week", **{"from": "2026-11-02", "to": "2026-11-15"})
    assert body["items"] == [
        {"period": "2026-W45", "issued": 100, "spent": 30, "refunded": 0, "expired": 0, "adjusted": 0,
         "outstanding": 75},
        {"period": "2026-W46", "issued": 0, "spent": 0, "refunded": 10, "expired": 20, "adjusted": 0,
         "outstanding": 65}]
    elsewhere = fetch(api, admin, "/admin/stats/points", granularity="month", region="430000",
                      **{"from": "2026-11-02", "to": "2026-11-15"})
    assert elsewhere["items"] == [{"period": "2026-11", "issued": 0, "spent": 0, "refunded": 0, "expired": 0,
                                   "adjusted": 0, "outstanding": 0}]


def test_fraud_signals(api, admin):
    factories.create_retailer(region_code="440106", lat=Decimal("23.130000"), lon=Decimal("113.320000"))
    spec = factories.create_product()
    busy, a, b = join(), join(), join()
    day = date(2026, 11, 18)
    for _ in range(4):
        scan(busy, spec, at(day), ip="10.0.0.9")
    scan(a, spec, at(day), ip="10.0.0.9", lat=39.90, lon=116.40)   # Beijing, ~1900 km from Guangzhou
    scan(b, spec, at(day), ip="10.0.0.1", lat=23.14, lon=113.33)   # next door
    body = fetch(api, admin, "/admin/stats/fraud", scans_per_day=4, members_per_ip=2,
               **{"from": "2026-11-18", "to": "2026-11-18"})
    assert [(h["member_id"], h["scans"], h["phone"][3:7]) for h in body["heavy_scanners"]] == [(busy.id, 4, "****")]
    assert body["shared_ips"] == [{"client_ip": "10.0.0.9", "members": 2, "scans": 5}]
    (far,) = body["far_scans"]
    assert far["member_id"] == a.id and 1800 < far["distance_km"] < 2000


@pytest.mark.parametrize("path, query", [
    ("/admin/stats/members", {"by": "shoe_size"}),
    ("/admin/stats/members", {"by": "city", "age_band": "12_17"}),
    ("/admin/stats/members/activity", {"from": "2026-11-20", "to": "2026-11-01"}),
    ("/admin/stats/consumption", {"by": "product", "price_class": 9}),
    ("/admin/stats/points", {"granularity": "hour"}),
])
def test_bad_stat_queries_are_422(api, admin, path, query):
    response = api.get(path, token=admin.token, query_string=query)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]


def test_member_stats_export_as_xlsx(api, admin):
    join()
    response = api.get("/admin/stats/members", token=admin.token, query_string={"by": "gender", "format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="members-by-gender.xlsx"'


def test_fraud_signals_export_as_csv_with_the_signal_named(api, admin):
    spec = factories.create_product()
    one, two = join(), join()
    for handle in (one, two):
        scan(handle, spec, at(date(2026, 11, 18)), ip="10.0.0.7")
    response = api.get("/admin/stats/fraud", token=admin.token,
                       query_string={"from": "2026-11-18", "to": "2026-11-18", "members_per_ip": 2, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="fraud-2026-11-18-2026-11-18.csv"'
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("signal,") and lines[1].startswith("shared_ips,10.0.0.7,2,2")
