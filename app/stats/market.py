"""One SQL pass per week that yields the indicator components of every (spec, group).

The database does the heavy lifting (window function for "the last observation of the week counts", then
GROUP BY); the same statement runs on SQLite and PostgreSQL. Python only turns the sums into ratios."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, text

from ..extensions import db
from ..products.models import Product
from .indicators import Components
from .weeks import shift_week

# group_by value -> SQL expression on the retailer `r`. Region groups are GB/T 2260 codes: `region` (and its
# synonym `county`) the retailer's 6-digit county code, `city` the prefecture code (first four digits + "00").
GROUPS = {
    "format": "r.format",
    "market_type": "r.market_type",
    "district_type": "r.district_type",
    "customer_class": "r.customer_class",
    "region": "r.region_code",
    "county": "r.region_code",
    "city": "substr(r.region_code, 1, 4) || '00'",
}

_SQL = """
WITH latest AS (
  SELECT o.retailer_id, o.product_id, o.week, o.stock_packs, o.ordered_packs, o.demand_packs,
         o.out_of_stock, o.pack_price, o.carton_price,
         ROW_NUMBER() OVER (PARTITION BY o.retailer_id, o.product_id, o.week
                            ORDER BY o.observed_at DESC, o.id DESC) AS rn
  FROM observations o JOIN retailers r ON r.id = o.retailer_id
  WHERE r.is_sample = :yes AND o.week IN (:w0, :w1, :w2, :w3) {product_filter}
), cur AS (
  SELECT retailer_id, product_id,
    MAX(CASE WHEN week = :w0 THEN 1 ELSE 0 END) AS seen0,
    MAX(CASE WHEN week = :w1 THEN 1 ELSE 0 END) AS seen1,
    SUM(CASE WHEN week = :w0 THEN ordered_packs ELSE 0 END) AS ord0,
    SUM(CASE WHEN week = :w0 THEN demand_packs ELSE 0 END) AS dem0,
    MAX(CASE WHEN week = :w0 THEN stock_packs END) AS stock0,
    MAX(CASE WHEN week = :w1 THEN stock_packs END) AS stock1,
    MAX(CASE WHEN week = :w0 AND out_of_stock = :yes THEN 1 ELSE 0 END) AS oos0,
    MAX(CASE WHEN week = :w0 THEN pack_price END) AS pp,
    MAX(CASE WHEN week = :w0 THEN carton_price END) AS cp,
    MAX(CASE WHEN week = :w1 AND ordered_packs > 0 THEN 1 ELSE 0 END) AS ord1,
    MAX(CASE WHEN week <> :w0 AND ordered_packs > 0 THEN 1 ELSE 0 END) AS ordp,
    MAX(CASE WHEN week <> :w3 AND ordered_packs > 0 THEN 1 ELSE 0 END) AS ord3w
  FROM latest WHERE rn = 1 GROUP BY retailer_id, product_id
), sales AS (
  SELECT cur.*, CASE WHEN seen0 = 1 AND seen1 = 1 AND stock1 + ord0 - stock0 > 0
                     THEN stock1 + ord0 - stock0 END AS q
  FROM cur
), rt AS (
  SELECT DISTINCT o.retailer_id FROM observations o JOIN retailers r ON r.id = o.retailer_id
  WHERE r.is_sample = :yes AND o.week = :w0
)
SELECT s.product_id, {group} AS grp,
  SUM(CASE WHEN s.ord3w = 1 AND rt.retailer_id IS NOT NULL THEN 1 ELSE 0 END) AS listed,
  SUM(s.ordp) AS base_p,
  SUM(CASE WHEN s.ordp = 1 AND s.ord0 > 0 THEN 1 ELSE 0 END) AS sold_p,
  SUM(CASE WHEN s.ordp = 1 AND s.dem0 > 0 THEN 1 ELSE 0 END) AS demand_p,
  SUM(CASE WHEN s.ordp = 1 AND s.seen0 = 1 AND (s.stock0 = 0 OR s.oos0 = 1) THEN 1 ELSE 0 END) AS oos_p,
  SUM(s.ord1) AS base_last,
  SUM(CASE WHEN s.ord1 = 1 AND s.ord0 > 0 THEN 1 ELSE 0 END) AS repurchased,
  SUM(s.ord0) AS ordered, SUM(s.dem0) AS demand,
  SUM(s.q) AS q, SUM(CASE WHEN s.q IS NOT NULL THEN s.stock0 END) AS stock_s,
  SUM(CASE WHEN s.pp IS NOT NULL THEN s.q END) AS q_priced,
  SUM(s.q * s.pp) AS q_pack,
  SUM(CASE WHEN s.pp IS NOT NULL THEN s.q * s.cp END) AS q_carton,
  SUM(CASE WHEN s.cp IS NOT NULL THEN s.q * s.pp * 10 END) AS q_pack_x10
