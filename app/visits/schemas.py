"""Visit shapes: check-in, observations, check-out, plans and the plan-vs-actual summary."""
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from ..auth.models import StaffUser
from ..observations.service import week_bounds
from ..products.models import Product
from ..retailers.models import Retailer
from ..pagination import PageQuery
from ..schema_fields import WEEK_PATTERN, Date, Id, Integer, Money, MoneyOut, Patterned
from ..uploads import PhotoUrls


class WeekField(Patterned):
    """An ISO week label like 2026-W47."""

    pattern = WEEK_PATTERN

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            week_bounds(text)
        except ValueError:
            raise ValidationError(gettext("Write the week as 2026-W47.")) from None
        return text


class CheckInSchema(Schema):
    retailer_id = Id(required=True)
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    planned_visit_id = Id()


class RetailerRefSchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)
    address = fields.String(allow_none=True)


class VisitSchema(Schema):
    id = Integer(required=True)
    staff_id = Integer(required=True)
    retailer = fields.Nested(RetailerRefSchema, required=True)
    planned_visit_id = Integer(attribute="plan_id", allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["open", "closed"]})
    checked_in_at = fields.DateTime(required=True)
    distance_m = Integer(required=True, metadata={"description": "from the store at check-in"})
    checked_out_at = fields.DateTime(allow_none=True)
    duration_s = Integer(allow_none=True)
    notes = fields.String(allow_none=True)
    photo_urls = PhotoUrls()


MAX_OBSERVATIONS = 200


class ObservationInSchema(Schema):
    LIST_BOUNDS = (1, MAX_OBSERVATIONS)  # sent as a list: the document's minItems/maxItems (app/api.py)

    product_id = Id(required=True, exists=(Product, _l("No such product.")))
    pack_price = Money(allow_none=True)
    carton_price = Money(allow_none=True)
    stock_packs = Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
    ordered_packs = Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    demand_packs = Integer(validate=validate.Range(min=0, max=1_000_000),
                                  metadata={"description": "asked for; defaults to ordered_packs"})
    out_of_stock = fields.Boolean(load_default=False)


class ObservationSchema(Schema):
    id = Integer(required=True)
    product_id = Integer(required=True)
    retailer_id = Integer(required=True)
    visit_id = Integer(allow_none=True)
    observed_on = Date(required=True)
    week = fields.String(required=True, metadata={"example": "2026-W47"})
    pack_price = MoneyOut(allow_none=True)
    carton_price = MoneyOut(allow_none=True)
    stock_packs = Integer(required=True)
    ordered_packs = Integer(required=True)
    demand_packs = Integer(required=True)
    out_of_stock = fields.Boolean(required=True)


class ObservationListSchema(Schema):
    items = fields.List(fields.Nested(ObservationSchema), required=True)


class CheckoutSchema(Schema):
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class VisitQuery(PageQuery):
    week = WeekField()


class AdminVisitQuery(VisitQuery):
    staff_id = Id()


class VisitPlanInSchema(Schema):
    staff_id = Id(required=True, exists=(StaffUser, _l("No such staff member.")))
    retailer_id = Id(required=True, exists=(Retailer, _l("No such retailer.")))
    date = Date(required=True, attribute="planned_on", data_key="date")


class VisitPlanSchema(Schema):
    id = Integer(required=True)
    staff_id = Integer(required=True)
    retailer = fields.Nested(RetailerRefSchema, required=True)
    date = Date(required=True, attribute="planned_on")
    visit_id = Integer(allow_none=True, metadata={"description": "the visit made on this plan, if any"})


class VisitPlanQuery(Schema):
    week = WeekField()
    date = Date()
    staff_id = Id()


class VisitPlanListSchema(Schema):
    items = fields.List(fields.Nested(VisitPlanSchema), required=True)


class SummaryQuery(Schema):
    week = WeekField(required=True)


class StaffWeekSchema(Schema):
    staff_id = Integer(required=True)
    name = fields.String(required=True)
    planned = Integer(required=True)
    planned_visited = Integer(required=True)
    visits = Integer(required=True, metadata={"description": "completed visits in the week"})
    unplanned_visits = Integer(required=True)
    completion_rate = fields.Float(allow_none=True, metadata={"description": "planned_visited / planned"})


class SummarySchema(Schema):
    week = fields.String(required=True)
    items = fields.List(fields.Nested(StaffWeekSchema), required=True)
