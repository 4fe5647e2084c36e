"""The market indicators (三维五率) exactly as DOMAIN.md's operational definitions state them.

Week t, spec i. Notation (DOMAIN.md): R(t) = sample retailers with at least one observation in week t (in the
group); the last observation of (r, i) in a week counts; a retailer not observed for i in a week counts as
ordered 0 and demand 0; P = {t−3, t−2, t−1}; "ordered in W" = ordered_packs > 0 in some week of W;
q(r,i,t) = stock(r,i,t−1) + ordered(r,i,t) − stock(r,i,t) where r observed i in both weeks;
S = {r : q > 0}; Q = Σ_S q. Sums with a price run over the rows of S that carry that price.

Which specs are reported: every spec observed in t−3..t, and every active spec in every group with R(t) > 0
even when no retailer observed it. By the rule above such a spec is ordered 0 by each r ∈ R(t), so its
上柜率 is 0 (not unknown) and every other ratio, having a zero denominator, is null. Retired specs are only
reported where observed. (market.compute_week; snapshots and periods use the same rows.)

`Components` are the additive counts and sums one SQL pass yields per (spec, group) (see market.py); each
function below turns them into one indicator. A zero denominator gives None, never 0 or an error. Results are
rounded to 4 decimal places. Components of several weeks add up, so a month, quarter or year is the same
functions applied to the summed components (pooled ratios, not an average of weekly ratios).
"""
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.0001")
ZERO = Decimal(0)


@dataclass
class Components:
    retailers: int = 0       # |R(t)|
    listed: int = 0          # |{r ∈ R(t): ordered in {t−2, t−1, t}}|
    base_p: int = 0          # |{r ordered in P}|
    sold_p: int = 0          # … of which ordered(r,i,t) > 0
    demand_p: int = 0        # … of which demand(r,i,t) > 0
    oos_p: int = 0           # … of which stock(r,i,t) = 0 or out_of_stock
    base_last: int = 0       # |{r: ordered(t−1) > 0}|
    repurchased: int = 0     # … of which ordered(t) > 0
    ordered: int = 0         # Σ ordered(r,i,t)
    demand: int = 0          # Σ demand(r,i,t)
    q: int = 0               # Q = Σ_S q
    stock_s: int = 0         # Σ_S stock(r,i,t)
    q_priced: Decimal = ZERO         # Σ_S q where pack_price is known
    q_pack: Decimal = ZERO           # Σ_S q·pack_price
    q_guide: Decimal = ZERO          # Σ_S q·guide_price(i), same rows as q_pack
    q_carton: Decimal = ZERO         # Σ_S q·carton_price where both prices are known
    q_pack_x10: Decimal = ZERO       # Σ_S q·pack_price·10, same rows as q_carton
    wholesale: Decimal | None = None  # wholesale_price(i), per carton

    def __add__(self, other: "Components") -> "Components":
        summed = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "wholesale"}
        return Components(**summed, wholesale=other.wholesale if other.wholesale is not None else self.wholesale)

    def to_json(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> "Components":
        values = {}
        for f in fields(cls):
            raw = data.get(f.name)
            if f.name == "wholesale":
                values[f.name] = None if raw is None else Decimal(raw)
            else:
                values[f.name] = Decimal(raw or 0) if isinstance(f.default, Decimal) else int(raw or 0)
        return cls(**values)


def _ratio(numerator, denominator):
    numerator, denominator = Decimal(str(numerator)), Decimal(str(denominator))
    if denominator == 0:
        return None
    return float((numerator / denominator).quantize(PLACES, rounding=ROUND_HALF_UP))


def listing_rate(c: Components):
    """上柜率 = |{r ∈ R(t): ordered in {t−2, t−1, t}}| / |R(t)|"""
    return _ratio(c.listed, c.retailers)


def sell_through_rate(c: Components):
    """动销率 = |{r ordered in P: ordered(r,i,t) > 0}| / |{r ordered in P}|"""
    return _ratio(c.sold_p, c.base_p)


def repeat_demand_rate(c: Components):
    """重需率 = |{r ordered in P: demand(r,i,t) > 0}| / |{r ordered in P}|"""
    return _ratio(c.demand_p, c.base_p)


def out_of_stock_rate(c: Components):
    """断货率 = |{r ordered in P: stock(r,i,t) = 0 or out_of_stock}| / |{r ordered in P}|
    (a retailer not observed for i in week t has no known stock and is not counted as out of stock)"""
    return _ratio(c.oos_p, c.base_p)


def repurchase_rate(c: Components):
    """再购率 = |{r: ordered(t−1) > 0 and ordered(t) > 0}| / |{r: ordered(t−1) > 0}|"""
    return _ratio(c.repurchased, c.base_last)


def fill_rate(c: Components):
    """满足率 = Σ ordered(r,i,t) / Σ demand(r,i,t)"""
    return _ratio(c.ordered, c.demand)


def price_index(c: Components):
    """价格指数 = Σ_S q·pack_price / Σ_S q·guide_price(i)"""
    return _ratio(c.q_pack, c.q_guide)


def carton_pack_ratio(c: Components):
    """条包吻合率 = Σ_S q·carton_price / Σ_S q·pack_price·10"""
    return _ratio(c.q_carton, c.q_pack_x10)


def stock_sales_ratio(c: Components):
    """社会存销比 = Σ_S stock(r,i,t) / Q"""
    return _ratio(c.stock_s, c.q)


def retailer_margin(c: Components):
    """客户毛利率 = (Σ_S q·pack_price·10 / Σ_S q) / wholesale_price(i) − 1   (wholesale per carton)"""
    if not c.q_priced or not c.wholesale:
        return None
    mean_carton = Decimal(str(c.q_pack)) * 10 / Decimal(str(c.q_priced))
    return float((mean_carton / c.wholesale - 1).quantize(PLACES, rounding=ROUND_HALF_UP))


INDICATORS = {
    "listing_rate": listing_rate,
    "sell_through_rate": sell_through_rate,
    "repeat_demand_rate": repeat_demand_rate,
    "out_of_stock_rate": out_of_stock_rate,
    "repurchase_rate": repurchase_rate,
    "fill_rate": fill_rate,
    "price_index": price_index,
    "carton_pack_ratio": carton_pack_ratio,
    "stock_sales_ratio": stock_sales_ratio,
    "retailer_margin": retailer_margin,
}


def evaluate(c: Components) -> dict:
    """Every indicator of one (spec, group), keyed as the API reports them."""
    return {name: func(c) for name, func in INDICATORS.items()}