FROM sales s JOIN retailers r ON r.id = s.retailer_id LEFT JOIN rt ON rt.retailer_id = s.retailer_id
GROUP BY s.product_id{group_by}
"""

_RETAILERS_SQL = """
SELECT {group} AS grp, COUNT(DISTINCT o.retailer_id) AS n
FROM observations o JOIN retailers r ON r.id = o.retailer_id
WHERE r.is_sample = :yes AND o.week = :w0{group_by}
"""


_COUNTS = ("listed", "base_p", "sold_p", "demand_p", "oos_p", "base_last", "repurchased", "ordered", "demand", "q",
           "stock_s")


@dataclass
class Row:
    sku: str
    product_id: int
    group: str | None
    components: Components


def compute_week(week: str, group_by: str | None = None, product_id: int | None = None) -> list[Row]:
    """Indicator components of every spec (one spec with product_id), per group: each spec observed in weeks
    t−3..t, and each active spec in each group with R(t) > 0 even when nobody observed it (see _unobserved)."""
    group = GROUPS[group_by] if group_by else "NULL"
    grouping = ", " + group if group_by else ""
    params = {"yes": True, "w0": week, "w1": shift_week(week, -1), "w2": shift_week(week, -2),
              "w3": shift_week(week, -3)}
    product_filter = ""
    if product_id is not None:
        product_filter, params["pid"] = "AND o.product_id = :pid", product_id
    sql = _SQL.format(group=group, group_by=grouping, product_filter=product_filter)
    if db.session.get_bind().dialect.name == "postgresql":
        # JIT compiling this many CASE expressions costs more than it saves (measured: 1.8 s of 3.1 s on
        # 1M observations, see BENCHMARKS.md); LOCAL: only this read transaction.
        db.session.execute(text("SET LOCAL jit = off"))
    rows = db.session.execute(text(sql), params).mappings().all()
    retailers_sql = _RETAILERS_SQL.format(group=group, group_by=" GROUP BY " + group if group_by else "")
    retailers = {row.grp: row.n for row in db.session.execute(text(retailers_sql), params)}
    wanted = Product.id.in_({row["product_id"] for row in rows}) | (Product.status == "active")
    if product_id is not None:
        wanted = Product.id == product_id
    products = {p.id: p for p in db.session.scalars(select(Product).where(wanted))}
    result = []
    for row in rows:
        product = products[row["product_id"]]
        counts = {name: int(row[name] or 0) for name in _COUNTS}  # PostgreSQL sums bigints into numerics
        c = Components(
            retailers=retailers.get(row["grp"], 0), **counts, q_priced=_dec(row["q_priced"]),
            q_pack=_dec(row["q_pack"]), q_guide=_dec(row["q_priced"]) * product.guide_price,
            q_carton=_dec(row["q_carton"]), q_pack_x10=_dec(row["q_pack_x10"]), wholesale=product.wholesale_price)
        result.append(Row(product.sku, product.id, row["grp"], c))
    result.extend(_unobserved(products.values(), retailers, {(row["product_id"], row["grp"]) for row in rows}))
    result.sort(key=lambda r: (r.sku, r.group or ""))
    return result


def _unobserved(products, retailers, observed):
    """Active specs that no retailer of a group with R(t) > 0 observed in t−3..t. DOMAIN.md counts a retailer
    not observed for a spec in a week as ordered 0, demand 0, so each r ∈ R(t) is unlisted: 上柜率 is
    0 / |R(t)| = 0, and every other ratio has a zero denominator (nobody ordered in P or t−1, no demand, no q)
    and is null. Leaving the spec out would hide exactly the specs that are on no shelf, and would inflate a
    period's pooled 上柜率 (its weeks without observations would not count in |R|). Retired specs are left
    out: they are not expected on shelves."""
    for product in products:
        if product.status != "active":
            continue
        for group, n in retailers.items():
            if n and (product.id, group) not in observed:  # ungrouped, R(t) = ∅ still counts a row of 0
                yield Row(product.sku, product.id, group, Components(retailers=n, wholesale=product.wholesale_price))


def _dec(value) -> Decimal:
    # SQLite hands back floats for NUMERIC arithmetic; via str() they become the decimals they print as.
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))
