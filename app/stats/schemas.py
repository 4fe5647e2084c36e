"""Query strings and answers of the statistics endpoints."""
from datetime import timedelta

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from ..members.models import INCOME_BANDS, OCCUPATIONS, PREFERRED_CATEGORIES, PRICE_TIERS
from ..schema_fields import PERIOD_PATTERN, WEEK_PATTERN, Date, Integer, Patterned
from ..timeutil import local_today
from .consumption import SCAN_DIMENSIONS
from .market import GROUPS
from .members import AGE_BANDS, DIMENSIONS
from .periods import GRANULARITIES
from .redemptions import REDEMPTION_DIMENSIONS
from .weeks import parse_week, weeks_of_period

MAX_RANGE_DAYS = 3 * 366
MAX_HISTORY_WEEKS = 157

INDICATOR_FIELDS = ("listing_rate", "sell_through_rate", "repeat_demand_rate", "out_of_stock_rate",
                    "repurchase_rate", "fill_rate", "price_index", "carton_pack_ratio", "stock_sales_ratio",
                    "retailer_margin")


class ExportQuery(Schema):
    format = fields.String(validate=validate.OneOf(("json", "csv", "xlsx")), load_default="json",
                           metadata={"description": "json (default), or a csv / xlsx download"})


class WeekField(Patterned):
    pattern = WEEK_PATTERN

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        try:
            parse_week(value)
        except ValueError:
            raise ValidationError(gettext("Must be an ISO week like 2026-W47.")) from None
        return value


class IndicatorQuery(ExportQuery):
    week = WeekField(required=True, metadata={"example": "2026-W47"})
    sku = fields.String(validate=validate.Length(min=1, max=32))
    group_by = fields.String(validate=validate.OneOf(list(GROUPS)), metadata={
        "description": "format, market_type, district_type, customer_class, region (= county code), county, "
                       "city (GB/T 2260 prefecture code XXXX00)"})


class PeriodQuery(ExportQuery):
    period = fields.String(required=True, metadata={"description": "2026 (year), 2026-Q4 or 2026-11",
                                                    "example": "2026-Q4", "pattern": PERIOD_PATTERN})
    sku = fields.String(validate=validate.Length(min=1, max=32))
    group_by = fields.String(validate=validate.OneOf(list(GROUPS)))

    @validates("period")
    def _period(self, value, **_):
        try:
            weeks_of_period(value)
        except ValueError:
            raise ValidationError(gettext("Must be a year (2026), a quarter (2026-Q4) or a month (2026-11).")) from None


class HistoryQuery(ExportQuery):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=32))
    first = WeekField(data_key="from", required=True, metadata={"example": "2026-W30"})
    last = WeekField(data_key="to", required=True, metadata={"example": "2026-W47"})
    group_by = fields.String(validate=validate.OneOf(list(GROUPS)))

    @validates_schema(skip_on_field_errors=False)
    def _span(self, data, **_):
        if "first" in data and "last" in data:
            weeks = (parse_week(data["last"]) - parse_week(data["first"])).days // 7 + 1
            if not 1 <= weeks <= MAX_HISTORY_WEEKS:
                raise ValidationError(gettext("From 1 to %(n)d weeks, `from` first.", n=MAX_HISTORY_WEEKS),
                                      field_name="from")


class AlertQuery(ExportQuery):
    week = WeekField(required=True, metadata={"example": "2026-W47"})
    threshold_pct = fields.Float(validate=validate.Range(min=0, max=1000),
                                 metadata={"description": "overrides PRICE_INDEX_ALERT_PCT"})


def _indicator_item(extra=None):
    attrs = {name: fields.Float(allow_none=True, required=True) for name in INDICATOR_FIELDS}
    attrs.update(sku=fields.String(required=True),
                 group=fields.String(allow_none=True, required=True,
                                     metadata={"description": "the group's value; null without group_by"}),
                 retailers=Integer(required=True, metadata={"description": "|R(t)| of the group"}))
    attrs.update(extra or {})
    return attrs


