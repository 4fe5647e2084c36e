"""Promo-item shapes: items, movements (with the new on-hand quantity), stock and plans."""
from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate, validates

from ..pagination import PageQuery
from ..regions import get as get_region
from ..schema_fields import MAX_DATE, MIN_DATE, MONTH_PATTERN, Id, Integer, Money, MoneyOut, Patterned
from .models import KINDS, STAFF_KINDS


def Quantity():
    return Integer(required=True, validate=validate.Range(min=1, max=1_000_000))


class PromoItemInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"example": "打火机"})
    unit = fields.String(required=True, validate=validate.Length(min=1, max=16), metadata={"example": "个"})
    unit_cost = Money(required=True)
    low_stock_threshold = Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))
    points_cost = Integer(allow_none=True, validate=validate.Range(min=1, max=10_000_000),
                                 metadata={"description": "points a member pays per unit in an exchange (兑换); "
                                                          "none: not exchangeable"})


class PromoItemSchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    unit_cost = MoneyOut(required=True)
    points_cost = Integer(allow_none=True)
    low_stock_threshold = Integer(required=True)
    warehouse_quantity = Integer(metadata={"description": "on hand in the warehouse"})
    low_stock = fields.Boolean(metadata={"description": "warehouse under low_stock_threshold"})


class PromoItemListSchema(Schema):
    items = fields.List(fields.Nested(PromoItemSchema), required=True)


class PromoItemQuery(Schema):
    low_stock = fields.Boolean(load_default=False, metadata={"description": "only items under their threshold"})


class InboundSchema(Schema):
    quantity = Quantity()
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class MovementInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(STAFF_KINDS), metadata={"enum": list(STAFF_KINDS)})
    item_id = Id(required=True)
    quantity = Quantity()
    activity_id = Id(allow_none=True)
    retailer_id = Id(allow_none=True)
    member_id = Id(allow_none=True, metadata={"description": "not accepted for exchange (send member_code)"})
    member_code = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "required for exchange, and only there: the single-use member code (会员码) the member shows "
                       "(GET /me/member-code); wrong, expired or used: 422 MEMBER_CODE_INVALID",
        "example": "402918375610293847"})
    note = fields.String(allow_none=True, validate=validate.Length(max=200))


class MovementSchema(Schema):
    id = Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    item_id = Integer(required=True)
    item_name = fields.String(attribute="item.name", required=True)
    quantity = Integer(required=True)
    staff_id = Integer(allow_none=True)
    activity_id = Integer(allow_none=True)
    retailer_id = Integer(allow_none=True)
    member_id = Integer(allow_none=True)
    points = Integer(allow_none=True, metadata={"description": "points debited (exchange)"})
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    on_hand = Integer(metadata={"description": "new quantity at the mover's location (the staff member's; "
                                                      "the warehouse's for inbound); on the answer to a move only"})
    warehouse_on_hand = Integer(allow_none=True)


class MovementQuery(PageQuery):
    item_id = Id()
    kind = fields.String(validate=validate.OneOf(KINDS))
    activity_id = Id()


class AdminMovementQuery(MovementQuery):
    staff_id = Id()


class OwnStockSchema(Schema):
    item_id = Integer(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = Integer(required=True)


class OwnStockListSchema(Schema):
    items = fields.List(fields.Nested(OwnStockSchema), required=True)


class PromoStockRowSchema(Schema):
    item_id = Integer(required=True)
    name = fields.String(attribute="item.name", required=True)
    location = fields.Method("_location", metadata={"type": "string", "example": "warehouse"})
    staff_id = Integer(allow_none=True)
    quantity = Integer(required=True)

    def _location(self, row):
        return "warehouse" if row.staff_id is None else "staff"


class PromoStockListSchema(Schema):
    items = fields.List(fields.Nested(PromoStockRowSchema), required=True)


class StockQuery(Schema):
    item_id = Id()
    staff_id = Id()


class AuditRowSchema(Schema):
    item_id = Integer(required=True)
    staff_id = Integer(allow_none=True)
    on_hand = Integer(required=True)
    ledger = Integer(required=True)


class AuditSchema(Schema):
    mismatches = fields.List(fields.Nested(AuditRowSchema), required=True)


class MonthField(Patterned):
    """A month as YYYY-MM, within the years a Date may take (2000-01 to 2099-12): the month's range in time is
    then always computable (9999-12 would have no next month, 0000-01 no first day)."""

    pattern = MONTH_PATTERN

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        year, _, month = text.partition("-")
        if not (len(year) == 4 and year.isascii() and year.isdigit() and len(month) == 2 and month.isascii()
                and month.isdigit() and 1 <= int(month) <= 12):
            raise ValidationError(gettext("Write the month as 2026-11."))
        if not MIN_DATE.year <= int(year) <= MAX_DATE.year:
            raise ValidationError(gettext("Must be a month between 2000-01 and 2099-12."))
        return text


class PromoPlanInSchema(Schema):
    item_id = Id(required=True)
    region_code = fields.String(required=True, metadata={"description": "county, city or province code"})
    month = MonthField(required=True, metadata={"example": "2026-11"})
    quantity = Quantity()

    @validates("region_code")
    def _region(self, value, **_):
        if get_region(value) is None:
            raise ValidationError(gettext("Unknown region code (GB/T 2260)."))


class PromoPlanUpdateSchema(Schema):
    quantity = Quantity()


class PromoPlanSchema(Schema):
    id = Integer(required=True)
    item_id = Integer(required=True)
    item_name = fields.String(attribute="item.name", required=True)
    region_code = fields.String(required=True)
    month = fields.String(required=True)
    planned = Integer(attribute="quantity", required=True)
    used = Integer(metadata={"description": "distributed, consumed and exchanged in the region that month"})
    remaining = Integer()


class PromoPlanListSchema(Schema):
    items = fields.List(fields.Nested(PromoPlanSchema), required=True)


class PromoPlanQuery(Schema):
    month = MonthField()
    item_id = Id()
