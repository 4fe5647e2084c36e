"""Gift shapes (API.md): the member's view, and the admin's with stock and status."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..media import media_url
from ..schema_fields import Date, Integer, Text
from .models import GIFT_STATUSES, STOCK_MOVE_KINDS


class GiftSchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True)
    description = fields.String(allow_none=True)
    points_cost = Integer(required=True)
    in_stock = fields.Boolean(required=True)
    per_member_limit = Integer(allow_none=True)
    image_url = fields.Function(lambda g: media_url(g.image_path) if g.image_path else None, allow_none=True,
                                metadata={"type": "string", "nullable": True})
    thumb_url = fields.Function(lambda g: media_url(g.thumb_path) if g.thumb_path else None, allow_none=True,
                                metadata={"type": "string", "nullable": True})
    valid_from = Date(allow_none=True)
    valid_until = Date(allow_none=True)


class AdminGiftSchema(GiftSchema):
    stock = Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(GIFT_STATUSES)})
    created_at = fields.DateTime(required=True)


class GiftFieldsSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    category = Text(required=True, validate=validate.Length(min=1, max=32))
    description = Text(multiline=True, allow_none=True, validate=validate.Length(max=2000))
    points_cost = Integer(required=True, validate=validate.Range(min=1, max=10_000_000))
    per_member_limit = Integer(allow_none=True, validate=validate.Range(min=1, max=10_000))
    valid_from = Date(allow_none=True)
    valid_until = Date(allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def _window(self, data, **_):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ValidationError(gettext("Must not be before valid_from."), field_name="valid_until")


class GiftCreateSchema(GiftFieldsSchema):
    stock = Integer(required=True, validate=validate.Range(min=0, max=10_000_000))


class GiftUpdateSchema(GiftFieldsSchema):
    """PATCH: any subset of the fields; stock moves only through /stock."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class StockAdjustSchema(Schema):
    delta = Integer(required=True, validate=[validate.Range(min=-10_000_000, max=10_000_000),
                                                    validate.NoneOf([0], error=_l("Must not be zero."))])
    reason = Text(required=True, validate=validate.Length(min=1, max=200))


class StockMoveSchema(Schema):
    id = Integer(required=True)
    delta = Integer(required=True)
    stock_after = Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(STOCK_MOVE_KINDS)})
    ref = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    staff_id = Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class GiftQuery(Schema):
    category = Text(validate=validate.Length(max=32))
    affordable = fields.Boolean(load_default=False)


class AdminGiftQuery(Schema):
    category = Text(validate=validate.Length(max=32))
    status = fields.String(validate=validate.OneOf(GIFT_STATUSES))


class ImageUploadSchema(Schema):
    image = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