IndicatorItemSchema = type("IndicatorItemSchema", (Schema,), _indicator_item())
PeriodItemSchema = type("PeriodIndicatorItemSchema", (Schema,), _indicator_item({
    "weeks": Integer(required=True)}))


HistoryItemSchema = type("IndicatorHistoryItemSchema", (Schema,), _indicator_item({
    "week": fields.String(required=True)}))


class HistoryResultSchema(Schema):
    sku = fields.String(required=True)
    first = fields.String(data_key="from", required=True)
    last = fields.String(data_key="to", required=True)
    items = fields.List(fields.Nested(HistoryItemSchema), required=True)


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


# ---- member, consumption, points and fraud statistics --------------------------------------------------------

class MemberFilterQuery(Schema):
    """Narrow any member figure by any member dimension."""

    region = fields.String(validate=validate.Regexp(r"^\d{6}$"), metadata={
        "description": "GB/T 2260 code: a province (XX0000) or city (XXXX00) code covers its counties"})
    level = fields.String(validate=validate.Length(max=32))
    preferred_category = fields.String(validate=validate.OneOf(PREFERRED_CATEGORIES))
    price_tier = fields.String(validate=validate.OneOf(PRICE_TIERS))
    occupation = fields.String(validate=validate.OneOf(OCCUPATIONS))
    income_band = fields.String(validate=validate.OneOf(INCOME_BANDS))
    gender = fields.String(validate=validate.OneOf(("M", "F")))
    age_band = fields.String(validate=validate.OneOf([b[0] for b in AGE_BANDS]))


class RangeQuery(Schema):
    start = Date(data_key="from", metadata={"description": "first local date (default: 29 days before `to`)"})
    end = Date(data_key="to", metadata={"description": "last local date (default: today, Asia/Shanghai)"})

    @post_load
    def _defaults(self, data, **_):
        data.setdefault("end", local_today())
        if "start" not in data:
            data["start"] = data["end"] - timedelta(days=29)
        if data["start"] > data["end"]:
            raise ValidationError(gettext("Must not be after `to`."), field_name="from")
        if (data["end"] - data["start"]).days > MAX_RANGE_DAYS:
            raise ValidationError(gettext("At most %(n)d days.", n=MAX_RANGE_DAYS), field_name="from")
        return data


class SeriesQuery(RangeQuery):
    granularity = fields.String(load_default="day", validate=validate.OneOf(GRANULARITIES))


class MembersByQuery(MemberFilterQuery, ExportQuery):
    by = fields.String(required=True, validate=validate.OneOf(list(DIMENSIONS)))


class ActivityQuery(MemberFilterQuery, SeriesQuery, ExportQuery):
    pass


class ConsumptionQuery(MemberFilterQuery, RangeQuery, ExportQuery):
    by = fields.String(required=True, validate=validate.OneOf(SCAN_DIMENSIONS))
    sku = fields.String(validate=validate.Length(min=1, max=32))
    price_class = Integer(validate=validate.Range(min=1, max=5))


class PointsQuery(MemberFilterQuery, SeriesQuery, ExportQuery):
    pass


class RedemptionsQuery(MemberFilterQuery, RangeQuery, ExportQuery):
    by = fields.String(load_default="gift", validate=validate.OneOf(REDEMPTION_DIMENSIONS),
                       metadata={"description": "gift (default) or category"})
    category = fields.String(validate=validate.Length(min=1, max=32), metadata={"description": "one gift category"})


class FraudQuery(RangeQuery, ExportQuery):
    scans_per_day = Integer(validate=validate.Range(min=1, max=100000),
                                   metadata={"description": "default FRAUD_SCANS_PER_DAY"})
    members_per_ip = Integer(validate=validate.Range(min=2, max=100000),
                                    metadata={"description": "default FRAUD_MEMBERS_PER_IP"})
    far_km = fields.Float(validate=validate.Range(min=1, max=10000), metadata={"description": "default FRAUD_FAR_KM"})


