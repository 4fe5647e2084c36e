"""Query strings and answers of the statistics endpoints."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates

from .market import GROUPS
from .weeks import parse_week, weeks_of_period

INDICATOR_FIELDS = ("listing_rate", "sell_through_rate", "repeat_demand_rate", "out_of_stock_rate",
                    "repurchase_rate", "fill_rate", "price_index", "carton_pack_ratio", "stock_sales_ratio",
                    "retailer_margin")


class ExportQuery(Schema):
    format = fields.String(validate=validate.OneOf(("json", "csv", "xlsx")), load_default="json",
                           metadata={"description": "json (default), or a csv / xlsx download"})


class WeekField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        try:
            parse_week(value)
        except ValueError:
            raise ValidationError(_l("Must be an ISO week like 2026-W47.")) from None
        return value


class IndicatorQuery(ExportQuery):
    week = WeekField(required=True, metadata={"example": "2026-W47"})
    sku = fields.String(validate=validate.Length(min=1, max=32))
    group_by = fields.String(validate=validate.OneOf(list(GROUPS)), metadata={
        "description": "format, market_type, district_type, customer_class, region (= county code), county, "
                       "city (GB/T 2260 prefecture code XXXX00)"})


class PeriodQuery(ExportQuery):
    period = fields.String(required=True, metadata={"description": "2026 (year), 2026-Q4 or 2026-11",
                                                    "example": "2026-Q4"})
    sku = fields.String(validate=validate.Length(min=1, max=32))
    group_by = fields.String(validate=validate.OneOf(list(GROUPS)))

    @validates("period")
    def _period(self, value, **_):
        try:
            weeks_of_period(value)
        except ValueError:
            raise ValidationError(_l("Must be a year (2026), a quarter (2026-Q4) or a month (2026-11).")) from None


class AlertQuery(ExportQuery):
    week = WeekField(required=True, metadata={"example": "2026-W47"})
    threshold_pct = fields.Float(validate=validate.Range(min=0, max=1000),
                                 metadata={"description": "overrides PRICE_INDEX_ALERT_PCT"})


def _indicator_item(extra=None):
    attrs = {name: fields.Float(allow_none=True, required=True) for name in INDICATOR_FIELDS}
    attrs.update(sku=fields.String(required=True),
                 group=fields.String(allow_none=True, required=True,
                                     metadata={"description": "the group's value; null without group_by"}),
                 retailers=fields.Integer(required=True, metadata={"description": "|R(t)| of the group"}))
    attrs.update(extra or {})
    return attrs


IndicatorItemSchema = type("IndicatorItemSchema", (Schema,), _indicator_item())
PeriodItemSchema = type("PeriodIndicatorItemSchema", (Schema,), _indicator_item({
    "weeks": fields.Integer(required=True)}))


class IndicatorResultSchema(Schema):
    week = fields.String(required=True)
    items = fields.List(fields.Nested(IndicatorItemSchema), required=True)


class PeriodResultSchema(Schema):
    period = fields.String(required=True)
    weeks = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(PeriodItemSchema), required=True)


class AlertItemSchema(Schema):
    sku = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["sell_through_out_of_band", "price_index_moved"]})
    value = fields.Float(required=True)
    previous = fields.Float(allow_none=True)
    change_pct = fields.Float()
    limit = fields.Float(required=True)


class AlertResultSchema(Schema):
    week = fields.String(required=True)
    price_index_alert_pct = fields.Float(required=True)
    sell_through_band = fields.List(fields.Float(), required=True)
    items = fields.List(fields.Nested(AlertItemSchema), required=True)
