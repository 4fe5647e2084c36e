"""Consumption from scans (消费类型, 市场价格): packs scanned by spec, price class, region or time, with the
amount at the spec's pack retail price. Takes the member filters too (who consumes what)."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import String, func, select

from ..codes.models import Scan
from ..extensions import db
from ..members.models import Member
from ..products.models import Product
from ..timeutil import local_today
from .members import member_conditions
from .periods import bucket
from .sqltime import as_date, local_date

SCAN_DIMENSIONS = ("product", "price_class", "province", "city", "county", "day", "week", "month")
_REGION = {"province": (2, "0000"), "city": (4, "00"), "county": (6, "")}


def consumption_by(dimension: str, start: date, end: date, filters: dict, sku=None, price_class=None,
                   now=None) -> dict:
    """{"dimension", "totals", "items": [{"key", "packs", "members", "amount", "avg_pack_price"}]}.
    A scan is one pack; region is the member's region when scanning; amount uses the spec's pack price."""
    day = local_date(Scan.created_at)
    if dimension == "product":
        key = Product.sku
    elif dimension == "price_class":
        key = Product.price_class
    elif dimension in _REGION:
        length, suffix = _REGION[dimension]
        key = func.substr(Scan.region_code, 1, length, type_=String).concat(suffix) if suffix else Scan.region_code
    else:
        key = day  # bucketed into weeks or months below
    conditions = [day.between(start, end), *member_conditions(filters, local_today(now))]
    if sku:
        conditions.append(Product.sku == sku)
    if price_class:
        conditions.append(Product.price_class == price_class)
    query = (select(key.label("k"), Scan.member_id, func.count().label("packs"),
                    func.sum(Product.pack_price).label("amount"))
             .join(Product, Product.id == Scan.product_id).join(Member, Member.id == Scan.member_id)
             .where(*conditions).group_by(key, Scan.member_id))
    packs, amount, members = defaultdict(int), defaultdict(Decimal), defaultdict(set)
    for k, member_id, n, money in db.session.execute(query):
        if dimension in ("day", "week", "month"):
            k = bucket(as_date(k), dimension)
        packs[k] += n
        amount[k] += Decimal(str(money or 0))
        members[k].add(member_id)
    items = [_figures(k, packs[k], amount[k], len(members[k])) for k in packs]
    items.sort(key=lambda i: i["key"] if dimension in ("day", "week", "month") else -i["packs"])
    all_members = len(set().union(*members.values())) if members else 0
    totals = _figures(None, sum(packs.values()), sum(amount.values(), Decimal(0)), all_members)
    return {"dimension": dimension, "from": start, "to": end, "totals": totals, "items": items}


def _figures(key, packs, amount, members):
    amount = Decimal(amount).quantize(Decimal("0.01"))
    average = (amount / packs).quantize(Decimal("0.01")) if packs else None
    return {"key": None if key is None else str(key), "packs": packs, "members": members,
            "amount": f"{amount:.2f}", "avg_pack_price": None if average is None else f"{average:.2f}"}
