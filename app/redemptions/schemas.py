"""Redemption shapes (API.md) and the delivery choice: pickup (自提) or post (邮寄)."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..members.models import mask_phone
from ..members.schemas import PhoneField
from ..schema_fields import Id, Inline, Integer, Text
from .models import METHODS, STATUSES


class DeliverySchema(Schema):
    method = fields.String(required=True, validate=validate.OneOf(METHODS), metadata={"enum": list(METHODS)})
    name = Text(validate=validate.Length(min=1, max=30))
    phone = PhoneField(metadata={"example": "13800138000"})
    address = Text(validate=validate.Length(min=5, max=200))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _post_needs_address(self, data, original, **_):
        # Missing means not sent: a badly written phone is reported once, by its own field.
        sent = original if isinstance(original, dict) else {}
        if data.get("method") == "post":
            missing = {name: [_l("Required for delivery by post.")] for name in ("name", "phone", "address")
                       if sent.get(name) in (None, "")}
            if missing:
                raise ValidationError(missing)


class RedeemSchema(Schema):
    gift_id = Id(required=True)
    quantity = Integer(load_default=1, validate=validate.Range(min=1, max=100))
    delivery = fields.Nested(DeliverySchema, required=True)


class GiftRefSchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)


class DeliveryOutSchema(Schema):
    """{method: pickup}, or {method: post, name, phone (masked), address, tracking_no}."""
    method = fields.String(required=True, metadata={"enum": list(METHODS)})
    name = fields.String()
    phone = fields.String(metadata={"example": "138****8000"})
    address = fields.String()
    tracking_no = fields.String(allow_none=True)


def _delivery(redemption):
    if redemption.method == "pickup":
        return {"method": "pickup"}
    return {"method": "post", "name": redemption.ship_name, "phone": mask_phone(redemption.ship_phone or ""),
            "address": redemption.ship_address, "tracking_no": redemption.tracking_no}


class RedemptionSchema(Schema):
    id = Integer(required=True)
    gift = fields.Nested(GiftRefSchema, required=True)
    quantity = Integer(required=True)
    points_spent = Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    pickup_code = fields.String(allow_none=True)
    delivery = Inline(DeliveryOutSchema, via=_delivery, required=True)
    created_at = fields.DateTime(required=True)
    balance = Integer(metadata={"description": "The member's balance after redeeming (on create only)"})


class AdminRedemptionSchema(RedemptionSchema):
    member_id = Integer(required=True)
    fulfilled_at = fields.DateTime(allow_none=True)
    fulfilled_by = Integer(allow_none=True)
    shipped_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancelled_by = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class FulfilSchema(Schema):
    pickup_code = Text(required=True, validate=validate.Length(min=1, max=32))


class ShipSchema(Schema):
    tracking_no = Text(required=True, validate=validate.Length(min=1, max=40))


class AdminCancelSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=200))


class AdminRedemptionQuery(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    method = fields.String(validate=validate.OneOf(METHODS))
    member_id = Id()
