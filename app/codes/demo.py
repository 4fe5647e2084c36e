"""Demo pack codes: a generated batch per product, two earning rules, and scans by the demo members so the
ledgers are not empty: older ones before the mall's activity (seed_codes), the last day's after it
(seed_recent_scans), each member's in time order."""
import random
from datetime import datetime, timedelta
from decimal import Decimal

from ..timeutil import LOCAL_TZ
from . import batches, rules
from .service import scan_code

DEMO_BATCH_SIZE = 20_000
# A batch the demo never scans, so a mobile developer has codes that are sure to be unused (README "Build a client").
UNUSED_BATCH_NOTE = "演示批次（未扫码，供 App 联调）"
UNUSED_BATCH_SIZE = 500


def seed_codes(ctx):
    now = ctx["now"]
    valid_from = now - timedelta(days=90)
    ctx["code_batches"] = [
        batches.create_generated(sku=p.sku, count=DEMO_BATCH_SIZE, valid_from=valid_from,
                                 valid_until=now + timedelta(days=730), region_code="440100",  # shipped to 广州市
                                 note="演示批次")
        for p in ctx["products"]]
    batches.create_generated(sku=ctx["products"][0].sku, count=UNUSED_BATCH_SIZE, valid_from=valid_from,
                             valid_until=now + timedelta(days=730), note=UNUSED_BATCH_NOTE)
    rules.create_rule(name="春节双倍积分", kind="multiply", value=Decimal(2),
                      starts_at=datetime(2027, 1, 30, tzinfo=LOCAL_TZ), ends_at=datetime(2027, 2, 20, tzinfo=LOCAL_TZ))
    furongwang = next(p for p in ctx["products"] if p.name.startswith("芙蓉王"))
    rules.create_rule(name="广东芙蓉王加赠", kind="add", value=Decimal(1), product_id=furongwang.id,
                      region_code="440000", starts_at=valid_from)
    ctx["next_serial"] = dict.fromkeys((b.id for b in ctx["code_batches"]), 0)
    # Older scans: from sign-up until four days ago, before the mall demo's redemptions.
    _scan(ctx, lambda member: (member.created_at, now - timedelta(days=4)), per_member=(1, 8))


def unused_batch_id():
    """The id of the demo's never-scanned batch, if the demo was loaded."""
    from sqlalchemy import select

    from ..extensions import db
    from .models import CodeBatch

    return db.session.scalar(select(CodeBatch.id).where(CodeBatch.note == UNUSED_BATCH_NOTE).limit(1))


def seed_recent_scans(ctx):
    """The last day's scans, after the mall demo, so today's figures on the dashboard are not empty."""
    now = ctx["now"]
    _scan(ctx, lambda member: (max(member.created_at, now - timedelta(hours=20)), now - timedelta(minutes=5)),
          per_member=(0, 2))


def _scan(ctx, window, per_member):
    for member in ctx["members"][:25]:
        start, end = window(member)
        if start >= end:
            continue
        span = int((end - start).total_seconds())
        times = sorted(start + timedelta(seconds=random.randrange(span)) for _ in range(random.randint(*per_member)))
        for when in times:
            batch = random.choice(ctx["code_batches"])
            code = next(batches.generated_codes(batch, start=ctx["next_serial"][batch.id], count=1))
            ctx["next_serial"][batch.id] += 1
            scan_code(member.id, code, client_ip=f"10.0.{random.randint(0, 255)}.{random.randint(1, 254)}",
                      now=when)
