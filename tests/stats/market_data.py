"""The hand-computed scenario of the indicator tests (week t = 2026-W47, P = W44..W46).

Spec A (guide 10.00 per pack, wholesale 85.00 per carton); (stock, ordered, demand) per week:
  r1 grocery 440106   W44 (10,5)  W46 (8,4)   W47 (6,3,3) pp 11.00 cp 105.00      q = 8+3−6 = 5
  r2 grocery 440106   W45 (5,2)   W46 (3,0)   W47 (0,0,4) out of stock, pp 12.00 cp 110.00   q = 3
  r3 conven. 440104   W44 (4,6)   W47: only spec B (so r3 ∈ R(t), not observed for A in t)
  r4 conven. 440104   W43 (0,5)  (outside P)  W46 (2,0)   W47 Mon (9,10,12) pp 10 cp 100,
                      W47 Fri (7,6,8) pp 9.50 cp 95.00 (recorded first; the later one counts)    q = 2+6−7 = 1
  r5 conven. 440104   W47 (5,5,5) pp 10 cp 100 (no W46: no q)
  r6 not a sample     W46 (0,0)   W47 (0,20)  → ignored
R(t) = {r1..r5} = 5. See the expected tables in test_indicators.py.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.db import transaction
from app.observations.service import record_observation
from app.timeutil import LOCAL_TZ

from .. import factories

WEEK = "2026-W47"
MON = {"W43": date(2026, 10, 19), "W44": date(2026, 10, 26), "W45": date(2026, 11, 2), "W46": date(2026, 11, 9),
       "W47": date(2026, 11, 16)}


def observe(retailer, product, week, stock, ordered, demand=None, oos=False, pp=None, cp=None, day=0, hour=10):
    observed_on = MON[week] + timedelta(days=day)
    with transaction():
        record_observation(retailer_id=retailer.id, product_id=product.id, observed_on=observed_on,
                           observed_at=datetime.combine(observed_on, time(hour), tzinfo=LOCAL_TZ),
                           stock_packs=stock, ordered_packs=ordered, demand_packs=demand, out_of_stock=oos,
                           pack_price=None if pp is None else Decimal(pp),
                           carton_price=None if cp is None else Decimal(cp), channel="visit")


def build():
    a = factories.create_product(sku="A", guide_price=Decimal("10.00"), wholesale_price=Decimal("85.00"))
    b = factories.create_product(sku="B")
    r1 = factories.create_retailer(format="grocery", region_code="440106")
    r2 = factories.create_retailer(format="grocery", region_code="440106")
    r3, r4, r5 = (factories.create_retailer(format="convenience", region_code="440104") for _ in range(3))
    r6 = factories.create_retailer(format="grocery", is_sample=False)
    observe(r1, a, "W44", 10, 5)
    observe(r1, a, "W46", 8, 4)
    observe(r1, a, "W47", 6, 3, 3, pp="11.00", cp="105.00")
    observe(r2, a, "W45", 5, 2)
    observe(r2, a, "W46", 3, 0)
    observe(r2, a, "W47", 0, 0, 4, oos=True, pp="12.00", cp="110.00")
    observe(r3, a, "W44", 4, 6)
    observe(r3, b, "W47", 5, 0)
    observe(r4, a, "W43", 0, 5)
    observe(r4, a, "W46", 2, 0)
    observe(r4, a, "W47", 7, 6, 8, pp="9.50", cp="95.00", day=4, hour=15)
    observe(r4, a, "W47", 9, 10, 12, pp="10.00", cp="100.00", day=0, hour=9)
    observe(r5, a, "W47", 5, 5, 5, pp="10.00", cp="100.00")
    observe(r6, a, "W46", 0, 0)
    observe(r6, a, "W47", 0, 20, pp="1.00", cp="1.00")
    return {"a": a, "b": b, "r": [r1, r2, r3, r4, r5, r6]}


def fetch(api, admin, path, **query):
    """GET an admin statistics path; asserts 200 and returns the JSON."""
    response = api.get(path, token=admin.token, query_string=query)
    assert response.status_code == 200, response.json
    return response.json
