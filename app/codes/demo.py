"""Demo pack codes: a generated batch per product, two earning rules, and some scans by the demo members
so the ledgers are not empty."""
import random
from datetime import datetime, timedelta
from decimal import Decimal

from ..db import utcnow
from ..timeutil import LOCAL_TZ
from . import batches, rules
from .service import scan_code

DEMO_BATCH_SIZE = 20_000


def seed_codes(ctx):
    now = utcnow()
    valid_from = now - timedelta(days=90)
    ctx["code_batches"] = [
        batches.create_generated(sku=p.sku, count=DEMO_BATCH_SIZE, valid_from=valid_from,
                                 valid_until=now + timedelta(days=730), note="演示批次")
        for p in ctx["products"]]
    rules.create_rule(name="春节双倍积分", kind="multiply", value=Decimal(2),
                      starts_at=datetime(2027, 1, 30, tzinfo=LOCAL_TZ), ends_at=datetime(2027, 2, 20, tzinfo=LOCAL_TZ))
    furongwang = next(p for p in ctx["products"] if p.name.startswith("芙蓉王"))
    rules.create_rule(name="广东芙蓉王加赠", kind="add", value=Decimal(1), product_id=furongwang.id,
                      region_code="440000", starts_at=valid_from)
    next_serial = dict.fromkeys((b.id for b in ctx["code_batches"]), 0)
    for member in ctx["members"][:25]:
        for _ in range(random.randint(1, 8)):
            batch = random.choice(ctx["code_batches"])
            code = next(batches.generated_codes(batch, start=next_serial[batch.id], count=1))
            next_serial[batch.id] += 1
            when = now - timedelta(days=random.randint(0, 29), minutes=random.randint(0, 600))
            scan_code(member.id, code, client_ip=f"10.0.{random.randint(0, 255)}.{random.randint(1, 254)}",
                      now=when)