class CountItemSchema(Schema):
    key = fields.String(allow_none=True, required=True)
    count = Integer(required=True)


class MembersByResultSchema(Schema):
    dimension = fields.String(required=True)
    total = Integer(required=True)
    items = fields.List(fields.Nested(CountItemSchema), required=True)


class ActivityItemSchema(Schema):
    period = fields.String(required=True)
    new = Integer(required=True)
    scanning = Integer(required=True, metadata={"description": "distinct members who scanned in the period"})
    active = Integer(required=True, metadata={"description": "members with a scan in the 30 days up to "
                                                                    "the period's last day"})


class RangeResultSchema(Schema):
    # The services answer with "from"/"to" keys (Python keywords, hence the field names).
    start = Date(data_key="from", attribute="from", required=True)
    end = Date(data_key="to", attribute="to", required=True)


class ActivityResultSchema(RangeResultSchema):
    granularity = fields.String(required=True)
    items = fields.List(fields.Nested(ActivityItemSchema), required=True)


class ConsumptionItemSchema(Schema):
    key = fields.String(allow_none=True, required=True)
    packs = Integer(required=True)
    members = Integer(required=True)
    amount = fields.String(required=True, metadata={"description": "yuan at the spec's pack retail price"})
    avg_pack_price = fields.String(allow_none=True, required=True)


class ConsumptionResultSchema(RangeResultSchema):
    dimension = fields.String(required=True)
    totals = fields.Nested(ConsumptionItemSchema, required=True)
    items = fields.List(fields.Nested(ConsumptionItemSchema), required=True)


class PointsItemSchema(Schema):
    period = fields.String(required=True)
    issued = Integer(required=True)
    spent = Integer(required=True, metadata={"description": "debited by redemptions in the period"})
    refunded = Integer(required=True, metadata={"description": "given back by redemptions cancelled in the period"})
    expired = Integer(required=True)
    adjusted = Integer(required=True)
    outstanding = Integer(required=True, metadata={"description": "liability at the period's end"})


class PointsResultSchema(RangeResultSchema):
    granularity = fields.String(required=True)
    items = fields.List(fields.Nested(PointsItemSchema), required=True)


class RedemptionItemSchema(Schema):
    key = fields.String(allow_none=True, required=True, metadata={"description": "gift id or category"})
    gift_id = Integer(allow_none=True, required=True)
    name = fields.String(allow_none=True, required=True)
    category = fields.String(allow_none=True, required=True)
    redemptions = Integer(required=True)
    quantity = Integer(required=True)
    points_spent = Integer(required=True, metadata={"description": "net of refunds: cancelled redemptions "
                                                                          "are not counted"})
    members = Integer(required=True, metadata={"description": "distinct members who redeemed"})


class RedemptionsResultSchema(RangeResultSchema):
    dimension = fields.String(required=True)
    totals = fields.Nested(RedemptionItemSchema, required=True)
    items = fields.List(fields.Nested(RedemptionItemSchema), required=True)


class HeavyScannerSchema(Schema):
    member_id = Integer(required=True)
    phone = fields.String(required=True)
    day = Date(required=True)
    scans = Integer(required=True)


class SharedIpSchema(Schema):
    client_ip = fields.String(required=True)
    members = Integer(required=True)
    scans = Integer(required=True)


class FarScanSchema(Schema):
    scan_id = Integer(required=True)
    member_id = Integer(required=True)
    phone = fields.String(required=True)
    region_code = fields.String(required=True)
    distance_km = fields.Float(required=True)
    created_at = fields.DateTime(required=True)


class FraudResultSchema(RangeResultSchema):
    thresholds = fields.Dict(required=True)
    heavy_scanners = fields.List(fields.Nested(HeavyScannerSchema), required=True)
    shared_ips = fields.List(fields.Nested(SharedIpSchema), required=True)
    far_scans = fields.List(fields.Nested(FarScanSchema), required=True)
