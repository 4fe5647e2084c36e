"""Activity shapes: the admin plan, the staff records (JSON or multipart with photos) and the effect check."""
import json
from decimal import Decimal

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..regions import get as get_region
from ..schema_fields import Date, Id, Integer, Money, MoneyOut
from ..uploads import PhotoUrls
from .models import TYPES


def Ids():
    return fields.List(Id(), load_default=list, validate=validate.Length(max=1000))


class ActivityInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(TYPES), metadata={"enum": list(TYPES)})
    region_code = fields.String(required=True, metadata={"description": "county, city or province code"})
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    strategy = fields.String(allow_none=True, validate=validate.Length(max=2000))
    standard = fields.String(allow_none=True, validate=validate.Length(max=2000),
                             metadata={"description": "标准: what the activity must achieve"})
    item_budget = Money(load_default=Decimal("0.00"), metadata={"description": "yuan of promo items it may use"})
    product_ids = Ids()
    retailer_ids = Ids()
    staff_ids = Ids()

    @validates("region_code")
    def _region(self, value, **_):
        if get_region(value) is None:
            raise ValidationError(gettext("Unknown region code (GB/T 2260)."))

    @validates_schema(skip_on_field_errors=False)
    def _dates(self, data, **_):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(gettext("The activity cannot end before it starts."), field_name="ends_on")


class RefSchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)


class ActivitySchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(TYPES)})
    region_code = fields.String(required=True)
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    strategy = fields.String(allow_none=True)
    standard = fields.String(allow_none=True)
    item_budget = MoneyOut(required=True)
    state = fields.String(required=True, metadata={"enum": ["planned", "ongoing", "ended", "cancelled"]})
    products = fields.List(fields.Nested(RefSchema), required=True)
    retailers = fields.List(fields.Nested(RefSchema), required=True)
    staff = fields.List(fields.Nested(RefSchema), required=True)


class ItemUseSchema(Schema):
    item_id = Id(required=True)
    quantity = Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    kind = fields.String(load_default="distribution", validate=validate.OneOf(["distribution", "consumption"]))


class ItemsUsedField(fields.List):
    """A list of item uses; in a multipart form it comes as one JSON text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            value = value[0]  # webargs reads list fields of a form with getlist()
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValidationError(gettext("Give items as a JSON list.")) from None
        return super()._deserialize(value, attr, data, **kwargs)


class RecordInSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    attendees = Integer(load_default=0, validate=validate.Range(min=0, max=100_000))
    packs_sold = Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))
    items = ItemsUsedField(fields.Nested(ItemUseSchema), load_default=list, validate=validate.Length(max=50),
                           metadata={"description": "promo items used: each becomes a stock movement "
                                                    "(distribution by default) from your stock"})


class ItemUsedSchema(Schema):
    movement_id = Integer(attribute="id", required=True)
    item_id = Integer(required=True)
    name = fields.String(attribute="item.name", required=True)
    kind = fields.String(required=True)
    quantity = Integer(required=True)


class RecordSchema(Schema):
    id = Integer(required=True)
    activity_id = Integer(required=True)
    staff_id = Integer(required=True)
    note = fields.String(allow_none=True)
    attendees = Integer(required=True)
    packs_sold = Integer(required=True)
    photo_urls = PhotoUrls()
    items_used = fields.List(fields.Nested(ItemUsedSchema), required=True)
    created_at = fields.DateTime(required=True)


class RecordListSchema(Schema):
    items = fields.List(fields.Nested(RecordSchema), required=True)


class WindowSchema(Schema):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    scans = Integer(required=True)
    new_members = Integer(required=True)


class ItemCostSchema(Schema):
    item_id = Integer(required=True)
    name = fields.String(required=True)
    quantity = Integer(required=True)
    cost = MoneyOut(required=True)


class EffectSchema(Schema):
    activity_id = Integer(required=True)
    region_codes = fields.List(fields.String(), required=True,
                               metadata={"description": "the area compared: the activity's region and its "
                                                        "retailers' regions"})
    during = fields.Nested(WindowSchema, required=True)
    before = fields.Nested(WindowSchema, required=True, metadata={"description": "the same length just before"})
    scans_change = fields.Float(allow_none=True, metadata={"description": "(during − before) / before"})
    new_members_change = fields.Float(allow_none=True)
    items_used = fields.List(fields.Nested(ItemCostSchema), required=True)
    items_cost = MoneyOut(required=True)
    item_budget = MoneyOut(required=True)
    budget_used = fields.Float(allow_none=True, metadata={"description": "items_cost / item_budget"})
    cost_per_new_member = MoneyOut(allow_none=True)
    records = Integer(required=True)
    attendees = Integer(required=True)
    packs_sold = Integer(required=True)
