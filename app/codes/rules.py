"""Earning rules (积分规则, campaigns): what a scan is worth beyond points_per_pack.

points = floor(points_per_pack × level multiplier × Π multiply-rules + Σ add-rules)
A rule applies when it is active, `now` is inside its window, and its product and region (province,
city or county code; NULL = any) match the scan. The region a scan is in is the sales region of the pack's
batch (where it was shipped), never the member's profile region, which the member edits at will. A batch
without one falls back to the county of the scan's position (the phone's lat/lon: the county of the nearest
shop, app.retailers.geo.county_at); without either, no regional rule applies.
"""
import math
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import regions
from ..db import transaction
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..pagination import paginate
from ..products.models import Product
from .models import EarningRule


def region_matches(rule_region, sales_region):
    """Whether the sales region lies inside the rule's region, by the levels of the division codes: a province
    rule covers its cities and counties, a city rule its counties; a county rule covers no whole city."""
    if not rule_region:
        return True
    if not sales_region:
        return False
    if rule_region.endswith("0000"):
        return sales_region[:2] == rule_region[:2]
    if rule_region.endswith("00"):
        return sales_region[:4] == rule_region[:4]
    return sales_region == rule_region


def rules_for(product_id, sales_region, now):
    """Active rules that apply to a scan of `product_id` from a batch shipped to `sales_region` at `now`, by id.
    `sales_region` may be a function giving it, called only when a regional rule is a candidate."""
    candidates = db.session.scalars(
        select(EarningRule)
        .where(EarningRule.status == "active",
               or_(EarningRule.product_id.is_(None), EarningRule.product_id == product_id),
               or_(EarningRule.starts_at.is_(None), EarningRule.starts_at <= now),
               or_(EarningRule.ends_at.is_(None), EarningRule.ends_at > now))
        .order_by(EarningRule.id)).all()
    if callable(sales_region):
        sales_region = sales_region() if any(rule.region_code for rule in candidates) else None
    return [rule for rule in candidates if region_matches(rule.region_code, sales_region)]


def points_for(points_per_pack, level_multiplier, rules):
    """Whole points a scan earns (rounded down) under the given rules."""
    value = Decimal(points_per_pack) * Decimal(level_multiplier)
    for rule in rules:
        if rule.kind == "multiply":
            value *= rule.value
    value += sum((rule.value for rule in rules if rule.kind == "add"), Decimal(0))
    return max(0, math.floor(value))


def describe(rules):
    """The part of a ledger note that names the rules: "春节双倍积分 ×2, 新品奖励 +5"."""
    return ", ".join(f"{rule.name} {'×' if rule.kind == 'multiply' else '+'}{_plain(rule.value)}" for rule in rules)


def _plain(value):
    return f"{value.normalize():f}"


# --- admin use cases ----------------------------------------------------------------

def _validate(fields):
    errors = {}
    if fields.get("kind") == "add" and fields.get("value") is not None and fields["value"] != int(fields["value"]):
        errors["value"] = [_("An add rule adds whole points.")]
    region = fields.get("region_code")
    if region and regions.get(region) is None:
        errors["region_code"] = [_("Unknown region code.")]
    product_id = fields.get("product_id")
    if product_id is not None and db.session.get(Product, product_id) is None:
        errors["product_id"] = [_("Unknown product.")]
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("Must be after starts_at.")]
    if errors:
        raise ValidationFailed(errors)


def create_rule(*, created_by=None, **fields):
    with transaction():
        _validate(fields)
        rule = EarningRule(status="active", created_by=created_by, **fields)
        db.session.add(rule)
        db.session.flush()
    return rule


def get_rule(rule_id):
    rule = db.session.get(EarningRule, rule_id)
    if rule is None:
        raise NotFound()
    return rule


def update_rule(rule_id, changes):
    with transaction():
        rule = get_rule(rule_id)
        merged = {name: getattr(rule, name) for name in ("kind", "value", "region_code", "product_id",
                                                          "starts_at", "ends_at")}
        merged.update(changes)
        _validate(merged)
        for name, value in changes.items():
            setattr(rule, name, value)
    return rule


def retire_rule(rule_id):
    with transaction():
        rule = get_rule(rule_id)
        rule.status = "retired"
    return rule


def list_rules(page, per_page, status=None):
    statement = select(EarningRule).order_by(EarningRule.id.desc())
    if status:
        statement = statement.where(EarningRule.status == status)
    return paginate(statement, page, per_page)
